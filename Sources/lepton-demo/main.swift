// lepton-demo: the whole machine-learning lifecycle on loan applications, in one process and under two minutes.
//
//   swift run -c release lepton-demo
//
// requirements → data → model choice → training → evaluation → bundle → serving under concurrent traffic →
// drift → feedback → retraining → gate → shadow → canary → promotion, each stage with its numbers, then one
// JSON line that summarises the run.

import Foundation
import Lepton

let workDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("lepton-demo-\(getpid())")
try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: workDirectory) }

Story.stage("Requirements")
Story.say("Task: decide loan applications; the model estimates the probability that a loan goes bad.")
Story.say("Metric that matters: ROC AUC on applicants the model has not seen (ranking risk is what the bank uses).")
Story.say("Service: answer 64 concurrent clients, reject malformed requests with a reason, never crash.")

Story.stage("Data preparation")
guard
    let dataURL = Bundle.module.url(forResource: "german_credit", withExtension: nil)?.appendingPathComponent(
        "german_credit.csv")
else {
    FileHandle.standardError.write(Data("lepton-demo: the embedded German credit data is missing\n".utf8))
    exit(1)
}
let data = try CreditApplications(url: dataURL)
Story.say(
    "German credit: \(data.all.rowCount) applications, \(data.attributes.count) attributes (\(data.numeric.count) numeric, \(data.categorical.count) categorical), no missing values."
)
Story.say(
    "Split (stratified): \(data.training.rowCount) for training, \(data.test.rowCount) for the final test, \(data.productionTraffic.rowCount + data.gateTraffic.rowCount) held back as future applicants."
)

Story.stage("Model choice by 5-fold cross-validation on the training applications")
var choices: [(family: CandidateFamily, auc: Double, deviation: Double)] = []
for family in CandidateFamily.allCases {
    let (auc, deviation) = try family.crossValidatedAUC(data.training, data: data)
    choices.append((family, auc, deviation))
    Story.say("\(family.rawValue): AUC \(Story.number(auc)) ± \(Story.number(deviation))")
}
guard let chosen = choices.max(by: { $0.auc < $1.auc }) else { exit(1) }
Story.say("Chosen: \(chosen.family.rawValue).")

Story.stage("Training")
let champion = try chosen.family.train(on: data.training, data: data, seed: 1)
Story.say(
    "Fitted on \(data.training.rowCount) applications: \(champion.pipeline.featureNames.count) features → \(champion.network.layers.map(\.typeName).joined(separator: " → "))."
)

Story.stage("Evaluation on the held-out test applications")
let testLabels = try data.test.binaryLabels(CreditApplications.target, positive: "bad").map { $0 == 1 }
let testScores = try champion.probabilityOfBad(data.test)
let testAUC = try Evaluation.rocAUC(scores: testScores, positives: testLabels)
Story.say(
    "AUC \(Story.number(testAUC)), KS \(Story.number(try Evaluation.ksStatistic(scores: testScores, positives: testLabels))), Gini \(Story.number(try Evaluation.gini(scores: testScores, positives: testLabels))), Brier \(Story.number(try Evaluation.brierScore(probabilities: testScores, positives: testLabels)))"
)

Story.stage("Bundling: a data-only .lepton file with preprocessing, schema, metrics, drift reference and lineage")
let schema = try ModelSchema.inferred(
    from: data.training, columns: data.attributes, output: .classification(labels: ["good", "bad"]))
