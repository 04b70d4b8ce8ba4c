import LeptonData
import LeptonKernels

/// Item-based nearest neighbours on interactions with shrunk cosine similarity.
///
/// With `r_i` item i's column of interaction weights (1 for every interaction when ``Configuration/binary``, else
/// the stored values), `sim(i, j) = r_i · r_j / (‖r_i‖ ‖r_j‖ + h)` for `i ≠ j`, h the shrinkage (it pulls the
/// similarity of rarely co-consumed items towards 0). Each item keeps its ``Configuration/neighborCount`` most
/// similar items with positive similarity (ties by lower index). The score of item j for user u is
/// `s_uj = Σ_{i ∈ I_u} w_ui · sim_k(i, j)`, `sim_k(i, ·)` the kept neighbours of i (as the `implicit` library's
/// `ItemItemRecommender`); the reasons for a recommendation are the user's items with the largest terms of that sum.
/// Similarities are computed per item on the thread pool; the result does not depend on the thread count.
public struct ItemKNNRecommender: ItemScoringRecommender, Codable, Equatable {
    /// The hyperparameters.
    public struct Configuration: Sendable, Codable, Equatable {
        /// Neighbours kept per item, k.
        public var neighborCount: Int
        /// The shrinkage h ≥ 0.
        public var shrinkage: Double
        /// Whether every interaction weighs 1 (otherwise its stored value is the weight).
        public var binary: Bool

        /// A configuration.
        /// - Parameters:
        ///   - neighborCount: Neighbours per item, at least 1.
        ///   - shrinkage: h ≥ 0.
        ///   - binary: Weigh every interaction 1.
        public init(neighborCount: Int = 50, shrinkage: Double = 10, binary: Bool = true) {
            self.neighborCount = neighborCount
            self.shrinkage = shrinkage
            self.binary = binary
        }
    }

    /// The model's name in messages.
    public static var modelName: String { "ItemKNN" }
    /// The hyperparameters used.
    public let configuration: Configuration
    /// The interactions fitted on.
    public let training: InteractionMatrix
    /// Row i: item i's kept neighbours and their similarities, most similar first.
    public let neighbors: SparseRows

    private enum CodingKeys: String, CodingKey { case configuration, training, neighbors }

