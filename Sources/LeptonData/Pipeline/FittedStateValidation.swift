/// Structural checks of decoded fitted states, so that a damaged or hand-edited pipeline file is refused when
/// read instead of trapping when applied.
protocol FittedStateValidating {
    /// A description of the first inconsistency, or `nil` when the state is usable.
    var inconsistency: String? { get }
}

extension FittedPipelineStep {
    /// The first inconsistency of the fitted state inside, if any.
    var inconsistency: String? {
        switch self {
        case .impute, .oneHot, .ordinalEncode, .passthrough: return nil
        case .outliers(let state): return state.inconsistency
        case .scale(let state): return state.inconsistency
        case .discretize(let state): return state.inconsistency
        case .weightOfEvidence(let state): return state.inconsistency
        case .polynomialFeatures(let state): return state.inconsistency
        case .bagOfWords(let state): return state.inconsistency
        case .tfidf(let state): return state.inconsistency
        case .featureHashing(let state): return state.inconsistency
        }
    }
}

/// Whether `cuts` are finite and strictly ascending.
private func areValidCuts(_ cuts: [Double]) -> Bool {
    cuts.allSatisfy(\.isFinite) && zip(cuts, cuts.dropFirst()).allSatisfy { $0 < $1 }
}

extension FittedOutliers: FittedStateValidating {
    var inconsistency: String? {
        limits.first { !($0.lower <= $0.upper) }.map {
            "outlier bounds of \($0.column.debugDescription) are not ordered"
        }
    }
}

extension FittedAffineScale: FittedStateValidating {
    var inconsistency: String? {
        entries.first { !$0.center.isFinite || !$0.scale.isFinite || $0.scale == 0 }
            .map { "scale of \($0.column.debugDescription) is not a finite nonzero number" }
    }
}

extension FittedDiscretize: FittedStateValidating {
    var inconsistency: String? {
        entries.first { !areValidCuts($0.cuts) }.map { "cut points of \($0.column.debugDescription) are not ascending" }
    }
}

extension FittedWeightOfEvidence: FittedStateValidating {
    var inconsistency: String? {
        for entry in entries {
            let name = entry.column.debugDescription
            switch (entry.cuts, entry.categories) {
            case (let cuts?, nil):
                guard areValidCuts(cuts), entry.bins.count == cuts.count + 1 else {
                    return "bins of \(name) do not match its cut points"
                }
            case (nil, let categories?):
                let pooled = entry.pooledCategories ?? [:]
                let ownBin = entry.bins.count == categories.count
                let otherBin = entry.bins.count == categories.count + 1 && pooled.values.contains(categories.count)
                guard ownBin || otherBin, pooled.values.allSatisfy({ entry.bins.indices.contains($0) }),
                    Set(pooled.keys).isDisjoint(with: categories)
                else { return "bins of \(name) do not match its categories" }
            default:
                return "column \(name) needs either cut points or categories"
            }
        }
        return nil
    }
}

extension FittedPolynomialFeatures: FittedStateValidating {
    var inconsistency: String? {
        terms.contains { term in term.isEmpty || term.contains { $0 < 0 || $0 >= columns.count } }
            ? "a polynomial term refers to no input column" : nil
    }
}

extension Tokenizer {
    var inconsistency: String? {
        ngrams.lowerBound >= 1 && minimumLength >= 1 ? nil : "tokenizer n-gram lengths or minimum length below 1"
    }
}

extension Vocabulary {
    var inconsistency: String? {
        documentFrequencies.count == terms.count && Set(terms).count == terms.count
            ? nil : "vocabulary terms and document frequencies do not match"
    }
}

extension FittedBagOfWords: FittedStateValidating {
    var inconsistency: String? { tokenizer.inconsistency ?? vocabulary.inconsistency }
}

extension FittedTFIDF: FittedStateValidating {
    var inconsistency: String? {
        tokenizer.inconsistency ?? vocabulary.inconsistency
            ?? (inverseDocumentFrequencies.count == vocabulary.terms.count
                ? nil : "TF-IDF weights do not match the vocabulary")
    }
}

extension FittedFeatureHashing: FittedStateValidating {
    var inconsistency: String? {
        configuration.tokenizer.inconsistency
            ?? (configuration.features >= 1 ? nil : "feature hashing needs >= 1 feature")
    }
}
