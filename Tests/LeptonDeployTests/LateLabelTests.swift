import Foundation
import LeptonDeploy
import Testing

@Suite("Late labels are joined on disk, across evictions and restarts")
struct LateLabelTests {
    private func record(_ id: String, at seconds: Double) -> PredictionRecord {
        PredictionRecord(
            requestId: id, timestamp: Date(timeIntervalSince1970: 1_800_000_000 + seconds), modelVersion: "v1",
            features: ["x": .number(seconds)], prediction: [0.25], latencySeconds: 0.001)
    }

    @Test("a label arriving after 150,000 later predictions, and one after a restart, are joined")
    func lateLabelsAreJoined() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("late-labels-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = PredictionLogConfiguration()
        configuration.capacity = 1000
        do {
            let log = try PredictionLog(directory: directory, configuration: configuration)
            try log.append(record("early", at: 0))
            try log.append(record("early-2", at: 0.5))
            try log.append(record("never", at: 0.7))
            let makeRecord = self.record
            try await offPool {
                for index in 0..<150_000 { try log.append(makeRecord("later-\(index)", 1 + Double(index))) }
            }
            #expect(log.count == 1000, "the early records are evicted from memory")
            // The old log threw unknownRequestId here and the label was lost.
            try log.recordFeedback(requestId: "early", label: .string("bad"))
            try log.recordFeedback(requestId: "early", label: .string("bad"))  // redelivered
            let early = try #require(log.record(requestId: "early"))
            #expect(early.groundTruth == .string("bad") && early.features["x"] == .number(0))
            #expect(log.labelCoverage == LabelCoverage(predictions: 150_003, labelled: 1, duplicateFeedback: 1))
            #expect(throws: PredictionLogError.duplicateRequestId("early")) { try log.append(record("early", at: 9)) }
            #expect(throws: PredictionLogError.unknownRequestId("ghost")) {
                try log.recordFeedback(requestId: "ghost", label: .string("bad"))
            }
            try log.synchronize()
        }
        // A restart: the join index is rebuilt from the files.
        let reopened = try PredictionLog(directory: directory, configuration: configuration)
        #expect(reopened.record(requestId: "early")?.groundTruth == .string("bad"))
        try reopened.recordFeedback(requestId: "early-2", label: .string("good"))
        #expect(reopened.record(requestId: "early-2")?.groundTruth == .string("good"))
        #expect(reopened.record(requestId: "never")?.groundTruth == nil, "a label that never arrived stays missing")
        let coverage = reopened.labelCoverage
        #expect(coverage.predictions == 150_003 && coverage.labelled == 2)
        // A correction replaces the label, also across another restart.
        try reopened.recordFeedback(requestId: "early", label: .string("good"))
        let again = try PredictionLog(directory: directory, configuration: configuration)
        #expect(again.record(requestId: "early")?.groundTruth == .string("good"))
        #expect(again.labelCoverage.labelled == 2)
    }

    @Test("with a time retention, files are kept by age, not by count, also across a restart")
    func retentionIsByTime() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = PredictionLogConfiguration()
        configuration.capacity = 10
        configuration.maxFileBytes = 4096  // about 20 records per file: hundreds of files
        configuration.maxFiles = 2  // would keep about 40 records if count bounded the log
        configuration.retention = 1000
        do {
            let log = try PredictionLog(directory: directory, configuration: configuration)
            let makeRecord = self.record
            try await offPool { for second in 0..<5000 { try log.append(makeRecord("r\(second)", Double(second))) } }
            // r4200 is 800 s older than the newest prediction: within the retention, beyond any 2-file bound.
            try log.recordFeedback(requestId: "r4200", label: .string("bad"))
            #expect(log.record(requestId: "r4200")?.groundTruth == .string("bad"))
            // r100 is 4,900 s old: its file is gone, and its late label is refused with a typed error.
            #expect(throws: PredictionLogError.unknownRequestId("r100")) {
                try log.recordFeedback(requestId: "r100", label: .string("bad"))
            }
            let coverage = log.labelCoverage
            #expect(coverage.predictions >= 1000 && coverage.predictions < 1100, "\(coverage)")
        }
        let reopened = try PredictionLog(directory: directory, configuration: configuration)
        #expect(reopened.record(requestId: "r4200")?.groundTruth == .string("bad"))
        #expect(reopened.record(requestId: "r100") == nil)
        var invalid = configuration
        invalid.retention = 0
        #expect(throws: PredictionLogError.self) { try PredictionLog(directory: directory, configuration: invalid) }
    }
}
