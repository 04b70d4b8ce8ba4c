import Foundation
import LeptonData

/// Content-based recommendation from item descriptions: items are TF-IDF vectors of their text (LeptonData's
/// `TFIDF`: `idf(t) = ln((1 + n) / (1 + df(t))) + 1` over the n described items, rows l2-normalised), a user is the
/// weighted sum of the vectors of the items they interacted with, `profile_u = Σ_{i ∈ I_u} w_ui v_i`, and the score
/// of item j is the cosine `profile_u · v_j / ‖profile_u‖`.
///
/// The weight `w_ui` is 1 (``Configuration/centred`` false, the default: every interaction is a like) or
/// `r_ui − r̄_u` (centred: ratings below the user's mean push similar items down). A catalogue item without a
/// description has a zero vector and scores 0; descriptions of items outside the training catalogue count in the
/// document frequencies only. The reasons for a recommendation are the user's items whose vectors are most similar
/// to it, weighted by `w_ui`.
public struct ContentBasedRecommender: ItemScoringRecommender, Codable, Equatable {
    /// The hyperparameters.
    public struct Configuration: Sendable, Codable, Equatable {
        /// How descriptions are split into terms.
        public var tokenizer: Tokenizer
        /// Terms in fewer descriptions than this are dropped.
        public var minimumDocumentFrequency: Int
        /// At most this many terms (the most frequent), or all.
        public var maximumTerms: Int?
        /// `1 + ln(count)` as the term frequency.
        public var sublinearTF: Bool
        /// Weigh interactions by `r_ui − r̄_u` instead of 1.
        public var centred: Bool

        /// A configuration.
        /// - Parameters:
        ///   - tokenizer: The tokenizer (default: lowercase words of at least 2 characters).
        ///   - minimumDocumentFrequency: At least 1.
        ///   - maximumTerms: At least 1 when given.
        ///   - sublinearTF: Logarithmic term frequency.
        ///   - centred: Centre ratings on each user's mean.
        public init(
            tokenizer: Tokenizer = Tokenizer(), minimumDocumentFrequency: Int = 1, maximumTerms: Int? = nil,
            sublinearTF: Bool = false, centred: Bool = false
        ) {
            self.tokenizer = tokenizer
            self.minimumDocumentFrequency = minimumDocumentFrequency
            self.maximumTerms = maximumTerms
            self.sublinearTF = sublinearTF
            self.centred = centred
        }
    }

    /// The model's name in messages.
    public static var modelName: String { "ContentBased" }
    /// The hyperparameters used.
    public let configuration: Configuration
    /// The interactions fitted on.
    public let training: InteractionMatrix
    /// The vocabulary: column t of ``itemVectors`` is term `terms[t]`.
    public let terms: [String]
    /// Row i: the l2-normalised TF-IDF vector of catalogue item i, terms ascending.
    public let itemVectors: SparseRows

    private enum CodingKeys: String, CodingKey { case configuration, training, terms, itemVectors }

