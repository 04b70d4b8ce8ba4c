import Foundation
import LeptonLayers

/// The training run as callbacks see it: the model, the optimizer, progress so far, and a stop switch.
public final class TrainingState {
    /// The model being trained.
    public let model: Module
    /// Its optimizer.
    public let optimizer: any Optimizer
    /// Epochs requested in this run.
    public let epochs: Int
    /// Batches per epoch.
    public let batchesPerEpoch: Int
    /// The current 0-based epoch.
    public internal(set) var epoch = 0
    /// The history so far.
    public internal(set) var history = History()
    /// Set to `true` to end training: after the current batch (the epoch's end is still reported), as Keras'
    /// `model.stop_training`.
    public var stopTraining = false
    /// Warnings raised by callbacks during this run (each once), such as a monitored value that never appears.
    public private(set) var warnings: [String] = []
    /// Whether warnings are also written to standard error.
    var printsWarnings = true

    /// Records a warning once per run (and writes it to standard error when the trainer is verbose), as Keras'
    /// `warnings.warn`.
    ///
    /// - Parameter message: The warning.
    public func warn(_ message: String) {
        guard !warnings.contains(message) else { return }
        warnings.append(message)
        if printsWarnings { FileHandle.standardError.write(Data(("Warning: " + message + "\n").utf8)) }
    }

    /// Warns (once) that `monitor` is missing from `logs`, naming the keys that are there.
    ///
    /// - Parameters:
    ///   - callback: The callback's name.
    ///   - monitor: The monitored key.
    ///   - logs: The epoch's values.
    public func warnMissing(_ callback: String, monitor: String, logs: [String: Double]) {
        warn(
            "\(callback) monitors '\(monitor)', which is not available; available: \(logs.keys.sorted().joined(separator: ", "))"
        )
    }

    init(model: Module, optimizer: any Optimizer, epochs: Int, batchesPerEpoch: Int) {
        self.model = model
        self.optimizer = optimizer
        self.epochs = epochs
        self.batchesPerEpoch = batchesPerEpoch
    }
}

/// Hooks into the training loop: progress display, early stopping, checkpoints, logs, schedules.
///
/// Every method has an empty default, so a callback implements only what it needs.
public protocol Callback: AnyObject {
    /// Before the first epoch.
    func trainingWillBegin(_ state: TrainingState) throws
    /// Before each epoch.
    func epochWillBegin(_ epoch: Int, state: TrainingState) throws
    /// Before each batch.
    func batchWillBegin(_ batch: Int, state: TrainingState) throws
    /// After each batch, with the running loss and metrics of the epoch.
    func batchDidEnd(_ batch: Int, logs: [String: Double], state: TrainingState) throws
    /// After each epoch (validation included), with the epoch's values.
    func epochDidEnd(_ epoch: Int, logs: [String: Double], state: TrainingState) throws
    /// After the last epoch.
    func trainingDidEnd(_ state: TrainingState) throws
}

extension Callback {
    /// Does nothing.
    public func trainingWillBegin(_ state: TrainingState) throws {}
    /// Does nothing.
    public func epochWillBegin(_ epoch: Int, state: TrainingState) throws {}
    /// Does nothing.
    public func batchWillBegin(_ batch: Int, state: TrainingState) throws {}
    /// Does nothing.
    public func batchDidEnd(_ batch: Int, logs: [String: Double], state: TrainingState) throws {}
    /// Does nothing.
    public func epochDidEnd(_ epoch: Int, logs: [String: Double], state: TrainingState) throws {}
    /// Does nothing.
    public func trainingDidEnd(_ state: TrainingState) throws {}
}