    /// Decodes a fitted model and checks that the neighbourhoods match the training items.
    /// - Parameter decoder: The decoder.
    /// - Throws: ``RecommenderError/corruptModel(_:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try container.decode(Configuration.self, forKey: .configuration)
        training = try container.decode(InteractionMatrix.self, forKey: .training)
        neighbors = try container.decode(SparseRows.self, forKey: .neighbors)
        try neighbors.validate(rowCount: training.itemCount, columnCount: training.itemCount, what: "neighbours")
    }

    /// Fits the neighbourhoods to the interactions in `training`.
    ///
    /// - Parameters:
    ///   - training: The interactions.
    ///   - configuration: The hyperparameters.
    /// - Throws: ``RecommenderError/emptyTraining`` or ``RecommenderError/invalidParameter(name:value:expected:)``.
    public init(fitting training: InteractionMatrix, configuration: Configuration = Configuration()) throws {
        try self.init(fitting: training, configuration: configuration, pool: .shared)
    }

    /// Fits on a given thread pool.
    package init(fitting training: InteractionMatrix, configuration: Configuration, pool: ThreadPool) throws {
        try RecommenderValidation.atLeast(configuration.neighborCount, 1, "neighborCount")
        try RecommenderValidation.nonNegative(configuration.shrinkage, "shrinkage")
        try RecommenderValidation.nonEmpty(training)
        if !configuration.binary, let bad = training.values.first(where: { !$0.isFinite || $0 < 0 }) {
            throw RecommenderError.invalidParameter(
                name: "interaction value", value: bad, expected: "a finite value ≥ 0 for non-binary similarity")
        }
        let n = training.itemCount
        let binary = configuration.binary
        let rowWeights = binary ? [Double](repeating: 1, count: training.interactionCount) : training.values
        var norms = [Double](repeating: 0, count: n)
        for item in 0..<n {
            norms[item] =
                binary
                ? Double(training.users(ofItem: item).count).squareRoot()
                : training.values(ofItem: item).reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
        let shrinkage = configuration.shrinkage
        let k = min(configuration.neighborCount, max(n - 1, 1))
        var rows = [[(column: Int, weight: Float)]](repeating: [], count: n)
        let chunks = min(n, max(1, pool.threadCount * 4))
        rows.withUnsafeMutableBufferPointer { out in
            pool.parallelFor(chunks) { chunk in
                var dot = [Double](repeating: 0, count: n)
                var touched: [Int] = []
                for i in stride(from: chunk, to: n, by: chunks) {
                    let columnRange = training.columnOffsets[i]..<training.columnOffsets[i + 1]
                    for position in columnRange {
                        let u = Int(training.columnUserIndices[position])
                        let wi = binary ? 1 : training.columnValues[position]
                        for rowPosition in training.rowOffsets[u]..<training.rowOffsets[u + 1] {
                            let j = Int(training.itemIndices[rowPosition])
                            if dot[j] == 0 { touched.append(j) }
                            dot[j] += wi * rowWeights[rowPosition]
                        }
                    }
                    var selection = TopKSelection(k: k)
                    for j in touched where j != i {
                        let similarity = dot[j] / (norms[i] * norms[j] + shrinkage)
                        if similarity > 0 { selection.offer(score: Float(similarity), index: j) }
                    }
                    for j in touched { dot[j] = 0 }
                    touched.removeAll(keepingCapacity: true)
                    out[i] = selection.sorted().map { (column: $0.index, weight: $0.score) }
                }
            }
        }
        self.configuration = configuration
        self.training = training
        self.neighbors = SparseRows(rows: rows)
    }

    /// The kept similarity of `other` to `item` (0 when `other` is not among `item`'s neighbours).
    /// - Parameters:
    ///   - item: An item id.
    ///   - other: Another item id.
    /// - Throws: ``RecommenderError/unknownItem(_:)``.
    public func similarity(of item: String, to other: String) throws -> Float {
        let i = try RecommenderValidation.itemIndex(item, in: training)
        let j = Int32(try RecommenderValidation.itemIndex(other, in: training))
        for position in neighbors.range(i) where neighbors.columns[position] == j { return neighbors.weights[position] }
        return 0
    }

    /// The `k` items most similar to `item`, most similar first (its kept neighbours).
    /// - Parameters:
    ///   - item: An item id.
    ///   - k: How many, at least 1.
    /// - Throws: ``RecommenderError``.
    public func similarItems(to item: String, k: Int) throws -> [Recommendation] {
        try RecommenderValidation.atLeast(k, 1, "k")
        let i = try RecommenderValidation.itemIndex(item, in: training)
        return neighbors.range(i).prefix(k).map {
            let j = Int(neighbors.columns[$0])
            return Recommendation(item: training.items.id(at: j), itemIndex: j, score: neighbors.weights[$0])
        }
    }

    /// Scores from the user's training items.
    /// - Parameter user: A dense user index.
    /// - Throws: ``RecommenderError/userWithoutInteractions(_:)``.
    public func itemScores(forUser user: Int) throws -> [Float] {
        let range = training.rowOffsets[user]..<training.rowOffsets[user + 1]
        guard !range.isEmpty else { throw RecommenderError.userWithoutInteractions(training.users.id(at: user)) }
        return scores(items: training.itemIndices[range].map { Int($0) }, values: Array(training.values[range]))
    }

    /// Scores from a new user's items (no fitting is needed: the neighbourhoods are item-to-item).
    /// - Parameters:
    ///   - items: Dense item indices.
    ///   - values: Strengths aligned with `items` (ignored when binary).
    public func itemScores(forNewUserItems items: [Int], values: [Double]) -> [Float] {
        scores(items: items, values: values)
    }

    private func scores(items: [Int], values: [Double]) -> [Float] {
        var result = [Float](repeating: 0, count: training.itemCount)
        for (i, value) in zip(items, values) {
            let weight: Float = configuration.binary ? 1 : Float(value)
            for position in neighbors.range(i) {
                result[Int(neighbors.columns[position])] += weight * neighbors.weights[position]
            }
        }
        return result
    }

    /// Why `item` is recommended to `user`: the user's training items with the largest terms `w_ui · sim_k(i, item)`,
    /// largest first (only positive terms).
    /// - Parameters:
    ///   - user: A user id seen in training.
    ///   - item: An item id.
    ///   - limit: At most this many reasons, at least 1.
    /// - Throws: ``RecommenderError``.
    public func reasons(user: String, item: String, limit: Int = 3) throws -> [RecommendationReason] {
        try RecommenderValidation.atLeast(limit, 1, "limit")
        let u = try RecommenderValidation.userIndex(user, in: training)
        let j = Int32(try RecommenderValidation.itemIndex(item, in: training))
        var selection = TopKSelection(k: limit)
        for (i, value) in zip(training.items(ofUser: u), training.values(ofUser: u)) {
            let weight: Float = configuration.binary ? 1 : Float(value)
            for position in neighbors.range(Int(i)) where neighbors.columns[position] == j {
                let term = weight * neighbors.weights[position]
                if term > 0 { selection.offer(score: term, index: Int(i)) }
            }
        }
        return selection.sorted().map {
            RecommendationReason(item: training.items.id(at: $0.index), contribution: $0.score)
        }
    }

    /// This model with new interactions added (new users allowed, a stored pair replaced) and the neighbourhoods
    /// recomputed exactly (item–item similarities depend on every co-occurrence, so there is no cheaper exact
    /// update; a user's new interactions change their scores even without it).
    /// - Parameter interactions: The new interactions; their items must be known.
    /// - Throws: ``RecommenderError``.
    public func partialFit(_ interactions: [Interaction]) throws -> ItemKNNRecommender {
        try ItemKNNRecommender(
            fitting: RecommenderValidation.merging(interactions, into: training, allowNewUsers: true),
            configuration: configuration)
    }
}
