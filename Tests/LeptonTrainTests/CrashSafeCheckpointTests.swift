import Foundation
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Kills a training process with SIGKILL while it keeps checkpointing, again and again, and checks that the previous
/// checkpoint always loads and that the run resumed across every kill ends exactly where an uninterrupted run does.
///
/// The child is this test binary re-launched with `LEPTON_CHECKPOINT_WRITER=<file>` and a filter selecting
/// ``writer()``, which is disabled in ordinary runs.
@Suite("Crash-safe training checkpoints", .serialized)
struct CrashSafeCheckpointTests {
    static let writerVariable = "LEPTON_CHECKPOINT_WRITER"
    /// How many times the writer is killed.
    static let kills = 100
    /// The writer stops by itself after this many epochs (a safety net should the parent never kill it).
    static let writerEpochLimit = 5000

    static func trainer() -> Trainer {
        let model = Sequential(inputShape: [2], seed: 5) {
            Dense(units: 32, activation: .relu)
            Dropout(rate: 0.2)
            Dense(units: 3, activation: .softmax)
        }
        // A schedule-free Adam; the learning rate, step, moments and both random streams all live in the checkpoint.
        return Trainer(
            model: model, optimizer: Adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy, seed: 11)
    }

    static func data() -> (Tensor, [Int32]) { TrainingTests.blobs(count: 24, seed: 8) }

    /// The child: resumes from the checkpoint when there is one, then trains one epoch at a time and checkpoints after
    /// each, printing `saved N` once checkpoint N is in place, until it is killed.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[writerVariable] != nil))
    func writer() throws {
        let path = try #require(ProcessInfo.processInfo.environment[Self.writerVariable])
        let url = URL(fileURLWithPath: path)
        let (x, y) = Self.data()
        let trainer = Self.trainer()
        if FileManager.default.fileExists(atPath: path) { try trainer.restoreCheckpoint(from: url) }
        while trainer.completedEpochs < Self.writerEpochLimit {
            try trainer.fit(x, .labels(y), epochs: 1, batchSize: 8, verbose: false)
            try trainer.saveCheckpoint(to: url)
            // Unbuffered, so the parent sees the line as soon as the checkpoint is in place.
            FileHandle.standardOutput.write(Data("saved \(trainer.completedEpochs)\n".utf8))
        }
    }

