import Foundation
import LeptonLayers

/// Writes training curves as TensorBoard event files, as Keras' `TensorBoard` callback does: run it, then
/// `tensorboard --logdir DIR`.
///
/// Training values go to `DIR/train`, validation values (the `val_` keys, prefix removed) to `DIR/validation`, so
/// TensorBoard draws both runs on one chart per metric. Per epoch it writes `epoch_loss`, `epoch_<metric>` and
/// `epoch_learning_rate` at step = epoch index; with ``UpdateFrequency/batches(_:)`` also `batch_loss` and
/// `batch_<metric>` (the running epoch averages) at step = global batch index; with a `histogramFrequency`, a
/// histogram of every trainable parameter (tagged by its path, such as `2.weight`).
///
/// ```swift
/// let board = TensorBoardLogger(logDirectory: URL(fileURLWithPath: "runs/cnn"), histogramFrequency: 1)
/// try trainer.fit(images, .labels(labels), epochs: 10, callbacks: [board])
/// ```
public final class TensorBoardLogger: Callback {
    /// How often scalars are written.
    public enum UpdateFrequency: Sendable, Equatable {
        /// After each epoch only.
        case epoch
        /// After every `n`-th batch as well as after each epoch.
        case batches(Int)
    }

    /// The log directory (holding `train` and `validation`).
    public let logDirectory: URL
    /// How often scalars are written.
    public let updateFrequency: UpdateFrequency
    /// Weight histograms every this many epochs (0: none).
    public let histogramFrequency: Int

    private var trainFile: TensorBoardEventFile?
    private var validationFile: TensorBoardEventFile?

    /// Creates the logger.
    ///
    /// - Parameters:
    ///   - logDirectory: The directory TensorBoard is pointed at; created if needed.
    ///   - updateFrequency: After each epoch (default) or also every few batches.
    ///   - histogramFrequency: Write weight histograms every this many epochs; 0 (default) writes none.
    public init(logDirectory: URL, updateFrequency: UpdateFrequency = .epoch, histogramFrequency: Int = 0) {
        self.logDirectory = logDirectory
        self.updateFrequency = updateFrequency
        self.histogramFrequency = max(0, histogramFrequency)
    }

    /// The event files written so far (training first, then validation once one was needed).
    public var eventFiles: [URL] { [trainFile?.url, validationFile?.url].compactMap { $0 } }

    /// Opens a new training event file.
    public func trainingWillBegin(_ state: TrainingState) throws {
        trainFile = try TensorBoardEventFile(directory: logDirectory.appendingPathComponent("train"))
        validationFile = nil
    }

    /// Writes batch scalars when batch updates are on.
    public func batchDidEnd(_ batch: Int, logs: [String: Double], state: TrainingState) throws {
        guard case .batches(let every) = updateFrequency, every > 0, (batch + 1) % every == 0, let trainFile else {
            return
        }
        let step = state.epoch * state.batchesPerEpoch + batch
        let scalars = logs.keys.sorted().map { (tag: "batch_" + $0, value: logs[$0] ?? .nan) }
        try trainFile.writeScalars(scalars, step: step)
    }

    /// Writes the epoch's scalars (and histograms when due) and flushes them to disk.
    public func epochDidEnd(_ epoch: Int, logs: [String: Double], state: TrainingState) throws {
        guard let trainFile else { return }
        var training: [(tag: String, value: Double)] = []
        var validation: [(tag: String, value: Double)] = []
        for key in logs.keys.sorted() {
            let value = logs[key] ?? .nan
            if key == "lr" {
                training.append((tag: "epoch_learning_rate", value: value))
            } else if key.hasPrefix("val_") {
                validation.append((tag: "epoch_" + key.dropFirst(4), value: value))
            } else {
                training.append((tag: "epoch_" + key, value: value))
            }
        }
        try trainFile.writeScalars(training, step: epoch)
        if histogramFrequency > 0, (epoch + 1) % histogramFrequency == 0 {
            for named in state.model.trainableParameters {
                try named.parameter.value.withUnsafeBufferPointer { values in
                    try trainFile.writeHistogram(tag: named.path, values: values, step: epoch)
                }
            }
        }
        try trainFile.flush()
        if !validation.isEmpty {
            if validationFile == nil {
                validationFile = try TensorBoardEventFile(directory: logDirectory.appendingPathComponent("validation"))
            }
            try validationFile?.writeScalars(validation, step: epoch)
            try validationFile?.flush()
        }
    }
}
