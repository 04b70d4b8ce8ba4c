import Foundation
import Testing

@testable import LeptonDeploy

private struct WarmUpFailure: Error, CustomStringConvertible {
    var description: String { "weights missing" }
}

@Suite struct ModelRegistryTests {
    @Test func aVersionIsReadyOnlyAfterItsWarmUpSucceeded() async throws {
        let registry = ModelRegistry<String>()
        let gate = Gate()
        let registration = Task {
            try await registry.register("model-1", version: ModelVersion(id: "v1")) { _ in await gate.wait() }
        }
        #expect(await eventually { (try? await registry.readiness(of: "v1")) == .warmingUp })
        await #expect(throws: RegistryError.notReady(version: "v1")) { try await registry.promote("v1", to: "prod") }
        #expect(await registry.isReady("prod") == false)
        await gate.open()
        try await registration.value
        #expect(try await registry.readiness(of: "v1") == .ready)
        try await registry.promote("v1", to: "prod")
        #expect(await registry.isReady("prod"))
        #expect(try await registry.resolve("prod").id == "v1")
    }

    @Test func aFailedWarmUpIsATypedErrorAndTheVersionCannotServe() async throws {
        let registry = ModelRegistry<String>()
        await #expect(throws: RegistryError.warmUpFailed(version: "bad", reason: "weights missing")) {
            try await registry.register("broken", version: ModelVersion(id: "bad")) { _ in throw WarmUpFailure() }
        }
        #expect(try await registry.readiness(of: "bad") == .failed("weights missing"))
        await #expect(throws: RegistryError.notReady(version: "bad")) { try await registry.promote("bad", to: "prod") }
        await #expect(throws: RegistryError.duplicateVersion("bad")) {
            try await registry.register("again", version: ModelVersion(id: "bad"))
        }
        try await registry.unregister("bad")
        await #expect(throws: RegistryError.unknownVersion("bad")) { try await registry.readiness(of: "bad") }
        await #expect(throws: RegistryError.unknownAlias("prod")) {
            try await registry.withModel(alias: "prod") { model, _ in model }
        }
    }

    @Test func aHotSwapLetsInFlightRequestsFinishOnTheOldModelAndWaitsForThem() async throws {
        let registry = ModelRegistry<String>()
        try await registry.register("old", version: ModelVersion(id: "v1"))
        try await registry.register("new", version: ModelVersion(id: "v2"))
        try await registry.promote("v1", to: "prod")
        let gate = Gate()
        let slowRequest = Task {
            try await registry.withModel(alias: "prod") { model, version in
                await gate.wait()
                return "\(model)@\(version.id)"
            }
        }
        #expect(await eventually { await registry.inFlightCount(of: "v1") == 1 })
        let swap = Task { try await registry.promote("v2", to: "prod") }
        #expect(await eventually { (try? await registry.resolve("prod").id) == "v2" })
        let fresh = try await registry.withModel(alias: "prod") { model, _ in model }
        #expect(fresh == "new", "new requests must see the new model at once")
        try await Task.sleep(for: .milliseconds(20))
        #expect(await registry.inFlightCount(of: "v1") == 1)
        await gate.open()
        #expect(try await slowRequest.value == "old@v1", "the in-flight request finishes on the old model")
        let previous = try await swap.value
        #expect(previous?.id == "v1")
        #expect(await registry.inFlightCount(of: "v1") == 0)
    }

    @Test func rollbackReturnsToThePreviousVersionAndKeepsAHistory() async throws {
        let clock = Date(timeIntervalSince1970: 1_700_000_000)
        let registry = ModelRegistry<Int>(now: { clock })
        for number in 1...3 {
            let lineage = ModelLineage(parentVersion: number > 1 ? "v\(number - 1)" : nil, cause: "drift#\(number)")
            try await registry.register(number, version: ModelVersion(id: "v\(number)", lineage: lineage))
            try await registry.promote("v\(number)", to: "production")
        }
        #expect(try await registry.rollback("production").id == "v2")
        #expect(try await registry.withModel(alias: "production") { model, _ in model } == 2)
        #expect(try await registry.rollback("production").id == "v1")
        await #expect(throws: RegistryError.noPreviousVersion(alias: "production")) {
            try await registry.rollback("production")
        }
        await #expect(throws: RegistryError.unknownAlias("staging")) { try await registry.rollback("staging") }
        let history = await registry.history(of: "production")
        #expect(history.map(\.kind) == [.promote, .promote, .promote, .rollback, .rollback])
        #expect(history.map(\.toVersion) == ["v1", "v2", "v3", "v2", "v1"])
        #expect(history.map(\.fromVersion) == [nil, "v1", "v2", "v3", "v2"])
        #expect(history.allSatisfy { $0.date == clock })
        #expect(await registry.versions.map(\.lineage.cause) == ["drift#1", "drift#2", "drift#3"])
    }

    @Test func unregisteringRefusesVersionsInUseAndForgetsRollbackTargets() async throws {
        let registry = ModelRegistry<Int>()
        try await registry.register(1, version: ModelVersion(id: "v1"))
        try await registry.register(2, version: ModelVersion(id: "v2"))
        try await registry.promote("v1", to: "production")
        try await registry.promote("v1", to: "candidate")
        await #expect(throws: RegistryError.versionInUse(version: "v1", aliases: ["candidate", "production"])) {
            try await registry.unregister("v1")
        }
        try await registry.promote("v2", to: "production")
        try await registry.promote("v2", to: "candidate")
        try await registry.unregister("v1")
        await #expect(throws: RegistryError.noPreviousVersion(alias: "production")) {
            try await registry.rollback("production")
        }
        #expect(await registry.aliases == ["production": "v2", "candidate": "v2"])
    }

    @Test func aThrowingBodyReleasesItsLease() async throws {
        let registry = ModelRegistry<Int>()
        try await registry.register(1, version: ModelVersion(id: "v1"))
        try await registry.promote("v1", to: "production")
        await #expect(throws: WarmUpFailure.self) {
            try await registry.withModel(alias: "production") { _, _ in throw WarmUpFailure() }
        }
        #expect(await registry.inFlightCount(of: "v1") == 0)
    }

    @Test func versionsRoundTripThroughJSON() throws {
        let version = ModelVersion(
            id: "credit-7", metadata: ["task": "credit scoring"], metrics: ["auc": 0.81],
            createdAt: Date(timeIntervalSince1970: 1_700_000_000),
            lineage: ModelLineage(
                parentVersion: "credit-6",
                dataWindow: DateInterval(start: Date(timeIntervalSince1970: 0), duration: 86_400),
                cause: "psi-income#1", notes: "retrained on June traffic"))
        let decoded = try JSONDecoder().decode(ModelVersion.self, from: JSONEncoder().encode(version))
        #expect(decoded == version)
    }
}
