/// Why a rollout step refused.
public enum RolloutError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The canary has too few labelled outcomes on `arm` to decide; the canary keeps running.
    case insufficientEvidence(arm: RouterArm, labelled: Int, positives: Int, negatives: Int, required: String)
    /// ``RolloutController/conclude()`` was called before a canary started.
    case canaryNotStarted
    /// A setting is out of range.
    case invalidConfiguration(setting: String, reason: String)

    /// A sentence with the numbers.
    public var description: String {
        switch self {
        case .insufficientEvidence(let arm, let labelled, let positives, let negatives, let required):
            return
                "not enough labelled canary outcomes on the \(arm.rawValue): \(labelled) (\(positives) positive, "
                + "\(negatives) negative), required \(required)"
        case .canaryNotStarted: return "no canary has started, so there is no evidence to conclude on"
        case .invalidConfiguration(let setting, let reason): return "invalid rollout setting \(setting): \(reason)"
        }
    }
}
