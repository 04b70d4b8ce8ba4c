import LeptonData

/// Shared argument checks for the recommenders' configurations.
enum RecommenderValidation {
    static func positive(_ value: Double, _ name: String) throws {
        guard value > 0, value.isFinite else {
            throw RecommenderError.invalidParameter(name: name, value: value, expected: "a finite value > 0")
        }
    }

    static func nonNegative(_ value: Double, _ name: String) throws {
        guard value >= 0, value.isFinite else {
            throw RecommenderError.invalidParameter(name: name, value: value, expected: "a finite value ≥ 0")
        }
    }

    static func atLeast(_ value: Int, _ minimum: Int, _ name: String) throws {
        guard value >= minimum else {
            throw RecommenderError.invalidParameter(name: name, value: Double(value), expected: "at least \(minimum)")
        }
    }

    /// Refuses training interactions without a single interaction.
    static func nonEmpty(_ training: InteractionMatrix) throws {
        guard training.interactionCount > 0 else { throw RecommenderError.emptyTraining }
    }
}

extension RecommenderValidation {
    /// The dense index of a user id.
    static func userIndex(_ id: String, in training: InteractionMatrix) throws -> Int {
        guard let index = training.users.index(of: id) else { throw RecommenderError.unknownUser(id) }
        return index
    }

    /// The dense index of an item id.
    static func itemIndex(_ id: String, in training: InteractionMatrix) throws -> Int {
        guard let index = training.items.index(of: id) else { throw RecommenderError.unknownItem(id) }
        return index
    }

    /// Candidate item ids as distinct ascending dense indices.
    static func candidateIndices(_ candidates: [String]?, in training: InteractionMatrix) throws -> [Int]? {
        try candidates.map { try Array(Set($0.map { try itemIndex($0, in: training) })).sorted() }
    }

    /// Fold-in interactions as (dense item, value) pairs sorted by item, checked: at least one, known items, finite
    /// values inside the training data's rating scale when it declared one.
    static func foldInPairs(_ interactions: [String: Double], in training: InteractionMatrix) throws
        -> [(item: Int, value: Double)]
    {
        guard !interactions.isEmpty else { throw RecommenderError.emptyFoldIn }
        var pairs: [(item: Int, value: Double)] = []
        for (id, value) in interactions.sorted(by: { $0.key < $1.key }) {
            guard value.isFinite else {
                throw RecommenderError.nonFiniteValue(what: "rating of item '\(id)'", value: value)
            }
            if let scale = training.ratingScale, !scale.contains(value) {
                throw RecommenderError.ratingOutOfScale(item: id, rating: value, scale: scale)
            }
            pairs.append((try itemIndex(id, in: training), value))
        }
        return pairs.sorted { $0.item < $1.item }
    }
}

extension RecommenderValidation {
    /// `training` with `interactions` added (a stored pair is replaced), with the errors translated to
    /// ``RecommenderError``: unknown items always, unknown users unless `allowNewUsers`.
    static func merging(_ interactions: [Interaction], into training: InteractionMatrix, allowNewUsers: Bool) throws
        -> InteractionMatrix
    {
        guard !interactions.isEmpty else { throw RecommenderError.emptyFoldIn }
        for interaction in interactions {
            guard interaction.value.isFinite else {
                throw RecommenderError.nonFiniteValue(
                    what: "rating of item '\(interaction.item)'", value: interaction.value)
            }
            if let scale = training.ratingScale, !scale.contains(interaction.value) {
                throw RecommenderError.ratingOutOfScale(item: interaction.item, rating: interaction.value, scale: scale)
            }
            guard training.items.index(of: interaction.item) != nil else {
                throw RecommenderError.unknownItem(interaction.item)
            }
            if !allowNewUsers, training.users.index(of: interaction.user) == nil {
                throw RecommenderError.unknownUser(interaction.user)
            }
        }
        let stamped =
            training.timestamps == nil
            ? interactions
            : interactions.map {
                Interaction(user: $0.user, item: $0.item, value: $0.value, timestamp: $0.timestamp ?? 0)
            }
        return try training.adding(stamped, duplicates: .keepLast)
    }
}