func makeBundle(
    _ model: TrainedModel, version: String, training: Table, lineage: BundleLineage, metrics: [String: Double]
) throws -> URL {
    let draft = try Predictor(
        model: model.network, pipeline: model.pipeline, schema: schema, name: "credit-risk", version: version)
    let reference = try ReferenceStatistics(training: training, predictor: draft)
    let bundle = try ModelBundle(
        model: model.network, pipeline: model.pipeline, schema: schema, name: "credit-risk", version: version,
        evaluationMetrics: metrics, reference: reference, lineage: lineage)
    let url = workDirectory.appendingPathComponent("credit-risk-\(version).lepton")
    let written = try bundle.write(to: url)
    Story.say(
        "\(url.lastPathComponent): \((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0) bytes, \(written.checksum ?? "")"
    )
    return url
}
let trainingHash = BundleLineage.dataHash(of: try champion.pipeline.features(from: data.training).matrix)
let championURL = try makeBundle(
    champion, version: "v1", training: data.training,
    lineage: BundleLineage(
        dataHash: trainingHash, dataDescription: "training features, \(data.training.rowCount) rows"),
    metrics: ["test_auc": testAUC, "cv_auc": chosen.auc])
let championBundle = try ModelBundle(contentsOf: championURL)
Story.say(
    "Read back and verified (SHA-256 over manifest and weights); the predictor runs: \(try Predictor(bundle: championURL).stepSummaries.joined(separator: ", "))."
)

Story.stage("Serving through the dynamic batcher under simulated concurrent traffic")
let registry = ModelRegistry<Predictor>()
try await registry.register(try Predictor(bundle: championURL), version: championBundle.modelVersion)
_ = try await registry.promote("v1", to: "production")
let router = try TrafficRouter(
    mode: .championOnly,
    thresholds: RollbackThresholds(
        minimumRequests: 200, evaluationInterval: 50, maxErrorRateIncrease: 0.02, maxP99LatencyRatio: 4,
        maxQualityDrop: 0.3, qualityBaseline: 1),
    seed: 5)
let metricsRegistry = MetricsRegistry()
let service = try ModelService(
    registry: registry, router: router,
    batching: DynamicBatcherConfiguration(maxBatchSize: 64, maxQueueDelay: .milliseconds(2)),
    metrics: ServingMetrics(registry: metricsRegistry, arms: true),
    agreement: { champion, challenger in champion.label == challenger.label ? 1 : 0 },
    isClientError: { $0 is PredictionError })
let log = try PredictionLog(directory: workDirectory.appendingPathComponent("prediction-log"))
func wave(_ table: Table, name: String, passes: Int, shift: PopulationShift? = nil) async throws -> (
    TrafficReport, [Application]
) {
    var applications: [Application] = []
    for pass in 0..<passes { applications += try Traffic.applications(table, prefix: "\(name)-\(pass)", shift: shift) }
    applications = Traffic.withMalformedRequests(applications)
    let report = await Traffic.send(applications, through: service, log: log)
    return (report, applications)
}
let (baseline, baselineApplications) = try await wave(data.productionTraffic, name: "week1", passes: 16)
Story.say(
    "\(baseline.served + baseline.rejected) requests from 64 clients: \(baseline.served) answered, \(baseline.rejected) rejected with a reason, e.g. \(baseline.exampleErrors.first ?? "-")."
)
Story.say(
    String(
        format: "Latency (queue + compute): p50 %.2f ms, p95 %.2f ms, p99 %.2f ms; batches: %d.",
        baseline.percentile(0.5) * 1e3, baseline.percentile(0.95) * 1e3, baseline.percentile(0.99) * 1e3,
        await service.statistics(of: .champion).batchesRun))

