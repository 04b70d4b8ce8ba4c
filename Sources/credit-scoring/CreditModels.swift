import Foundation
import Lepton

/// The German credit data: 1,000 applicants, 20 attributes, and whether they repaid (`good`) or not (`bad`).
struct CreditData {
    static let target = "creditability"
    let table: Table
    /// 1 for a bad outcome (the event a scorecard predicts), 0 for good.
    let bad: [Int32]

    init(url: URL) throws {
        table = try Table(csv: url)
        bad = try table.binaryLabels(Self.target, positive: "bad")
    }

    /// Every attribute except the target.
    var attributes: [String] { table.columnNames.filter { $0 != Self.target } }

    /// Numeric attributes.
    var numeric: [String] { attributes.filter { table[$0]?.type == .numeric } }

    /// Non-numeric attributes.
    var categorical: [String] { attributes.filter { table[$0]?.type != .numeric } }

    /// Each applicant's sex, from `personal_status_and_sex` ("male : single" → "male").
    func sex(_ rows: Table) throws -> [String] {
        try rows.strings("personal_status_and_sex").map { value in
            (value ?? "unknown").components(separatedBy: " :").first ?? "unknown"
        }
    }
}

/// The classic scorecard: weight-of-evidence bins chosen on the training rows, the attributes worth keeping by
/// information value, then a logistic regression on the weights of evidence.
struct WoEScorecardModel {
    /// Attributes below this information value are dropped (the usual "useless" cut-off).
    static let minimumInformationValue = 0.02

    let pipeline: FittedPipeline
    let binning: FittedWeightOfEvidence
    let logistic: LogisticRegression
    let informationValues: [String: Double]

    init(training rows: Table, data: CreditData) throws {
        // Bin every attribute to rank them, then keep the informative ones.
        let screen = try WeightOfEvidence(columns: data.attributes, target: CreditData.target).fit(on: rows)
        informationValues = screen.informationValues
        let kept = data.attributes.filter { (screen.informationValues[$0] ?? 0) >= Self.minimumInformationValue }
        pipeline = try Pipeline {
            Outliers(.iqr(factor: 3), columns: data.numeric.filter(kept.contains), action: .clip)
            WeightOfEvidence(columns: kept, target: CreditData.target, unknown: .useUnknown)
        }.fit(on: rows)
        guard
            let fitted = pipeline.steps.compactMap({ step -> FittedWeightOfEvidence? in
                if case .weightOfEvidence(let woe) = step { return woe }
                return nil
            }).first
        else { preconditionFailure("the scorecard pipeline has a weight-of-evidence step") }
        binning = fitted
        var model = LogisticRegression(penalty: .l2, c: 1)
        try model.fit(
            try pipeline.features(from: rows).matrix, .labels(try rows.binaryLabels(CreditData.target, positive: "bad"))
        )
        logistic = model
    }

    /// The weight-of-evidence bin of each row in each kept attribute (after the same outlier clipping).
    func bins(_ rows: Table) throws -> [[Int]] {
        let clipping = FittedPipeline(steps: Array(pipeline.steps.dropLast()), featureNames: [])
        return try binning.binIndices(for: try clipping.apply(to: rows))
    }

    /// The probability of a bad outcome for each row.
    func probabilityOfBad(_ rows: Table) throws -> [Double] {
        let probabilities = try logistic.predictProbabilities(try pipeline.features(from: rows).matrix)
        return stride(from: 1, to: probabilities.elementCount, by: 2).map { Double(probabilities.scalars[$0]) }
    }

    /// The points-based scorecard (600 points at 50:1 good:bad odds, 20 points to double the odds).
    func scorecard() throws -> Scorecard {
        let entries = binning.entries
        return try Scorecard(
            coefficients: logistic.coefficients[0], intercept: logistic.intercepts[0],
            binValues: binning.binValues, binLabels: binning.binLabels, featureNames: entries.map(\.column))
    }
}

/// A small multi-layer perceptron on one-hot and standardised attributes, for comparison.
struct MLPModel {
    let pipeline: FittedPipeline
    let network: NeuralClassifier

    init(training rows: Table, data: CreditData, seed: UInt64) throws {
        pipeline = try Pipeline {
            OneHot(columns: data.categorical, unknown: .ignore)
            StandardScale(columns: data.numeric)
        }.fit(on: rows)
        var classifier = NeuralClassifier(
            training: NeuralTraining(epochs: 30, batchSize: 32, learningRate: 1e-3, seed: seed)
        ) { spec in
            Sequential(inputShape: [spec.inputFeatures], seed: spec.seed) {
                Dense(units: 16, activation: .relu)
                Dropout(rate: 0.3)
                Dense(units: spec.outputs, activation: .softmax)
            }
        }
        try classifier.fit(
            try pipeline.features(from: rows).matrix, .labels(try rows.binaryLabels(CreditData.target, positive: "bad"))
        )
        network = classifier
    }

    func probabilityOfBad(_ rows: Table) throws -> [Double] {
        let probabilities = try network.predictProbabilities(try pipeline.features(from: rows).matrix)
        return stride(from: 1, to: probabilities.elementCount, by: 2).map { Double(probabilities.scalars[$0]) }
    }
}
