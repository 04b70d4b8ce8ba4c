import Foundation
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

/// Damaged and foreign checkpoint files are refused with typed errors, and the trainer is left unchanged.
@Suite("Malformed training checkpoints")
struct CheckpointValidationTests {
    static func trainedCheckpoint() throws -> (Trainer, Data) {
        let (x, y) = TrainingTests.blobs(count: 24, seed: 8)
        let trainer = CrashSafeCheckpointTests.trainer()
        try trainer.fit(x, .labels(y), epochs: 2, batchSize: 8, verbose: false)
        let url = TrainingTests.temporaryURL("valid.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try trainer.saveCheckpoint(to: url)
        return (trainer, try Data(contentsOf: url))
    }

    /// Restores `data` into a fresh trainer; returns the error, and checks the trainer was not changed.
    static func restoreError(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) throws -> (any Error)? {
        let url = TrainingTests.temporaryURL("damaged.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try data.write(to: url)
        let trainer = CrashSafeCheckpointTests.trainer()
        let before = trainer.model.namedParameters().map(\.parameter.value.scalars)
        do {
            try trainer.restoreCheckpoint(from: url)
            return nil
        } catch {
            #expect(
                trainer.model.namedParameters().map(\.parameter.value.scalars) == before
                    && trainer.completedEpochs == 0,
                "a failed restore changed the trainer", sourceLocation: sourceLocation)
            return error
        }
    }

    @Test("every truncation of a checkpoint is WeightLoadingError.unreadable")
    func truncated() throws {
        let (_, data) = try Self.trainedCheckpoint()
        for length in [0, 7, 8, 9, 64, data.count / 2, data.count - 1] {
            let error = try Self.restoreError(data.prefix(length))
            guard case WeightLoadingError.unreadable? = error else {
                Issue.record("prefix \(length) of \(data.count) bytes: \(String(describing: error))")
                continue
            }
        }
    }

    @Test("a plain safetensors file is CheckpointError.notACheckpoint; a damaged state is .invalidState")
    func foreignFiles() throws {
        var plain = SafeTensorsWriter()
        try plain.add("model/0.weight", shape: [2, 32], floats: [Float](repeating: 0, count: 64))
        let plainURL = TrainingTests.temporaryURL("plain.safetensors")
        defer { try? FileManager.default.removeItem(at: plainURL) }
        try plain.write(to: plainURL)
        let foreign = try Self.restoreError(try Data(contentsOf: plainURL))
        guard case CheckpointError.notACheckpoint(let foreignFile)? = foreign else {
            Issue.record("a plain safetensors file: \(String(describing: foreign))")
            return
        }
        #expect(foreignFile.hasSuffix("damaged.safetensors"))

        for state in ["not json", #"{"formatVersion": 1}"#, #"{"completedEpochs": "two"}"#] {
            var writer = SafeTensorsWriter(metadata: ["lepton.checkpoint": state])
            try writer.add("model/0.weight", shape: [2, 32], floats: [Float](repeating: 0, count: 64))
            try writer.write(to: plainURL)
            let error = try Self.restoreError(try Data(contentsOf: plainURL))
            guard case CheckpointError.invalidState(let file, _)? = error else {
                Issue.record("state \(state.debugDescription): \(String(describing: error))")
                continue
            }
            #expect(file.hasSuffix("damaged.safetensors"))
        }
    }

    @Test("400 single-byte corruptions either throw a typed error or load")
    func flippedBytes() throws {
        let (_, data) = try Self.trainedCheckpoint()
        var random = RandomGenerator(seed: 14)
        var refused = 0
        for _ in 0..<400 {
            var damaged = data
            let index = Int(random.next() % UInt64(data.count))
            damaged[index] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            switch try Self.restoreError(damaged) {
            case nil: continue
            case is WeightLoadingError, is CheckpointError: refused += 1
            case let error?: Issue.record("byte \(index): untyped error \(error)")
            }
        }
        // Most flips land in the weights, which carry no checksum (a follow-up); the header ones must be refused.
        #expect(refused > 0)
    }
}