Story.stage("Monitoring: drift of the incoming applications against the training reference")
// The detector's defaults: Bonferroni over the columns (at most a 1% chance that an undrifted window raises any
// column alarm) and minimum windows per statistic.
let detectorSettings = DriftDetectorConfiguration()
guard let reference = championBundle.manifest.reference else { exit(1) }
let detector = try reference.featureDriftDetector(configuration: detectorSettings)
var alerts = try AlertMonitor(rules: [
    AlertRule(id: "feature-drift", signal: .driftedColumnCount, condition: .atLeast(1))
])
/// Drift of one window: the distinct applicants of a wave (clients resubmit the same application, and counting
/// copies as independent samples would make every chance difference "significant").
func checkDrift(_ applications: [Application], window: String, alerts: inout AlertMonitor) throws -> (
    DriftReport, [AlertEvent]
) {
    let firstSubmissions = applications.filter { $0.id.contains("-0-") }
    let valid = firstSubmissions.compactMap { application in log.record(requestId: application.id)?.features }
    let report = try detector.detect(
        current: ReferenceStatistics.featureColumns(of: valid, fields: schema.input.fields))
    let events = alerts.observe(report.signals, at: Date())
    let drifted = report.columns.filter(\.drifted).map { "\($0.column) (\($0.method), \(Story.number($0.statistic)))" }
    Story.say(
        "\(window): \(valid.count) distinct applicants (of \(applications.count) requests), drifted columns: \(drifted.isEmpty ? "none" : drifted.joined(separator: ", "))."
    )
    return (report, events)
}
_ = try checkDrift(baselineApplications, window: "week 1", alerts: &alerts)
let shift = PopulationShift(factors: ["credit_amount": 2.2, "duration_in_month": 1.7])
Story.say("Now the market changes: applicants ask for 2.2× larger and 1.7× longer loans.")
let (drifted, driftedApplications) = try await wave(data.productionTraffic, name: "week2", passes: 16, shift: shift)
let (driftReport, driftEvents) = try checkDrift(driftedApplications, window: "week 2", alerts: &alerts)
let alert = driftEvents.first { $0.kind == .fired }
let driftDetected = alert != nil
if let alert {
    Story.say("ALERT \(alert.id): \(driftReport.driftedColumnCount) drifted column(s) within the first drifted window.")
} else {
    Story.say("No alert fired.")
}
let week2Times = driftedApplications.compactMap { log.record(requestId: $0.id)?.timestamp }
let week2Window = week2Times.min().flatMap { start in week2Times.max().map { DateInterval(start: start, end: $0) } }

Story.stage("Feedback: outcomes of the served loans arrive and are joined to the logged predictions")
var joined = 0
for application in baselineApplications + driftedApplications where log.record(requestId: application.id) != nil {
    try log.recordFeedback(requestId: application.id, label: .string(application.outcome))
    joined += 1
}
func realisedAUC(_ applications: [Application]) -> Double {
    let records = applications.compactMap { log.record(requestId: $0.id) }
    let scores = records.map { $0.prediction.count > 1 ? $0.prediction[1] : 0 }
    let positives = records.map { $0.groundTruth == .string("bad") }
    return (try? Evaluation.rocAUC(scores: scores, positives: positives)) ?? 0.5
}
Story.say(
    "\(joined) outcomes joined by request id. Realised AUC: week 1 \(Story.number(realisedAUC(baselineApplications))), week 2 \(Story.number(realisedAUC(driftedApplications)))."
)

/// The distinct labelled applicants of a wave, read back from the prediction log (features as served, outcome as
/// joined), as a table for training.
func labelledRows(of applications: [Application]) throws -> Table {
    let rows = applications.filter { $0.id.contains("-0-") }.compactMap { application -> Application? in
        guard let record = log.record(requestId: application.id), case .string(let outcome)? = record.groundTruth
        else { return nil }
        return Application(id: record.requestId, record: record.features, outcome: outcome)
    }
    return try Traffic.table(from: rows, like: data.all)
}

