import Foundation
import Testing

@testable import LeptonDeploy

@Suite struct TrafficRouterTests {
    @Test func fnv1aMatchesThePublishedTestVectors() {
        // Vectors from the FNV reference test suite (Fowler, Noll, Vo): 64-bit FNV-1a.
        #expect(StableHash.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(StableHash.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func stickyABSendsEachKeyToTheSameArmInEveryRouter() throws {
        let mode = RoutingMode.stickyAB(challengerPercent: 20, salt: "exp-42")
        let first = try TrafficRouter(mode: mode, seed: 1)
        let second = try TrafficRouter(mode: mode, seed: 999)
        let keys = (0..<20_000).map { "user-\($0)" }
        let arms = keys.map { first.route(key: $0).serve }
        #expect(keys.map { second.route(key: $0).serve } == arms)
        #expect(keys.map { first.route(key: $0).serve } == arms, "routing a key again must not change its arm")
        let expected = keys.map {
            StableHash.fnv1a64("exp-42:" + $0) % 10_000 < 2_000 ? RouterArm.challenger : .champion
        }
        #expect(arms == expected)
        let share = Double(arms.filter { $0 == .challenger }.count) / Double(keys.count)
        #expect(abs(share - 0.20) < 0.015, "challenger share \(share)")
        let other = try TrafficRouter(mode: .stickyAB(challengerPercent: 20, salt: "exp-43"))
        #expect(keys.map { other.route(key: $0).serve } != arms, "another salt must reshuffle the keys")
    }

    @Test func canaryAndShadowSplitTrafficAsConfigured() throws {
        let canary = try TrafficRouter(mode: .canary(challengerPercent: 5), seed: 3)
        let canaryShare = Double((0..<20_000).filter { _ in canary.route().serve == .challenger }.count) / 20_000
        #expect(abs(canaryShare - 0.05) < 0.01, "canary share \(canaryShare)")
        let shadow = try TrafficRouter(mode: .shadow(samplePercent: 30), seed: 3)
        let routes = (0..<20_000).map { _ in shadow.route() }
        #expect(routes.allSatisfy { $0.serve == .champion }, "shadow answers must always come from the champion")
        let shadowShare = Double(routes.filter(\.shadowChallenger).count) / 20_000
        #expect(abs(shadowShare - 0.30) < 0.015, "shadow share \(shadowShare)")
        #expect(try TrafficRouter().route(key: "anyone") == RouteDecision(serve: .champion, shadowChallenger: false))
    }

    @Test func aChallengerWithMoreErrorsIsRolledBackWithTheNumbersLogged() throws {
        let thresholds = RollbackThresholds(minimumRequests: 100, evaluationInterval: 10, maxErrorRateIncrease: 0.02)
        let router = try TrafficRouter(mode: .canary(challengerPercent: 50), thresholds: thresholds)
        for index in 0..<200 {
            router.record(arm: .champion, latency: .milliseconds(10), succeeded: index % 100 != 0)
        }
        var rollback: RouterDecisionRecord?
        for index in 0..<100 where rollback == nil {
            rollback = router.record(arm: .challenger, latency: .milliseconds(10), succeeded: index % 10 != 0)
        }
        let decision = try #require(rollback)
        #expect(decision.kind == .rolledBack)
        #expect(decision.challenger.requests == 100 && decision.challenger.errors == 10)
        #expect(decision.champion.requests == 200 && decision.champion.errors == 2)
        #expect(decision.breaches.count == 1 && decision.breaches[0].hasPrefix("error rate 0.1 > champion 0.01"))
        #expect(router.isRolledBack && router.mode == .championOnly)
        #expect((0..<1000).allSatisfy { _ in router.route().serve == .champion })
        #expect(router.decisions.map(\.kind) == [.modeChanged, .rolledBack])
        #expect(router.record(arm: .challenger, latency: .milliseconds(1), succeeded: false) == nil)
    }

    @Test func aSlowerChallengerIsRolledBackOnP99() throws {
        let thresholds = RollbackThresholds(minimumRequests: 50, evaluationInterval: 1, maxP99LatencyRatio: 1.5)
        let router = try TrafficRouter(mode: .stickyAB(challengerPercent: 50, salt: "s"), thresholds: thresholds)
        for index in 0..<100 { router.record(arm: .champion, latency: .milliseconds(10 + index % 5), succeeded: true) }
        var rollback: RouterDecisionRecord?
        for index in 0..<50 where rollback == nil {
            rollback = router.record(arm: .challenger, latency: .milliseconds(index < 45 ? 12 : 40), succeeded: true)
        }
        let decision = try #require(rollback, "p99 of the challenger is 40 ms against 14 ms")
        #expect(decision.breaches.count == 1 && decision.breaches[0].hasPrefix("p99 latency 0.04 s"))
        #expect(decision.champion.p99LatencySeconds == 0.014)
    }

    @Test func aShadowChallengerThatDisagreesIsRolledBackOnQuality() throws {
        let thresholds = RollbackThresholds(
            minimumRequests: 100, evaluationInterval: 20, maxP99LatencyRatio: 10, maxQualityDrop: 0.05,
            qualityBaseline: 1)
        let router = try TrafficRouter(mode: .shadow(samplePercent: 100), thresholds: thresholds)
        var rollback: RouterDecisionRecord?
        for index in 0..<300 where rollback == nil {
            router.record(arm: .champion, latency: .milliseconds(5), succeeded: true)
            let agrees = index % 10 != 0  // 90% agreement
            rollback = router.record(
                arm: .challenger, latency: .milliseconds(5), succeeded: true, quality: agrees ? 1 : 0)
        }
        let decision = try #require(rollback)
        #expect(decision.challenger.requests == 100)
        #expect(decision.challenger.meanQuality == 0.9)
        #expect(decision.breaches == ["mean quality 0.9 < baseline 1 − 0.05"])
    }

    @Test func aHealthyChallengerIsNeverRolledBackAndIsLoggedOnce() throws {
        let thresholds = RollbackThresholds(minimumRequests: 100, evaluationInterval: 10)
        let router = try TrafficRouter(mode: .canary(challengerPercent: 10), thresholds: thresholds)
        var random = TestRandom(seed: 11)
        for _ in 0..<2000 {
            let arm: RouterArm = random.unit() < 0.5 ? .champion : .challenger
            let latency = Duration.microseconds(Int64(5000 + random.unit() * 1000))
            #expect(router.record(arm: arm, latency: latency, succeeded: random.unit() > 0.01, quality: 0.8) == nil)
        }
        #expect(!router.isRolledBack)
        #expect(router.decisions.map(\.kind) == [.modeChanged, .challengerHealthy])
        #expect(router.evaluate().kind == .evaluatedHealthy)
        try router.setMode(.stickyAB(challengerPercent: 50, salt: "next"), reason: "canary passed")
        #expect(router.snapshot(of: .challenger).requests == 0)
        #expect(router.decisions.last?.kind == .modeChanged)
    }

    @Test func percentagesOutsideTheRangeAreTypedErrors() throws {
        #expect(throws: ServingError.self) { try TrafficRouter(mode: .canary(challengerPercent: 120)) }
        let router = try TrafficRouter()
        #expect(throws: ServingError.self) { try router.setMode(.shadow(samplePercent: -1), reason: "typo") }
        #expect(router.mode == .championOnly)
    }
}
