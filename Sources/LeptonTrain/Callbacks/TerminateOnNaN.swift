/// Stops training when the loss becomes NaN or infinite, as Keras' `TerminateOnNaN`.
///
/// With the trainer's finite checks on (the default), the batch whose loss turned non-finite is not applied, so
/// the model keeps the weights from before it, and `fit` returns normally with the epochs so far instead of
/// throwing ``TrainingError/nonFiniteLoss(epoch:batch:loss:)``.
public final class TerminateOnNaN: Callback {
    /// The epoch and batch where the loss turned non-finite, if it did.
    public private(set) var terminatedAt: (epoch: Int, batch: Int)?

    /// Creates the callback.
    public init() {}

    /// Clears the record of a previous run.
    public func trainingWillBegin(_ state: TrainingState) throws { terminatedAt = nil }

    /// Stops training when the running loss is not finite.
    public func batchDidEnd(_ batch: Int, logs: [String: Double], state: TrainingState) throws {
        guard let loss = logs["loss"], !loss.isFinite else { return }
        terminatedAt = (state.epoch, batch)
        state.stopTraining = true
    }
}
