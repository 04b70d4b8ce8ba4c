import LeptonDeploy

/// The answer to `GET /v2`.
struct ServerMetadata: Codable, Sendable {
    /// The version this server reports.
    static let serverVersion = "0.1.0"
    var name: String
    var version: String
    var extensions: [String]
}

/// The answer to a model readiness probe.
struct ModelReadyResponse: Codable, Sendable {
    var name: String
    var ready: Bool
}

/// The answer to a feedback request.
struct FeedbackResponse: Codable, Sendable {
    var id: String
    var recorded: Bool
    var predictions: Int
    var labelled: Int
}

/// The rollout state of a model.
struct RolloutStatus: Encodable, Sendable {
    var mode: String
    var percent: Double?
    var production: String?
    var candidate: String?
    var rolledBack: Bool
    var champion: ArmSnapshot
    var challenger: ArmSnapshot
    var lastDecision: String?

    init(_ model: ServedModel) async {
        let router = model.service.router
        switch router.mode {
        case .championOnly: mode = "off"
        case .canary(let percent):
            mode = "canary"
            self.percent = percent
        case .stickyAB(let percent, _):
            mode = "ab"
            self.percent = percent
        case .shadow(let percent):
            mode = "shadow"
            self.percent = percent
        }
        production = try? await model.registry.resolve(model.service.championAlias).id
        candidate = try? await model.registry.resolve(model.service.challengerAlias).id
        rolledBack = router.isRolledBack
        champion = router.snapshot(of: .champion)
        challenger = router.snapshot(of: .challenger)
        lastDecision = router.decisions.last?.summary
    }

    private enum CodingKeys: String, CodingKey {
        case mode, percent, production, candidate, champion, challenger
        case rolledBack = "rolled_back"
        case lastDecision = "last_decision"
    }
}