var promoted = false
var rolloutNotes: [String] = []
var retrainingRowCount = 0
var verdict: ChallengerGate.Decision?
var worseRefused: Bool?
let lineage = LineageLog()
if let alert {
    Story.stage(
        "Retraining, because \(alert.id) fired: the training data plus the labelled week-2 traffic from the log")
    let week2Rows = try labelledRows(of: driftedApplications)
    let retrainingRows = try data.training.appendingRows(of: week2Rows)
    retrainingRowCount = retrainingRows.rowCount
    let retrainedAt = Date()
    let challenger = try chosen.family.train(on: retrainingRows, data: data, seed: 2)
    Story.say(
        "\(retrainingRows.rowCount) labelled applications (\(data.training.rowCount) original + \(week2Rows.rowCount) distinct week-2 applicants read back from the prediction log with their joined outcomes)."
    )

    Story.stage("Gate: champion against challenger on fresh labelled applicants neither model was trained on")
    let gateRows = try Traffic.table(
        from: Traffic.applications(data.gateTraffic, prefix: "gate", shift: shift), like: data.all)
    let gateLabels = try gateRows.binaryLabels(CreditApplications.target, positive: "bad").map { $0 == 1 }
    let ages = try gateRows.numbers("age_in_years").map { ($0 ?? 0) < 30 ? "age < 30" : "age ≥ 30" }
    // DeLong's paired test on the same rows: the challenger passes only if the lower bound of the 95% interval of
    // its AUC lift is above 0; a segment is judged only with 20 positives and 20 negatives.
    let gate = try ChallengerGate(
        minimumLift: 0, maximumSegmentRegression: 0.05, minimumSegmentPositives: 20, minimumSegmentNegatives: 20)
    let championScores = try champion.probabilityOfBad(gateRows)
    let decision = try gate.evaluateAUC(
        championScores: championScores, challengerScores: try challenger.probabilityOfBad(gateRows),
        positives: gateLabels, segments: ages)
    verdict = decision
    func interval(_ comparison: ChallengerGate.Comparison) -> String {
        guard let lower = comparison.lowerBound, let upper = comparison.upperBound else { return "no interval" }
        return
            "lift \(Story.number(comparison.improvement ?? .nan)), 95% CI [\(Story.number(lower)), \(Story.number(upper))]"
    }
    for comparison in decision.comparisons {
        Story.say(
            "\(comparison.name) (\(comparison.count) rows, \(comparison.positives) bad): champion AUC \(Story.number(comparison.champion ?? .nan)), challenger \(Story.number(comparison.challenger ?? .nan)), \(interval(comparison))\(comparison.judged ? "" : " (too few of a class to judge)")"
        )
    }
    Story.say(
        decision.passed ? "Gate passed." : "Gate refused the challenger: \(decision.reasons.joined(separator: "; "))."
    )
    // The gate's other job: a challenger trained on a tenth of the rows must be refused.
    let weak = try chosen.family.train(
        on: retrainingRows.rows(Array(stride(from: 0, to: retrainingRows.rowCount, by: 10))), data: data, seed: 3)
    let weakDecision = try gate.evaluateAUC(
        championScores: championScores, challengerScores: try weak.probabilityOfBad(gateRows), positives: gateLabels)
    worseRefused = !weakDecision.passed
    Story.say(
        "A weaker challenger (trained on every tenth row): \(interval(weakDecision.overall)) → \(weakDecision.passed ? "passed" : "refused")."
    )

    if decision.passed {
        Story.stage("Rollout: register v2, shadow it, then a 20% canary on applicants it was not trained on")
        let challengerURL = try makeBundle(
            challenger, version: "v2", training: retrainingRows,
            lineage: BundleLineage(
                dataHash: BundleLineage.dataHash(of: try challenger.pipeline.features(from: retrainingRows).matrix),
                dataDescription: "training + week-2 feedback, \(retrainingRows.rowCount) rows", parentVersion: "v1",
                trigger: alert.id, dataWindow: week2Window, notes: "retrained after feature drift"),
            metrics: ["gate_auc": decision.overall.challenger ?? .nan])
        let challengerBundle = try ModelBundle(contentsOf: challengerURL)
        try await registry.register(try Predictor(bundle: challengerURL), version: challengerBundle.modelVersion)
        // Promotion needs labelled canary outcomes of both arms (delayed outcomes joined in the prediction log) and
        // a challenger AUC not below the champion's by more than 0.1 at the lower bound of a 90% interval.
        let criteria = try PromotionCriteria(
            minimumLabelledOutcomes: 100, minimumPositives: 20, minimumNegatives: 20, maximumRegression: 0.1)
        let rollout = RolloutController(
            service: service, plan: RolloutPlan(shadowSamplePercent: 100, canaryPercent: 20), log: log,
            criteria: criteria
        ) { record in
            guard case .string(let outcome)? = record.groundTruth, record.prediction.count > 1 else { return nil }
            return LabelledOutcome(score: record.prediction[1], positive: outcome == "bad")
        }
        try await rollout.beginShadow(of: "v2")
        let (shadow, _) = try await wave(data.test, name: "week3-shadow", passes: 4, shift: shift)
        await service.drain()
        let shadowNumbers = router.snapshot(of: .challenger)
        Story.say(
            "Shadow: \(shadow.served) answered by v1; v2 ran on copies: \(shadowNumbers.requests) comparisons, decision agreement \(Story.number(shadowNumbers.meanQuality ?? 0)) (a leading signal only)."
        )
        if try await rollout.beginCanary() {
            let (canary, canaryApplications) = try await wave(data.test, name: "week3-canary", passes: 6, shift: shift)
            Story.say(
                "Canary: \(canary.byVersion["v2"] ?? 0) of \(canary.served) answered by v2, \(canary.rejected) malformed requests rejected."
            )
            var canaryLabels = 0
            for application in canaryApplications where log.record(requestId: application.id) != nil {
                try log.recordFeedback(requestId: application.id, label: .string(application.outcome))
                canaryLabels += 1
            }
            Story.say("\(canaryLabels) canary outcomes arrive and are joined by request id.")
        }
        do {
            (promoted, rolloutNotes) = try await rollout.conclude()
            Story.say(rolloutNotes.last ?? "")
            Story.say(
                promoted
                    ? "Promoted: v2 now serves production (hot swap, in-flight requests drained); v1 stays warm for the watch window."
                    : "Refused: v1 keeps production.")
        } catch let refusal as RolloutError {
            rolloutNotes = [refusal.description]
            Story.say("Not promoted: \(refusal.description).")
            try router.setMode(.championOnly, reason: "no promotion without evidence")
        }
    }
    lineage.append(
        LoopRecord(
            started: retrainedAt, cause: alert.id, dataWindow: week2Window, trainingSamples: retrainingRows.rowCount,
            parentVersion: "v1", challengerVersion: "v2", gate: decision, rolloutNotes: rolloutNotes,
            outcome: !decision.passed ? .rejectedByGate : promoted ? .promoted : .rolledBack))
} else {
    Story.stage("No retraining: no alert fired, so the champion keeps serving")
}

