/// Why a ``RecommenderChallenge`` could not decide.
public enum RecommenderChallengeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A minimum was below 1.
    case invalidSetting(name: String, value: Int)
    /// Fewer clicked or ignored rows than the minimums could be scored by both models.
    case insufficientFeedback(clicks: Int, ignored: Int, minimumClicks: Int, minimumIgnored: Int)
    /// The gate refused the input.
    case gate(ChallengerGateError)

    /// A sentence naming what was wrong.
    public var description: String {
        switch self {
        case .invalidSetting(let name, let value):
            return "\(name) is \(value); it must be at least 1"
        case .insufficientFeedback(let clicks, let ignored, let minimumClicks, let minimumIgnored):
            return
                "not enough feedback both models can score: \(clicks) clicks and \(ignored) ignored items, at least \(minimumClicks) and \(minimumIgnored) needed"
        case .gate(let error):
            return "challenger gate: \(error)"
        }
    }
}