    /// Decodes a fitted model and checks the item vectors against the catalogue and vocabulary.
    /// - Parameter decoder: The decoder.
    /// - Throws: ``RecommenderError/corruptModel(_:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try container.decode(Configuration.self, forKey: .configuration)
        training = try container.decode(InteractionMatrix.self, forKey: .training)
        terms = try container.decode([String].self, forKey: .terms)
        itemVectors = try container.decode(SparseRows.self, forKey: .itemVectors)
        try itemVectors.validate(rowCount: training.itemCount, columnCount: terms.count, what: "item vectors")
    }

    /// Learns the TF-IDF vocabulary from `features` and vectorises the training catalogue.
    ///
    /// - Parameters:
    ///   - training: The interactions.
    ///   - features: Descriptions of items (of the catalogue and possibly others).
    ///   - configuration: The hyperparameters.
    /// - Throws: ``RecommenderError/emptyTraining``, ``RecommenderError/invalidParameter(name:value:expected:)``, or
    ///   LeptonData's `TransformError/emptyVocabulary(column:)` when the descriptions hold no term.
    public init(
        fitting training: InteractionMatrix, features: ItemFeatures, configuration: Configuration = Configuration()
    ) throws {
        try RecommenderValidation.atLeast(configuration.minimumDocumentFrequency, 1, "minimumDocumentFrequency")
        if let maximum = configuration.maximumTerms { try RecommenderValidation.atLeast(maximum, 1, "maximumTerms") }
        try RecommenderValidation.nonEmpty(training)
        guard !features.items.isEmpty else {
            throw RecommenderError.invalidParameter(name: "features.count", value: 0, expected: "at least 1")
        }
        let table = try Table(columns: [Column(name: "text", data: .text(features.texts))])
        let fitted = try TFIDF(
            column: "text", tokenizer: configuration.tokenizer,
            limits: VocabularyLimits(
                minimumDocumentFrequency: configuration.minimumDocumentFrequency,
                maximumTerms: configuration.maximumTerms),
            sublinearTF: configuration.sublinearTF
        ).fit(on: table)
        let terms = fitted.vocabulary.terms
        var termIndex: [String: Int] = [:]
        for (index, term) in terms.enumerated() { termIndex[term] = index }
        var textOfItem: [String: String] = [:]
        for (item, text) in zip(features.items, features.texts) { textOfItem[item] = text }
        var rows: [[(column: Int, weight: Float)]] = []
        rows.reserveCapacity(training.itemCount)
        for id in training.items.ids {
            var counts: [Int: Double] = [:]
            for term in fitted.tokenizer.terms(textOfItem[id] ?? "") {
                if let index = termIndex[term] { counts[index, default: 0] += 1 }
            }
            var entries = counts.map { index, count in
                (
                    column: index,
                    weight: (configuration.sublinearTF ? 1 + log(count) : count)
                        * fitted.inverseDocumentFrequencies[index]
                )
            }
            entries.sort { $0.column < $1.column }
            let norm = entries.reduce(0) { $0 + $1.weight * $1.weight }.squareRoot()
            rows.append(entries.map { (column: $0.column, weight: Float(norm > 0 ? $0.weight / norm : 0)) })
        }
        self.configuration = configuration
        self.training = training
        self.terms = terms
        self.itemVectors = SparseRows(rows: rows)
    }

    /// The interaction weights `w_ui` of a user's items.
    private func weights(_ values: [Double]) -> [Float] {
        guard configuration.centred, !values.isEmpty else { return values.map { _ in 1 } }
        let mean = values.reduce(0, +) / Double(values.count)
        return values.map { Float($0 - mean) }
    }

    /// Cosine scores of every catalogue item against the profile of `items` weighted by `values`.
    private func scores(items: [Int], values: [Double]) -> [Float] {
        var profile = [Float](repeating: 0, count: terms.count)
        for (item, weight) in zip(items, weights(values)) {
            for position in itemVectors.range(item) {
                profile[Int(itemVectors.columns[position])] += weight * itemVectors.weights[position]
            }
        }
        let norm = profile.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return [Float](repeating: 0, count: training.itemCount) }
        return (0..<training.itemCount).map { item in
            var dot: Float = 0
            for position in itemVectors.range(item) {
                dot += profile[Int(itemVectors.columns[position])] * itemVectors.weights[position]
            }
            return dot / norm
        }
    }

    /// The cosine of two catalogue items' vectors.
    private func cosine(_ a: Int, _ b: Int) -> Float {
        var left = itemVectors.range(a).startIndex
        var right = itemVectors.range(b).startIndex
        let leftEnd = itemVectors.range(a).endIndex
        let rightEnd = itemVectors.range(b).endIndex
        var dot: Float = 0
        while left < leftEnd, right < rightEnd {
            let l = itemVectors.columns[left]
            let r = itemVectors.columns[right]
            if l == r {
                dot += itemVectors.weights[left] * itemVectors.weights[right]
                left += 1
                right += 1
            } else if l < r {
                left += 1
            } else {
                right += 1
            }
        }
        return dot
    }

    /// Scores from the user's training items.
    /// - Parameter user: A dense user index.
    /// - Throws: ``RecommenderError/userWithoutInteractions(_:)``.
    public func itemScores(forUser user: Int) throws -> [Float] {
        let range = training.rowOffsets[user]..<training.rowOffsets[user + 1]
        guard !range.isEmpty else { throw RecommenderError.userWithoutInteractions(training.users.id(at: user)) }
        return scores(items: training.itemIndices[range].map { Int($0) }, values: Array(training.values[range]))
    }

    /// Scores from a new user's items (nothing to fit: the profile is the weighted sum of their item vectors).
    /// - Parameters:
    ///   - items: Dense item indices.
    ///   - values: Ratings or strengths aligned with `items`.
    public func itemScores(forNewUserItems items: [Int], values: [Double]) -> [Float] {
        scores(items: items, values: values)
    }

    /// The `k` catalogue items whose descriptions are most similar to `item`'s (cosine, ties by index).
    /// - Parameters:
    ///   - item: An item id.
    ///   - k: How many, at least 1.
    /// - Throws: ``RecommenderError``.
    public func similarItems(to item: String, k: Int) throws -> [Recommendation] {
        try RecommenderValidation.atLeast(k, 1, "k")
        let i = try RecommenderValidation.itemIndex(item, in: training)
        var selection = TopKSelection(k: k)
        for j in 0..<training.itemCount where j != i { selection.offer(score: cosine(i, j), index: j) }
        return selection.sorted().map {
            Recommendation(item: training.items.id(at: $0.index), itemIndex: $0.index, score: $0.score)
        }
    }

    /// Why `item` is recommended to `user`: the user's training items with the largest `w_ui · cos(v_i, v_item)`,
    /// largest first (positive terms only).
    /// - Parameters:
    ///   - user: A user id seen in training.
    ///   - item: An item id.
    ///   - limit: At most this many reasons, at least 1.
    /// - Throws: ``RecommenderError``.
    public func reasons(user: String, item: String, limit: Int = 3) throws -> [RecommendationReason] {
        try RecommenderValidation.atLeast(limit, 1, "limit")
        let u = try RecommenderValidation.userIndex(user, in: training)
        let j = try RecommenderValidation.itemIndex(item, in: training)
        let items = training.items(ofUser: u).map { Int($0) }
        var selection = TopKSelection(k: limit)
        for (i, weight) in zip(items, weights(Array(training.values(ofUser: u)))) {
            let term = weight * cosine(i, j)
            if term > 0 { selection.offer(score: term, index: i) }
        }
        return selection.sorted().map {
            RecommendationReason(item: training.items.id(at: $0.index), contribution: $0.score)
        }
    }

    /// This model with new interactions of known items (new users allowed, a stored pair replaced); the item
    /// vectors do not depend on interactions, so nothing else changes.
    /// - Parameter interactions: The new interactions.
    /// - Throws: ``RecommenderError``.
    public func partialFit(_ interactions: [Interaction]) throws -> ContentBasedRecommender {
        ContentBasedRecommender(
            configuration: configuration,
            training: try RecommenderValidation.merging(interactions, into: training, allowNewUsers: true),
            terms: terms, itemVectors: itemVectors)
    }

    private init(configuration: Configuration, training: InteractionMatrix, terms: [String], itemVectors: SparseRows) {
        self.configuration = configuration
        self.training = training
        self.terms = terms
        self.itemVectors = itemVectors
    }
}