Story.stage("Summary")
let production = try await registry.resolve("production")
let totalServed = baseline.served + drifted.served
let allLatencies = TrafficReport(latencies: baseline.latencies + drifted.latencies)
Story.say(
    "Production version: \(production.id) (parent \(production.lineage.parentVersion ?? "-"), cause \(production.lineage.cause ?? "-"))."
)
Story.say(
    "Lineage: "
        + lineage.records.map {
            "\($0.parentVersion) → \($0.challengerVersion) because \($0.cause): \($0.outcome.rawValue)"
        }.joined(separator: "; "))
let exposition = metricsRegistry.render().split(separator: "\n").filter { $0.hasPrefix("lepton_requests_total") }
Story.say("Prometheus metrics (excerpt): " + exposition.prefix(3).joined(separator: " | "))
Story.say(String(format: "Finished in %.1f s.", Story.elapsed))
let summary: [String: Any] = [
    "cv_score": chosen.auc, "cv_score_std": chosen.deviation, "model": chosen.family.rawValue, "test_score": testAUC,
    "drift_detected": driftDetected, "retrained": retrainingRowCount > 0, "gate_passed": verdict?.passed ?? false,
    "promoted": promoted, "gate_lift_lower": verdict?.overall.lowerBound ?? NSNull(),
    "gate_lift_upper": verdict?.overall.upperBound ?? NSNull(), "worse_challenger_refused": worseRefused ?? NSNull(),
    "retraining_rows": retrainingRowCount,
    "requests_served": totalServed, "requests_rejected": baseline.rejected + drifted.rejected,
    "p99_latency_ms": allLatencies.percentile(0.99) * 1e3, "production_version": production.id,
    "gate_lift": verdict?.overall.improvement ?? NSNull(), "seconds": Story.elapsed,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
