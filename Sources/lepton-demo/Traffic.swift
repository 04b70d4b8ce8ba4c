import Foundation
import Lepton

/// One simulated application arriving in production, with the outcome that becomes known later.
struct Application: Sendable {
    let id: String
    let record: [String: FeatureValue]
    /// "good" or "bad": the feedback that arrives after the loan has run its course.
    let outcome: String
}

/// A shift of the applicant population: numeric attributes scaled (for example, larger and longer loans after
/// prices rose), the relation between attributes and outcome unchanged.
struct PopulationShift: Sendable {
    let factors: [String: Double]

    func applied(to record: [String: FeatureValue]) -> [String: FeatureValue] {
        var shifted = record
        for (name, factor) in factors {
            if case .number(let value) = record[name] { shifted[name] = .number((value * factor).rounded()) }
        }
        return shifted
    }
}

/// What one wave of traffic did.
struct TrafficReport {
    var served = 0
    var rejected = 0
    var latencies: [Double] = []
    var exampleErrors: [String] = []
    var byVersion: [String: Int] = [:]

    func percentile(_ fraction: Double) -> Double {
        guard !latencies.isEmpty else { return 0 }
        let sorted = latencies.sorted()
        return sorted[Swift.min(sorted.count - 1, Int((fraction * Double(sorted.count - 1)).rounded()))]
    }
}

enum Traffic {
    /// The applications of `table` as requests (feature values by column name) with their outcomes.
    static func applications(_ table: Table, prefix: String, shift: PopulationShift? = nil) throws -> [Application] {
        let outcomes = try table.strings(CreditApplications.target)
        return (0..<table.rowCount).map { row in
            var record: [String: FeatureValue] = [:]
            for column in table.columns where column.name != CreditApplications.target {
                switch column.data[row] {
                case .number(let value): record[column.name] = .number(value)
                case .string(let value): record[column.name] = .string(value)
                case .bool(let value): record[column.name] = .string(value ? "true" : "false")
                case .missing: record[column.name] = .missing
                }
            }
            if let shift { record = shift.applied(to: record) }
            return Application(id: "\(prefix)-\(row)", record: record, outcome: outcomes[row] ?? "good")
        }
    }

    /// Every twentieth request damaged the way real clients damage them: an unknown category, a missing field, a
    /// number that is not finite.
    static func withMalformedRequests(_ applications: [Application]) -> [Application] {
        applications.enumerated().map { index, application in
            guard index % 20 == 7 else { return application }
            var record = application.record
            switch (index / 20) % 3 {
            case 0: record["purpose"] = .string("spaceship")
            case 1: record.removeValue(forKey: "age_in_years")
            default: record["credit_amount"] = .number(.nan)
            }
            return Application(id: application.id, record: record, outcome: application.outcome)
        }
    }

    /// Sends the applications from `clients` concurrent clients through the service, logging every answer.
    static func send(
        _ applications: [Application], through service: ModelService<Predictor>, log: PredictionLog, clients: Int = 64
    ) async -> TrafficReport {
        let reports = await withTaskGroup(of: TrafficReport.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var report = TrafficReport()
                    for application in stride(from: client, to: applications.count, by: clients).map({
                        applications[$0]
                    }) {
                        do {
                            let served = try await service.respond(to: .record(application.record), key: application.id)
                            let seconds =
                                Double(served.latency.components.attoseconds) * 1e-18
                                + Double(served.latency.components.seconds)
                            report.served += 1
                            report.latencies.append(seconds)
                            report.byVersion[served.version.id, default: 0] += 1
                            try log.append(
                                PredictionRecord(
                                    requestId: application.id, modelVersion: served.version.id,
                                    features: application.record,
                                    prediction: served.response.outputs.map(Double.init),
                                    predictedLabel: served.response.label, latencySeconds: seconds))
                        } catch {
                            report.rejected += 1
                            if report.exampleErrors.count < 3 { report.exampleErrors.append(String(describing: error)) }
                        }
                    }
                    return report
                }
            }
            var all: [TrafficReport] = []
            for await report in group { all.append(report) }
            return all
        }
        var total = TrafficReport()
        for report in reports {
            total.served += report.served
            total.rejected += report.rejected
            total.latencies += report.latencies
            for (version, count) in report.byVersion { total.byVersion[version, default: 0] += count }
            for error in report.exampleErrors
            where total.exampleErrors.count < 3 && !total.exampleErrors.contains(error) {
                total.exampleErrors.append(error)
            }
        }
        return total
    }
}

extension Traffic {
    /// Applications (with their outcomes) as a table with the columns and types of `template`.
    static func table(from applications: [Application], like template: Table) throws -> Table {
        let columns = template.columns.map { column -> Column in
            if column.name == CreditApplications.target {
                return Column(
                    name: column.name, data: .categorical(CategoricalValues(values: applications.map(\.outcome))))
            }
            let values = applications.map { $0.record[column.name] ?? .missing }
            switch column.type {
            case .numeric:
                return Column(
                    name: column.name,
                    data: .numeric(
                        values.map { value -> Double? in
                            if case .number(let number) = value { return number }
                            return nil
                        }))
            default:
                let strings = values.map { value -> String? in
                    if case .string(let text) = value { return text }
                    return nil
                }
                return Column(
                    name: column.name,
                    data: column.type == .text ? .text(strings) : .categorical(CategoricalValues(values: strings)))
            }
        }
        return try Table(columns: columns)
    }
}
