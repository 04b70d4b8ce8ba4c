import Foundation
import LeptonData
import Testing

@testable import LeptonDeploy

@Suite struct PredictionLogTests {
    static let start = Date(timeIntervalSince1970: 1_750_000_000)

    static func record(_ index: Int, label: FeatureValue? = nil) -> PredictionRecord {
        PredictionRecord(
            requestId: "r\(index)", timestamp: start.addingTimeInterval(Double(index)), modelVersion: "v1",
            features: [
                "income": .number(Double(index) * 1.5), "city": .string(index % 2 == 0 ? "Oslo" : "Rome"),
                "age": index % 3 == 0 ? .missing : .number(30),
            ],
            prediction: [0.25, 0.75], predictedLabel: "approved", latencySeconds: 0.002, groundTruth: label)
    }

    @Test func feedbackIsJoinedByRequestIdAndUnknownIdsAreTypedErrors() throws {
        let log = try PredictionLog()
        for index in 0..<3 { try log.append(Self.record(index)) }
        try log.recordFeedback(requestId: "r1", label: .string("approved"), at: Self.start)
        #expect(log.record(requestId: "r1")?.groundTruth == .string("approved"))
        #expect(log.record(requestId: "r1")?.feedbackTimestamp == Self.start)
        #expect(log.record(requestId: "r0")?.groundTruth == nil)
        #expect(throws: PredictionLogError.unknownRequestId("nope")) {
            try log.recordFeedback(requestId: "nope", label: .number(1))
        }
        #expect(throws: PredictionLogError.duplicateRequestId("r2")) { try log.append(Self.record(2)) }
    }

    @Test func theLogIsBoundedAndEvictsTheOldestFirst() throws {
        var configuration = PredictionLogConfiguration()
        configuration.capacity = 5
        let log = try PredictionLog(configuration: configuration)
        for index in 0..<8 { try log.append(Self.record(index)) }
        #expect(log.count == 5)
        #expect(log.records.map(\.requestId) == ["r3", "r4", "r5", "r6", "r7"])
        #expect(throws: PredictionLogError.unknownRequestId("r0")) {
            try log.recordFeedback(requestId: "r0", label: .number(1))
        }
        #expect(
            throws: PredictionLogError.invalidConfiguration(setting: "capacity", reason: "must be at least 1, got 0")
        ) {
            var bad = PredictionLogConfiguration()
            bad.capacity = 0
            _ = try PredictionLog(configuration: bad)
        }
    }

    @Test func reopeningReplaysPredictionsAndFeedback() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var written: [PredictionRecord] = []
        do {
            let log = try PredictionLog(directory: directory)
            for index in 0..<10 {
                try log.append(Self.record(index))
                written.append(Self.record(index))
            }
            for index in [2, 5, 9] {
                try log.recordFeedback(requestId: "r\(index)", label: .number(Double(index)), at: Self.start)
                written[index].groundTruth = .number(Double(index))
                written[index].feedbackTimestamp = Self.start
            }
            try log.synchronize()
        }
        let reopened = try PredictionLog(directory: directory)
        #expect(reopened.records == written)
        #expect(reopened.recovery == PredictionLogRecovery(linesRead: 13, tornLinesSkipped: 0, corruptLinesSkipped: 0))
    }

    @Test func aTornLastLineIsSkippedCountedAndCutWithoutLosingEarlierLines() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let log = try PredictionLog(directory: directory)
            for index in 0..<4 { try log.append(Self.record(index)) }
        }
        let file = directory.appendingPathComponent("predictions.jsonl")
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"prediction":{"requestId":"r4","timest"#.utf8))
        try handle.close()

        let afterCrash = try PredictionLog(directory: directory)
        #expect(afterCrash.recovery.tornLinesSkipped == 1)
        #expect(afterCrash.records.map(\.requestId) == ["r0", "r1", "r2", "r3"])
        try afterCrash.append(Self.record(4))
        try afterCrash.synchronize()

        let again = try PredictionLog(directory: directory)
        #expect(again.recovery == PredictionLogRecovery(linesRead: 5, tornLinesSkipped: 0, corruptLinesSkipped: 0))
        #expect(again.records == (0..<5).map { Self.record($0) })
    }

    @Test func aCorruptCompleteLineIsSkippedAndCounted() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let encoder = makeLogEncoder()
        var text = ""
        for index in 0..<3 {
            let line = try encoder.encode(PredictionLogLine(prediction: Self.record(index)))
            text += String(decoding: line, as: UTF8.self) + "\n"
            if index == 0 { text += "{not json at all\n" }
        }
        try Data(text.utf8).write(to: directory.appendingPathComponent("predictions.jsonl"))
        let log = try PredictionLog(directory: directory)
        #expect(log.recovery == PredictionLogRecovery(linesRead: 3, tornLinesSkipped: 0, corruptLinesSkipped: 1))
        #expect(log.records.map(\.requestId) == ["r0", "r1", "r2"])
    }

    @Test func filesRotateAtTheSizeLimitAndTheNewestLinesSurvive() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = PredictionLogConfiguration()
        configuration.maxFileBytes = 2000
        configuration.maxFiles = 3
        do {
            let log = try PredictionLog(directory: directory, configuration: configuration)
            for index in 0..<60 { try log.append(Self.record(index)) }
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names.count == 3 && names.last == "predictions.jsonl")
        #expect(names.dropLast().allSatisfy { $0.hasPrefix("predictions.0") })
        for name in names {
            let size = try Data(contentsOf: directory.appendingPathComponent(name)).count
            #expect(size <= 2000, "\(name) has \(size) bytes")
        }
        let reopened = try PredictionLog(directory: directory, configuration: configuration)
        let ids = reopened.records.map(\.requestId)
        #expect(ids.last == "r59")
        let first = Int(ids.first!.dropFirst())!
        #expect(ids == (first..<60).map { "r\($0)" }, "the kept lines must be an unbroken run up to the newest")
        #expect(reopened.recovery.tornLinesSkipped == 0 && reopened.recovery.corruptLinesSkipped == 0)
    }

    @Test func realisedPerformanceIsComputedOverCountAndTimeWindows() throws {
        let log = try PredictionLog()
        // 30 labelled records, correct unless index % 4 == 0; 10 unlabelled ones are ignored.
        for index in 0..<40 {
            var record = Self.record(index)
            record.predictedLabel = "yes"
            try log.append(record)
            if index < 30 {
                try log.recordFeedback(requestId: "r\(index)", label: .string(index % 4 == 0 ? "no" : "yes"))
            }
        }
        let accuracy: ([PredictionRecord]) -> Double = { records in
            Double(records.filter { $0.groundTruth == .string($0.predictedLabel ?? "") }.count)
                / Double(records.count)
        }
        let byCount = log.realisedPerformance(windowing: .count(10), metric: accuracy)
        #expect(byCount.map(\.count) == [10, 10, 10])
        #expect(byCount.map(\.value) == [0.7, 0.8, 0.7])  // wrong: {0,4,8}, {12,16}, {20,24,28}
        let byTime = log.realisedPerformance(windowing: .time(16), metric: accuracy)
        #expect(byTime.map(\.count) == [16, 14])
        let expectedByTime: [Double] = [12.0 / 16, 10.0 / 14]  // wrong: {0,4,8,12}, {16,20,24,28}
        #expect(byTime.map(\.value) == expectedByTime)
        #expect(byTime[1].interval == DateInterval(start: Self.start.addingTimeInterval(16), duration: 16))
    }

    @Test func featuresBecomeDriftColumnsAndFeatureValuesUseBareJSON() throws {
        let columns = PredictionRecord.featureColumns(of: (0..<4).map { Self.record($0) })
        #expect(columns["city"] == .categorical(["Oslo", "Rome", "Oslo", "Rome"]))
        #expect(columns["income"] == .numeric([0, 1.5, 3, 4.5]))
        guard case .numeric(let ages)? = columns["age"] else {
            Issue.record("age should be numeric")
            return
        }
        #expect(ages.map(\.isNaN) == [true, false, false, true])
        let values: [FeatureValue] = [.number(2.5), .string("NaN"), .missing, .number(.nan)]
        let json = String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
        #expect(json == #"[2.5,"NaN",null,null]"#)
        let decoded = try makeLogDecoder().decode([FeatureValue].self, from: Data(json.utf8))
        #expect(decoded == [.number(2.5), .string("NaN"), .missing, .missing])
    }
}
