import Foundation
import Lepton

/// The loan applications, split the way a project would use them.
struct CreditApplications {
    static let target = "creditability"
    /// All 1,000 applications.
    let all: Table
    /// For model choice and training (60%).
    let training: Table
    /// For the final evaluation (15%).
    let test: Table
    /// Applicants who arrive in production (25%), in two halves: traffic whose labels come back as feedback, and
    /// fresh labelled traffic that the gate judges on.
    let productionTraffic: Table
    let gateTraffic: Table

    init(url: URL) throws {
        all = try Table(csv: url)
        let labels = try all.binaryLabels(Self.target, positive: "bad")
        let first = try TrainTestSplit(labels: labels, testFraction: 0.4, seed: 11)
        let rest = all.rows(first.test)
        let second = try TrainTestSplit(
            labels: try rest.binaryLabels(Self.target, positive: "bad"), testFraction: 0.625, seed: 12)
        let production = rest.rows(second.test)
        let third = try TrainTestSplit(
            labels: try production.binaryLabels(Self.target, positive: "bad"), testFraction: 0.5, seed: 13)
        training = all.rows(first.train)
        test = rest.rows(second.train)
        productionTraffic = production.rows(third.train)
        gateTraffic = production.rows(third.test)
    }

    /// The input attributes (everything but the target).
    var attributes: [String] { all.columnNames.filter { $0 != Self.target } }
    var numeric: [String] { attributes.filter { all[$0]?.type == .numeric } }
    var categorical: [String] { attributes.filter { all[$0]?.type != .numeric } }
}

/// A trained candidate: a fitted preprocessing pipeline and a network, ready to bundle.
struct TrainedModel {
    let name: String
    let pipeline: FittedPipeline
    let network: Sequential

    /// The probability of a bad outcome for each row of `rows`.
    func probabilityOfBad(_ rows: Table) throws -> [Double] {
        let probabilities = network(try pipeline.features(from: rows).matrix)
        return stride(from: 1, to: probabilities.elementCount, by: 2).map { Double(probabilities.scalars[$0]) }
    }
}

/// The two model families the demo chooses between.
enum CandidateFamily: String, CaseIterable {
    case scorecard = "weight-of-evidence logistic scorecard"
    case network = "multi-layer perceptron on one-hot features"

    /// Fits the family's pipeline and model on `rows`.
    func train(on rows: Table, data: CreditApplications, seed: UInt64) throws -> TrainedModel {
        let labels = Targets.labels(try rows.binaryLabels(CreditApplications.target, positive: "bad"))
        switch self {
        case .scorecard:
            let pipeline = try Pipeline {
                WeightOfEvidence(columns: data.attributes, target: CreditApplications.target, unknown: .useUnknown)
            }.fit(on: rows)
            var logistic = LogisticRegression(penalty: .l2, c: 1)
            try logistic.fit(try pipeline.features(from: rows).matrix, labels)
            return TrainedModel(name: rawValue, pipeline: pipeline, network: try logistic.network())
        case .network:
            let pipeline = try Pipeline {
                OneHot(columns: data.categorical, unknown: .ignore)
                StandardScale(columns: data.numeric)
            }.fit(on: rows)
            let features = try pipeline.features(from: rows).matrix
            let model = Sequential(inputShape: [features.shape[1]], seed: seed) {
                Dense(units: 16, activation: .relu)
                Dropout(rate: 0.3)
                Dense(units: 2, activation: .softmax)
            }
            let trainer = Trainer(
                model: model, optimizer: Adam(learningRate: 1e-3), loss: .sparseCategoricalCrossentropy, seed: seed)
            try trainer.fit(features, labels, epochs: 30, batchSize: 32, verbose: false)
            return TrainedModel(name: rawValue, pipeline: pipeline, network: model)
        }
    }

    /// Mean and standard deviation of ROC AUC over stratified folds, everything refitted in each fold.
    func crossValidatedAUC(_ rows: Table, data: CreditApplications, folds: Int = 5) throws -> (
        mean: Double, deviation: Double
    ) {
        let labels = try rows.binaryLabels(CreditApplications.target, positive: "bad")
        let splits = try StratifiedKFold(folds: folds, shuffle: true, seed: 3).splits(labels: labels)
        let scores = try splits.enumerated().map { index, fold in
            let model = try train(on: rows.rows(fold.train), data: data, seed: UInt64(index))
            let predictions = try model.probabilityOfBad(rows.rows(fold.validation))
            return try Evaluation.rocAUC(scores: predictions, positives: fold.validation.map { labels[$0] == 1 })
        }
        let mean = scores.reduce(0, +) / Double(scores.count)
        let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count - 1)
        return (mean, variance.squareRoot())
    }
}