    /// Launches the writer on `url` and returns once it has saved one checkpoint (so every life makes progress).
    static func launchWriter(_ url: URL) throws -> (Process, Pipe, lastSaved: Int) {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = ["--testing-library", "swift-testing", "--filter", "CrashSafeCheckpointTests/writer"]
        var environment = ProcessInfo.processInfo.environment
        environment[writerVariable] = url.path
        child.environment = environment
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        var text = ""
        while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let saved = savedEpochs(in: text).last { return (child, output, saved) }
        }
        child.waitUntilExit()
        throw CheckpointTestError.writerEnded(status: child.terminationStatus, output: text)
    }

    enum CheckpointTestError: Error { case writerEnded(status: Int32, output: String) }

    static func savedEpochs(in text: String) -> [Int] {
        text.split(separator: "\n").compactMap { line in
            line.hasPrefix("saved ") ? Int(line.dropFirst("saved ".count)) : nil
        }
    }

    /// What the kill loop found: problems (empty when all is well) and what it measured.
    struct KillReport: Sendable {
        var problems: [String] = []
        var killsDuringWrite = 0
        var completedEpochs = 0
    }

    @Test(
        "SIGKILL at random moments while checkpointing: the previous checkpoint always loads, and resuming equals an uninterrupted run"
    )
    func killedWritersLeaveALoadableCheckpoint() async throws {
        // The loop blocks on pipes, sleeps and trains: it runs on its own thread, never on the cooperative pool.
        let report = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Self.killRepeatedly()) }.start()
        }
        for problem in report.problems { Issue.record(Comment(rawValue: problem)) }
        // At least some kills must have interrupted a write, or the test did not test what it claims.
        #expect(report.killsDuringWrite > 0, "no kill landed during a write")
        #expect(report.completedEpochs >= Self.kills, "every writer life should have saved at least one epoch")
        print(
            "CrashSafeCheckpointTests: \(Self.kills) kills, \(report.killsDuringWrite) during a write, "
                + "\(report.completedEpochs) epochs")
    }

    /// Launches, kills and checks the writer `kills` times, then compares the resumed run with an uninterrupted one.
    static func killRepeatedly() -> KillReport {
        var report = KillReport()
        do {
            try killRepeatedly(into: &report)
        } catch {
            report.problems.append("unexpected error: \(error)")
        }
        return report
    }

    static func killRepeatedly(into report: inout KillReport) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lepton-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("training.safetensors")
        // Seeded, so a failure can be replayed; the moments are still arbitrary with respect to the writes.
        var random = RandomGenerator(seed: 2026)
        var completed = 0
        for round in 0..<Self.kills {
            let (child, output, firstSaved) = try Self.launchWriter(url)
            usleep(UInt32(random.next() % 20_000))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            if child.terminationReason != .uncaughtSignal {
                report.problems.append("kill \(round): the writer was not killed")
            }
            let rest = output.fileHandleForReading.readDataToEndOfFile()
            let lastPrinted = Self.savedEpochs(in: String(decoding: rest, as: UTF8.self)).last ?? firstSaved
            // A temporary file left beside the checkpoint means the kill landed in the middle of a write.
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
                $0.hasSuffix(".tmp")
            }
            if !leftovers.isEmpty { report.killsDuringWrite += 1 }
            for name in leftovers { try FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
            let probe = Self.trainer()
            do {
                try probe.restoreCheckpoint(from: url)
            } catch {
                report.problems.append("kill \(round): the checkpoint does not load: \(error)")
                return
            }
            // The file holds the last checkpoint announced, or the one after it when the kill came between the
            // rename and the announcement.
            if probe.completedEpochs != lastPrinted && probe.completedEpochs != lastPrinted + 1 {
                report.problems.append(
                    "kill \(round): checkpoint has \(probe.completedEpochs) epochs, the writer announced \(lastPrinted)"
                )
            }
            if probe.completedEpochs <= completed { report.problems.append("kill \(round): no progress") }
            if probe.history["loss"].count != probe.completedEpochs {
                report.problems.append("kill \(round): \(probe.history["loss"].count) losses in the history")
            }
            completed = probe.completedEpochs
        }
        report.completedEpochs = completed

        // The run resumed across every kill equals an uninterrupted run of as many epochs.
        let resumed = Self.trainer()
        try resumed.restoreCheckpoint(from: url)
        let (x, y) = Self.data()
        let straight = Self.trainer()
        try straight.fit(x, .labels(y), epochs: completed, batchSize: 8, verbose: false)
        let straightLosses = straight.history["loss"]
        let resumedLosses = resumed.history["loss"]
        if resumedLosses.count != straightLosses.count {
            report.problems.append("\(resumedLosses.count) resumed losses, \(straightLosses.count) uninterrupted")
        }
        let lossErrors = zip(resumedLosses, straightLosses).map { abs($0 - $1) / max(1, abs($1)) }
        if !lossErrors.allSatisfy({ $0 <= 1e-6 }) {
            report.problems.append("losses differ after resuming: worst \(lossErrors.max() ?? .nan)")
        }
        for (a, b) in zip(straight.model.namedParameters(), resumed.model.namedParameters()) {
            let differences = zip(a.parameter.value.scalars, b.parameter.value.scalars).map { abs($0 - $1) }
            if !differences.allSatisfy({ $0 <= 1e-6 }) {
                report.problems.append("\(a.path) differs after resuming")
            }
        }
        // One more epoch from each must also agree: the optimizer state and random streams were restored too.
        try straight.fit(x, .labels(y), epochs: 1, batchSize: 8, verbose: false)
        try resumed.fit(x, .labels(y), epochs: 1, batchSize: 8, verbose: false)
        let next = (resumed.history["loss"].last ?? .nan, straight.history["loss"].last ?? .nan)
        if !(abs(next.0 - next.1) <= 1e-6) {
            report.problems.append("next epoch loss \(next.0) vs \(next.1)")
        }
    }
}
