import Foundation
import LeptonLayers
import LeptonTensor

/// Why a checkpoint could not be restored.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file is not a Lepton training checkpoint.
    case notACheckpoint(file: String)
    /// The checkpoint was written for another optimizer.
    case optimizerMismatch(expected: String, found: String)
    /// The checkpoint's state could not be decoded.
    case invalidState(file: String, reason: String)

    /// A sentence naming the file and the problem.
    public var description: String {
        switch self {
        case .notACheckpoint(let file): return "\(file) is not a Lepton training checkpoint"
        case .optimizerMismatch(let expected, let found):
            return "checkpoint was written for optimizer \(found), the trainer uses \(expected)"
        case .invalidState(let file, let reason): return "\(file): invalid checkpoint state: \(reason)"
        }
    }
}

/// The non-tensor part of a checkpoint.
private struct CheckpointState: Codable {
    static let formatVersion = 1
    var formatVersion: Int
    var completedEpochs: Int
    var optimizerName: String
    var optimizerStep: Int
    var learningRate: Float
    var shuffleGenerator: RandomGenerator
    var layerGenerator: RandomGenerator
    var history: History
}

extension Trainer {
    static let checkpointMetadataKey = "lepton.checkpoint"

    /// Writes everything needed to resume training exactly — weights and buffers, optimizer slots and step,
    /// epochs done, random-stream states and history — to one safetensors file, atomically.
    ///
    /// In a data-parallel job (``collective``) only rank 0 writes; the other ranks, whose state is identical,
    /// return without writing.
    ///
    /// - Parameter url: The checkpoint file.
    /// - Throws: `SafeTensorsError` or `EncodingError` when it cannot be written.
    public func saveCheckpoint(to url: URL) throws {
        guard isLeadingRank else { return }
        let state = CheckpointState(
            formatVersion: CheckpointState.formatVersion, completedEpochs: completedEpochs,
            optimizerName: optimizer.name, optimizerStep: optimizer.state.step, learningRate: optimizer.learningRate,
            shuffleGenerator: shuffleGenerator, layerGenerator: layerGenerator, history: history)
        var writer = SafeTensorsWriter(metadata: [
            Self.checkpointMetadataKey: String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        ])
        for named in model.namedParameters().uniqued() {
            try writer.add("model/" + named.path, named.parameter.value)
            if let slots = optimizer.state.slots[named.parameter.id] {
                for (slotName, slot) in zip(optimizer.slotNames, slots) {
                    try writer.add("optimizer/\(named.path)/\(slotName)", slot)
                }
            }
        }
        try writer.write(to: url)
    }

    /// Restores a checkpoint written by ``saveCheckpoint(to:)`` into this trainer's model and optimizer.
    ///
    /// - Parameter url: The checkpoint file.
    /// - Throws: ``CheckpointError``, or `WeightLoadingError` for an unbuilt model, missing, unexpected or
    ///   mismatched tensors (as PyTorch's `strict=True`); nothing is changed when it throws.
    public func restoreCheckpoint(from url: URL) throws {
        let name = url.lastPathComponent
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url)
        } catch {
            throw WeightLoadingError.unreadable(file: name, reason: String(describing: error))
        }
        guard let json = file.metadata[Self.checkpointMetadataKey] else {
            throw CheckpointError.notACheckpoint(file: name)
        }
        let state: CheckpointState
        do {
            state = try JSONDecoder().decode(CheckpointState.self, from: Data(json.utf8))
        } catch {
            throw CheckpointError.invalidState(file: name, reason: String(describing: error))
        }
        guard state.optimizerName == optimizer.name else {
            throw CheckpointError.optimizerMismatch(expected: optimizer.name, found: state.optimizerName)
        }
        try model.checkBuilt(file: name)
        let parameters = model.namedParameters().uniqued()
        let paths = Set(parameters.map(\.path))
        for entry in file.entries where !entry.name.hasPrefix("__") {
            let known: Bool
            if entry.name.hasPrefix("model/") {
                known = paths.contains(String(entry.name.dropFirst("model/".count)))
            } else if entry.name.hasPrefix("optimizer/") {
                let rest = entry.name.dropFirst("optimizer/".count)
                known = optimizer.slotNames.contains { slot in
                    rest.hasSuffix("/" + slot) && paths.contains(String(rest.dropLast(slot.count + 1)))
                }
            } else {
                known = false
            }
            guard known else { throw WeightLoadingError.unexpectedKey(entry.name, file: name) }
        }
        var values: [(Parameter, Tensor)] = []
        var slots: [GradientID: [Tensor]] = [:]
        for named in parameters {
            let key = "model/" + named.path
            guard file.contains(key) else { throw WeightLoadingError.missingKey(key, file: name) }
            let value = try Tensor(file, name: key)
            guard value.shape == named.parameter.shape else {
                throw WeightLoadingError.shapeMismatch(
                    key: key, expected: named.parameter.shape, actual: value.shape, file: name)
            }
            values.append((named.parameter, value))
            let slotKeys = optimizer.slotNames.map { "optimizer/\(named.path)/\($0)" }
            if slotKeys.allSatisfy(file.contains) {
                slots[named.parameter.id] = try slotKeys.map { try Tensor(file, name: $0) }
            }
        }
        for (parameter, value) in values { parameter.value = value }
        optimizer.state.slots = slots
        optimizer.state.step = state.optimizerStep
        optimizer.learningRate = state.learningRate
        completedEpochs = state.completedEpochs
        shuffleGenerator = state.shuffleGenerator
        layerGenerator = state.layerGenerator
        history = state.history
    }
}

/// Saves a training checkpoint after each epoch, or only when a monitored value improves.
public final class ModelCheckpoint: Callback {
    /// The file written (replaced atomically each time).
    public let url: URL
    /// The trainer whose state is saved.
    public unowned let trainer: Trainer
    /// Whether to save only when `monitor` improves.
    public let saveBestOnly: Bool
    /// The log key watched when `saveBestOnly`.
    public let monitor: String
    private let mode: MonitorMode
    private var best: Double?

    /// Creates the callback.
    ///
    /// - Parameters:
    ///   - url: The checkpoint file.
    ///   - trainer: The trainer to save.
    ///   - monitor: The log key for `saveBestOnly`.
    ///   - saveBestOnly: Save only on improvement.
    ///   - mode: Whether lower or higher is better.
    public init(
        url: URL, trainer: Trainer, monitor: String = "val_loss", saveBestOnly: Bool = false,
        mode: MonitorMode = .automatic
    ) {
        self.url = url
        self.trainer = trainer
        self.monitor = monitor
        self.saveBestOnly = saveBestOnly
        self.mode = mode.resolved(for: monitor)
    }

    /// Saves the checkpoint when due.
    public func epochDidEnd(_ epoch: Int, logs: [String: Double], state: TrainingState) throws {
        if saveBestOnly {
            guard let value = logs[monitor] else {
                state.warnMissing("ModelCheckpoint", monitor: monitor, logs: logs)
                return
            }
            guard mode.isImprovement(value, over: best, minimumDelta: 0) else { return }
            best = value
        }
        do {
            try trainer.saveCheckpoint(to: url)
        } catch {
            throw CallbackError.writeFailed(url: url, reason: String(describing: error))
        }
    }
}
