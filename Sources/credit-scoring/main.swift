// credit-scoring: from a CSV of loan applications to an explainable, validated scorecard.
//
//   swift run -c release credit-scoring                    # the German credit data embedded in the package
//   swift run -c release credit-scoring --data FILE.csv    # the same columns from elsewhere
//
// Describes the data, bins every attribute by weight of evidence with information values, cross-validates a
// logistic scorecard against a small neural network (the bins are refitted inside every fold), prints the
// points table, reason codes for three applicants and a fairness line, and ends with one JSON line.

import Foundation
import Lepton

let arguments = Array(CommandLine.arguments.dropFirst())
let dataURL: URL? =
    arguments.count == 2 && arguments[0] == "--data"
    ? URL(fileURLWithPath: arguments[1])
    : Bundle.module.url(forResource: "german_credit", withExtension: nil)?.appendingPathComponent("german_credit.csv")
guard let dataURL else {
    FileHandle.standardError.write(Data("credit-scoring: the embedded German credit data is missing\n".utf8))
    exit(1)
}
let data = try CreditData(url: dataURL)
let rows = data.table

print(
    "== The data: \(rows.rowCount) applications, \(data.attributes.count) attributes, "
        + "\(data.bad.filter { $0 == 1 }.count) bad outcomes")
print(rows.describe())

print("== Weight of evidence and information value (all rows)")
let screen = try WeightOfEvidence(columns: data.attributes, target: CreditData.target).fit(on: rows)
for (attribute, value) in screen.informationValues.sorted(by: { $0.value > $1.value }) {
    let strength =
        value < 0.02 ? "useless" : value < 0.1 ? "weak" : value < 0.3 ? "medium" : value < 0.5 ? "strong" : "suspicious"
    print(
        "  " + attribute.padding(toLength: 60, withPad: " ", startingAt: 0) + String(format: "IV %.3f  ", value)
            + strength)
}

print("\n== 5-fold stratified cross-validation (binning, selection and models refitted in every fold)")
let folds = try StratifiedKFold(folds: 5, shuffle: true, seed: 7).splits(labels: data.bad)
var scorecardAUC: [Double] = []
var mlpAUC: [Double] = []
var outOfFold = [Double](repeating: 0, count: rows.rowCount)
for (index, fold) in folds.enumerated() {
    let (train, validation) = (rows.rows(fold.train), rows.rows(fold.validation))
    let positives = fold.validation.map { data.bad[$0] == 1 }
    let scorecard = try WoEScorecardModel(training: train, data: data)
    let scores = try scorecard.probabilityOfBad(validation)
    for (row, score) in zip(fold.validation, scores) { outOfFold[row] = score }
    let foldAUC = try Evaluation.rocAUC(scores: scores, positives: positives)
    let mlp = try MLPModel(training: train, data: data, seed: UInt64(index))
    let foldMLPAUC = try Evaluation.rocAUC(scores: try mlp.probabilityOfBad(validation), positives: positives)
    scorecardAUC.append(foldAUC)
    mlpAUC.append(foldMLPAUC)
    print(String(format: "  fold %d: scorecard AUC %.4f, MLP AUC %.4f", index + 1, foldAUC, foldMLPAUC))
}
func meanAndDeviation(_ values: [Double]) -> (Double, Double) {
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
    return (mean, variance.squareRoot())
}
let (cvAUC, cvAUCDeviation) = meanAndDeviation(scorecardAUC)
let (mlpMean, mlpDeviation) = meanAndDeviation(mlpAUC)

// The same without a hand-written loop: the preprocessing pipeline and the model are fitted inside every training
// fold (no leakage), with several scoring rules in one call.
let pipelineCV = try crossValidate(
    Pipeline {
        Outliers(.iqr(factor: 3), columns: data.numeric, action: .clip)
        WeightOfEvidence(columns: data.attributes, target: CreditData.target, unknown: .useUnknown)
    }, LogisticRegression(penalty: .l2, c: 1), on: rows, targets: .labels(data.bad),
    folds: .stratifiedKFold(5, shuffle: true, seed: 7), scoring: [.rocAUC, .negativeLogLoss, .accuracy])
print(
    String(
        format: "  one-call pipeline CV (all attributes): AUC %.4f, log loss %.4f, accuracy %.4f%@",
        pipelineCV.meanScore("roc_auc"), -pipelineCV.meanScore("neg_log_loss"), pipelineCV.meanScore("accuracy"),
        pipelineCV.warnings.isEmpty ? "" : " (\(pipelineCV.warnings.count) convergence warnings)"))
let allPositives = data.bad.map { $0 == 1 }
let ks = try Evaluation.ksStatistic(scores: outOfFold, positives: allPositives)
let gini = try Evaluation.gini(scores: outOfFold, positives: allPositives)
print(
    String(format: "  scorecard: AUC %.4f ± %.4f   MLP: AUC %.4f ± %.4f", cvAUC, cvAUCDeviation, mlpMean, mlpDeviation))
print(String(format: "  scorecard out of fold: KS %.4f, Gini %.4f", ks, gini))

print("\n== The scorecard (fitted on all rows; 600 points at 50:1 odds, 20 points double the odds)")
let final = try WoEScorecardModel(training: rows, data: data)
let card = try final.scorecard()
print(card)

print("== Reason codes for the three lowest-scoring applicants")
let bins = try final.bins(rows)
let scores = try bins.map { try card.score(bins: $0) }
let outcomes = try rows.strings(CreditData.target)
for applicant in scores.indices.sorted(by: { scores[$0] < scores[$1] }).prefix(3) {
    print(
        String(format: "  applicant %d: score %.0f, ", applicant + 1, scores[applicant])
            + "actual outcome \(outcomes[applicant] ?? "?")")
    for code in try card.reasonCodes(bins: bins[applicant], limit: 3) {
        print(
            String(format: "    -%.1f points  ", code.impact)
                + "\(code.feature) = \(code.value) (best: \(code.reference))")
    }
}

print("\n== Fairness by sex (approve when the out-of-fold probability of a bad outcome is below 0.3)")
let approved = outOfFold.map { $0 < 0.3 }
let fairness = try FairnessReport(
    predictedPositive: approved, actualPositive: data.bad.map { $0 == 0 }, groups: try data.sex(rows))
print(fairness)

let summary: [String: Any] = [
    "cv_auc": cvAUC, "cv_auc_std": cvAUCDeviation, "ks": ks, "gini": gini, "mlp_cv_auc": mlpMean,
    "mlp_cv_auc_std": mlpDeviation, "features": final.binning.entries.count,
    "demographic_parity_difference": fairness.demographicParityDifference,
    "equal_opportunity_difference": fairness.equalOpportunityDifference,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
