import LeptonLayers
import LeptonTensor

/// Whether a monitored value improves by going down (a loss) or up (an accuracy).
public enum MonitorMode: String, Sendable, Codable {
    /// Lower is better.
    case minimize
    /// Higher is better.
    case maximize
    /// `minimize`, unless the key names an accuracy, AUC or similar score.
    case automatic

    func resolved(for key: String) -> MonitorMode {
        guard self == .automatic else { return self }
        let scores = ["acc", "auc", "precision", "recall", "f1", "r2"]
        return scores.contains { key.contains($0) } ? .maximize : .minimize
    }

    func isImprovement(_ value: Double, over best: Double?, minimumDelta: Double) -> Bool {
        guard let best else { return true }
        return self == .maximize ? value > best + minimumDelta : value < best - minimumDelta
    }
}

/// Stops training when a monitored value has not improved for `patience` epochs, optionally restoring the
/// weights of the best epoch — as Keras 3: with `patience` 1, training stops at the first epoch after the best
/// that does not improve, and `restoreBestWeights` puts the best weights back at the end of training whether or not
/// it stopped early. A monitored key that never appears is reported with ``TrainingState/warn(_:)``.
public final class EarlyStopping: Callback {
    /// The log key watched (default `val_loss`).
    public let monitor: String
    /// Epochs without improvement tolerated.
    public let patience: Int
    /// The smallest change that counts as an improvement.
    public let minimumDelta: Double
    /// Whether to put back the best epoch's weights when training stops.
    public let restoreBestWeights: Bool
    private let mode: MonitorMode
    /// The best value seen.
    public private(set) var best: Double?
    /// The epoch of the best value.
    public private(set) var bestEpoch: Int?
    /// The epoch training was stopped after, if it was.
    public private(set) var stoppedEpoch: Int?
    private var waited = 0
    private var bestWeights: [(Parameter, Tensor)] = []

    /// Creates the callback.
    ///
    /// - Parameters:
    ///   - monitor: The log key to watch.
    ///   - patience: Epochs without improvement before stopping.
    ///   - minimumDelta: The smallest change that counts as an improvement.
    ///   - mode: Whether lower or higher is better.
    ///   - restoreBestWeights: Restore the best epoch's weights when stopping.
    public init(
        monitor: String = "val_loss", patience: Int = 0, minimumDelta: Double = 0, mode: MonitorMode = .automatic,
        restoreBestWeights: Bool = false
    ) {
        self.monitor = monitor
        self.patience = patience
        self.minimumDelta = minimumDelta
        self.mode = mode.resolved(for: monitor)
        self.restoreBestWeights = restoreBestWeights
    }

    /// Resets the watch.
    public func trainingWillBegin(_ state: TrainingState) throws {
        best = nil
        bestEpoch = nil
        stoppedEpoch = nil
        waited = 0
        bestWeights = []
    }

    /// Compares the epoch's value with the best so far.
    public func epochDidEnd(_ epoch: Int, logs: [String: Double], state: TrainingState) throws {
        guard let value = logs[monitor] else {
            state.warnMissing("EarlyStopping", monitor: monitor, logs: logs)
            return
        }
        waited += 1
        if mode.isImprovement(value, over: best, minimumDelta: minimumDelta) {
            best = value
            bestEpoch = epoch
            waited = 0
            if restoreBestWeights {
                bestWeights = state.model.namedParameters().uniqued().map { ($0.parameter, $0.parameter.value) }
            }
        } else if waited >= patience {
            state.stopTraining = true
            stoppedEpoch = epoch
        }
    }

    /// Restores the best weights if asked to, at the end of training (stopped early or not).
    public func trainingDidEnd(_ state: TrainingState) throws {
        guard restoreBestWeights else { return }
        for (parameter, value) in bestWeights { parameter.value = value }
    }
}
