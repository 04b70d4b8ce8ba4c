import Foundation
import Hummingbird
import LeptonDeploy
import Logging

/// The rollout routes: canary, shadow and sticky A/B per model, promote and rollback.
extension InferenceServer {
    struct RolloutRequest: Decodable {
        var version: String?
        var mode: String
        var percent: Double?
        var salt: String?
    }

    func rolloutStatus(_ context: some RequestContext) async throws -> Response {
        let model = try await repository.model(try Self.parameter("name", context))
        return JSONBody.response(await RolloutStatus(model))
    }

    func startRollout(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let name = try Self.parameter("name", context)
        let model = try await repository.model(name)
        let body = try await JSONBody.read(request, limit: configuration.maxBodyBytes)
        let rollout = try JSONBody.decode(RolloutRequest.self, from: body)
        let percent = rollout.percent ?? 10
        let mode: RoutingMode
        switch rollout.mode {
        case "canary": mode = .canary(challengerPercent: percent)
        case "shadow": mode = .shadow(samplePercent: rollout.percent ?? 100)
        case "ab", "sticky_ab": mode = .stickyAB(challengerPercent: rollout.percent ?? 50, salt: rollout.salt ?? name)
        case "off", "champion_only": mode = .championOnly
        default: throw ServeError.badRequest("mode must be canary, shadow, ab or off, got '\(rollout.mode)'")
        }
        if mode != .championOnly {
            guard let version = rollout.version else {
                throw ServeError.badRequest("a rollout needs the challenger's 'version'")
            }
            _ = try await model.schema(version: version)
            try await model.registry.promote(version, to: model.service.challengerAlias)
        }
        try model.service.router.setMode(mode, reason: "set over HTTP")
        logger.info("rollout changed", metadata: ["model": "\(name)", "mode": "\(rollout.mode)"])
        return JSONBody.response(await RolloutStatus(model))
    }

    func promote(_ context: some RequestContext) async throws -> Response {
        let name = try Self.parameter("name", context)
        let model = try await repository.model(name)
        let candidate = try await model.registry.resolve(model.service.challengerAlias)
        try await model.registry.promote(candidate.id, to: model.service.championAlias)
        try model.service.router.setMode(.championOnly, reason: "challenger \(candidate.id) promoted over HTTP")
        logger.info("challenger promoted", metadata: ["model": "\(name)", "version": "\(candidate.id)"])
        return JSONBody.response(await RolloutStatus(model))
    }

    func rollback(_ context: some RequestContext) async throws -> Response {
        let name = try Self.parameter("name", context)
        let model = try await repository.model(name)
        if model.service.router.mode != .championOnly {
            try model.service.router.setMode(.championOnly, reason: "rollout rolled back over HTTP")
        } else {
            try await model.registry.rollback(model.service.championAlias)
        }
        logger.info("rolled back", metadata: ["model": "\(name)"])
        return JSONBody.response(await RolloutStatus(model))
    }
}
