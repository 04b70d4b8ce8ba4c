import Foundation

/// A learning rate as a function of the optimisation step (0-based).
public protocol LearningRateSchedule: Sendable {
    /// The rate for `step`.
    ///
    /// - Parameter step: The 0-based optimisation step.
    /// - Returns: The learning rate.
    func learningRate(at step: Int) -> Float
}

/// Multiplies the rate by `factor` every `stepSize` steps.
public struct StepDecay: LearningRateSchedule {
    /// The starting rate.
    public var initial: Float
    /// Steps between reductions.
    public var stepSize: Int
    /// The factor applied at each reduction.
    public var factor: Float

    /// Creates the schedule.
    public init(initial: Float, stepSize: Int, factor: Float = 0.1) {
        precondition(stepSize > 0, "StepDecay: stepSize must be positive")
        self.initial = initial
        self.stepSize = stepSize
        self.factor = factor
    }

    /// initial · factor^⌊step / stepSize⌋.
    public func learningRate(at step: Int) -> Float {
        initial * Float(Foundation.pow(Double(factor), Double(step / stepSize)))
    }
}

/// initial · rate^(step / decaySteps), continuous or in steps (Keras' `ExponentialDecay`).
public struct ExponentialDecay: LearningRateSchedule {
    /// The starting rate.
    public var initial: Float
    /// Steps over which the rate is multiplied by `decayRate`.
    public var decaySteps: Int
    /// The factor per `decaySteps`.
    public var decayRate: Float
    /// Whether the exponent is rounded down (a staircase).
    public var staircase: Bool

    /// Creates the schedule.
    public init(initial: Float, decaySteps: Int, decayRate: Float, staircase: Bool = false) {
        precondition(decaySteps > 0, "ExponentialDecay: decaySteps must be positive")
        self.initial = initial
        self.decaySteps = decaySteps
        self.decayRate = decayRate
        self.staircase = staircase
    }

    /// The decayed rate.
    public func learningRate(at step: Int) -> Float {
        var exponent = Double(step) / Double(decaySteps)
        if staircase { exponent.round(.down) }
        return initial * Float(Foundation.pow(Double(decayRate), exponent))
    }
}

/// Cosine decay from `initial` to `initial · alpha` over `decaySteps` (Keras' `CosineDecay`), constant after.
public struct CosineDecay: LearningRateSchedule {
    /// The starting rate.
    public var initial: Float
    /// Steps of the decay.
    public var decaySteps: Int
    /// The final fraction of the starting rate.
    public var alpha: Float

    /// Creates the schedule.
    public init(initial: Float, decaySteps: Int, alpha: Float = 0) {
        precondition(decaySteps > 0, "CosineDecay: decaySteps must be positive")
        self.initial = initial
        self.decaySteps = decaySteps
        self.alpha = alpha
    }

    /// initial · ((1 − α) · ½(1 + cos(π · t)) + α), t = min(step, decaySteps) / decaySteps.
    public func learningRate(at step: Int) -> Float {
        let progress = Double(Swift.min(step, decaySteps)) / Double(decaySteps)
        let cosine = 0.5 * (1 + Foundation.cos(Double.pi * progress))
        return initial * Float((1 - Double(alpha)) * cosine + Double(alpha))
    }
}

/// A linear ramp from `start` to the wrapped schedule's rate over `warmupSteps`, then the wrapped schedule
/// (shifted so it starts after the warm-up).
public struct LinearWarmup: LearningRateSchedule {
    /// Steps of the ramp.
    public var warmupSteps: Int
    /// The rate at step 0.
    public var start: Float
    /// The schedule after the warm-up.
    public var then: any LearningRateSchedule

    /// Creates the schedule.
    public init(warmupSteps: Int, start: Float = 0, then: any LearningRateSchedule) {
        self.warmupSteps = warmupSteps
        self.start = start
        self.then = then
    }

    /// The ramped or wrapped rate.
    public func learningRate(at step: Int) -> Float {
        guard step < warmupSteps else { return then.learningRate(at: step - warmupSteps) }
        let target = then.learningRate(at: 0)
        return start + (target - start) * Float(step) / Float(warmupSteps)
    }
}

/// Sets the optimizer's learning rate from a schedule before every **batch** (optimisation step).
///
/// Note the difference from Keras: Keras' `LearningRateScheduler` callback calls its schedule once per
/// **epoch** with the epoch index; this callback calls it once per step with the step index, like a Keras
/// `LearningRateSchedule` object passed to an optimizer (`ExponentialDecay(decaySteps:)` counts steps). For a
/// per-epoch schedule, use a step size of `batchesPerEpoch` (for example `StepDecay(stepSize: batches)`).
public final class LearningRateScheduler: Callback {
    /// The schedule.
    public let schedule: any LearningRateSchedule
    private var step = 0

    /// Creates the callback.
    ///
    /// - Parameter schedule: The rate per optimisation step.
    public init(_ schedule: any LearningRateSchedule) { self.schedule = schedule }

    /// Continues from the optimizer's step count (so resumed runs keep their place).
    public func trainingWillBegin(_ state: TrainingState) throws { step = state.optimizer.state.step }

    /// Sets the rate for the coming step.
    public func batchWillBegin(_ batch: Int, state: TrainingState) throws {
        state.optimizer.learningRate = schedule.learningRate(at: step)
        step += 1
    }
}

/// Multiplies the learning rate by `factor` when a monitored value stops improving for `patience` epochs.
public final class ReduceLearningRateOnPlateau: Callback {
    /// The log key watched.
    public let monitor: String
    /// The factor applied on a plateau.
    public let factor: Float
    /// Epochs without improvement tolerated.
    public let patience: Int
    /// The smallest rate.
    public let minimum: Float
    /// The smallest change that counts as an improvement.
    public let minimumDelta: Double
    /// Epochs to wait after a reduction.
    public let cooldown: Int
    private let mode: MonitorMode
    private var best: Double?
    private var waited = 0
    private var cooling = 0

    /// Creates the callback.
    public init(
        monitor: String = "val_loss", factor: Float = 0.1, patience: Int = 10, minimum: Float = 0,
        minimumDelta: Double = 1e-4, cooldown: Int = 0, mode: MonitorMode = .automatic
    ) {
        precondition(factor > 0 && factor < 1, "ReduceLearningRateOnPlateau: factor must be in (0, 1)")
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.minimum = minimum
        self.minimumDelta = minimumDelta
        self.cooldown = cooldown
        self.mode = mode.resolved(for: monitor)
    }

    /// Watches the value and reduces the rate on a plateau.
    public func epochDidEnd(_ epoch: Int, logs: [String: Double], state: TrainingState) throws {
        guard let value = logs[monitor] else {
            state.warnMissing("ReduceLearningRateOnPlateau", monitor: monitor, logs: logs)
            return
        }
        if cooling > 0 { cooling -= 1 }
        if mode.isImprovement(value, over: best, minimumDelta: minimumDelta) {
            best = value
            waited = 0
        } else if cooling == 0 {
            waited += 1
            if waited > patience {
                state.optimizer.learningRate = Swift.max(minimum, state.optimizer.learningRate * factor)
                waited = 0
                cooling = cooldown
            }
        }
    }
}
