import Foundation
import LeptonTensor

/// One hyperparameter's value in a search candidate.
public struct SearchSetting: Sendable, Hashable, Codable {
    /// The hyperparameter's name.
    public let name: String
    /// Its value, as text.
    public let value: String

    /// Creates a setting.
    ///
    /// - Parameters:
    ///   - name: The hyperparameter's name.
    ///   - value: Its value, as text.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The outcome of a grid or random search: every candidate's cross-validated scores, ranked, and the best
/// estimator refitted on all the data.
public struct SearchResult<Model: Estimator> {
    /// One tried setting of the hyperparameters.
    public struct Candidate {
        /// The hyperparameter values, in the order they were given.
        public let settings: [SearchSetting]
        /// The estimator with these values (unfitted).
        public let estimator: Model
        /// The cross-validation scores.
        public let crossValidation: CrossValidationResult
        /// 1 for the best mean score; equal means share the smaller rank (scikit-learn's `rank_test_score`).
        public let rank: Int

        /// The mean held-out score.
        public var meanScore: Double { crossValidation.meanScore }
        /// The standard deviation of the held-out scores.
        public var standardDeviation: Double { crossValidation.standardDeviation }
    }

    /// The scoring rule's name.
    public let scoring: String
    /// Every candidate, in the order tried.
    public let candidates: [Candidate]
    /// The best candidate's index (the first of those ranked 1).
    public let bestIndex: Int
    /// The best candidate's estimator fitted on all the data, when refitting was asked for.
    public let bestEstimator: Model?

    /// One cross-validated setting, before ranking.
    struct Trial {
        var settings: [SearchSetting]
        var estimator: Model
        var result: CrossValidationResult
    }

    init(scoring: String, tried: [Trial], bestEstimator refit: (Model) throws -> Model?) rethrows {
        let means = tried.map { $0.result.meanScore.isNaN ? -Double.infinity : $0.result.meanScore }
        candidates = tried.enumerated().map { index, entry in
            Candidate(
                settings: entry.settings, estimator: entry.estimator, crossValidation: entry.result,
                rank: 1 + means.filter { $0 > means[index] }.count)
        }
        self.scoring = scoring
        bestIndex = candidates.firstIndex { $0.rank == 1 } ?? 0
        bestEstimator = try refit(tried[bestIndex].estimator)
    }

    /// The best candidate.
    public var best: Candidate { candidates[bestIndex] }

    /// The candidates as a text table, best first: settings, mean, standard deviation and rank.
    public var table: String {
        let names = candidates.first?.settings.map(\.name) ?? []
        let header = names + ["mean \(scoring)", "std", "rank"]
        let rows = candidates.sorted { $0.rank < $1.rank }.map { candidate in
            candidate.settings.map(\.value) + [
                String(format: "%.4f", candidate.meanScore), String(format: "%.4f", candidate.standardDeviation),
                String(candidate.rank),
            ]
        }
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { String(repeating: " ", count: $1 - $0.count) + $0 }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
