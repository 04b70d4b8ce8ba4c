import Foundation
import LeptonData
import LeptonTensor
import LeptonTrain
import Testing

@testable import LeptonDeploy

@Suite("Recommender bundle: atomic round trip, predictor = model, crafted files refused with typed errors")
struct RecommenderBundleTests {
    private func fitted() throws -> ExplicitALSRecommender {
        try ExplicitALSRecommender(
            fitting: SyntheticRecommendationData.ratings(users: 40, items: 80, seed: 2),
            configuration: .init(factorCount: 4, iterations: 5, seed: 1))
    }

    private func bundle(_ model: ExplicitALSRecommender) throws -> RecommenderBundle {
        let f = model.factors
        return try RecommenderBundle(
            name: "movies", version: "movies-1", modelKind: ExplicitALSRecommender.modelName,
            training: model.training, factorCount: f.factorCount, userFactors: f.userFactors,
            itemFactors: f.itemFactors, userBiases: f.userBiases, itemBiases: f.itemBiases, globalMean: f.globalMean)
    }

    @Test("written and read back, the predictor ranks as the model does, seen and excluded items left out")
    func roundTrip() throws {
        let model = try fitted()
        let original = try bundle(model)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recs-\(UUID().uuidString).lepton")
        defer { try? FileManager.default.removeItem(at: url) }
        try original.write(to: url)
        let loaded = try RecommenderBundle(contentsOf: url)
        #expect(loaded == original)
        let predictor = RecommenderPredictor(bundle: loaded)
        for user in ["u0", "u7", "u39"] {
            let expected = try model.recommend(user: user, k: 8)
            let served = try predictor.recommend(user: user, k: 8)
            #expect(served.map(\.item) == expected.map(\.item))
            for (a, b) in zip(served, expected) { #expect(abs(a.score - b.score) <= 1e-4 * max(1, abs(b.score))) }
        }
        let first = try #require(try predictor.recommend(user: "u0", k: 1).first).item
        let without = try predictor.recommend(user: "u0", k: 5, excluding: [first])
        #expect(!without.map(\.item).contains(first))
        let seen = Set(model.training.items(ofUser: 0).map { model.training.items.id(at: Int($0)) })
        #expect(try predictor.recommend(user: "u0", k: 1000).allSatisfy { !seen.contains($0.item) })
        // Similar items: the cosine of the item factors, computed here directly.
        let similar = try predictor.similarItems(to: "i0", k: 3)
        let d = model.factors.factorCount
        let q = model.factors.itemFactors
        let i0 = model.factors.items.index(of: "i0")!
        func cosine(_ a: Int, _ b: Int) -> Float {
            var dot: Float = 0
            var na: Float = 0
            var nb: Float = 0
            for f in 0..<d {
                dot += q[a * d + f] * q[b * d + f]
                na += q[a * d + f] * q[a * d + f]
                nb += q[b * d + f] * q[b * d + f]
            }
            return dot / (na.squareRoot() * nb.squareRoot())
        }
        let best = (0..<model.factors.items.count).filter { $0 != i0 }.max { cosine(i0, $0) < cosine(i0, $1) }!
        #expect(similar[0].item == model.factors.items.id(at: best))
        #expect(throws: RecommenderPredictorError.unknownUser("ghost")) { try predictor.recommend(user: "ghost", k: 1) }
        #expect(throws: RecommenderPredictorError.invalidK(0)) { try predictor.recommend(user: "u0", k: 0) }
        #expect(throws: RecommenderPredictorError.unknownItem("zz")) { try predictor.similarItems(to: "zz", k: 1) }
    }

    @Test("damaged, truncated, foreign and crafted files get typed errors")
    func craftedFiles() throws {
        let original = try bundle(try fitted())
        let data = try original.serialized()
        // A flipped byte in the tensor data: checksum mismatch.
        var flipped = data
        flipped[flipped.count - 3] ^= 0xFF
        #expect {
            try RecommenderBundle(data: flipped)
        } throws: { error in
            if case .checksumMismatch = error as? BundleError { return true } else { return false }
        }
        // Cut short.
        #expect {
            try RecommenderBundle(data: data.prefix(data.count - 10))
        } throws: { error in
            if case .truncated = error as? BundleError { return true } else { return false }
        }
        // A plain safetensors file.
        var plain = SafeTensorsWriter()
        try plain.add("w", shape: [1], floats: [1])
        #expect {
            try RecommenderBundle(data: plain.serialized())
        } throws: { error in
            if case .notABundle = error as? BundleError { return true } else { return false }
        }
        // A correctly checksummed file whose seen index points outside the catalogue.
        var manifest = original.manifest
        var seenItems = original.seenItems
        seenItems[seenItems.count - 1] = Int32(original.items.count + 5)
        let crafted = RecommenderBundleTests.unchecked(original, seenItems: seenItems)
        #expect {
            try RecommenderBundle(data: crafted.serialized())
        } throws: { error in
            if case .weightsMismatch = error as? BundleError { return true } else { return false }
        }
        // A newer format version.
        manifest.formatVersion = 99
        let newer = RecommenderBundleTests.unchecked(original, manifest: manifest)
        #expect(throws: BundleError.unsupportedFormatVersion(file: "<memory>", found: 99, supported: 1)) {
            try RecommenderBundle(data: newer.serialized())
        }
        // Duplicate user ids.
        var duplicated = original.manifest
        duplicated.users[1] = duplicated.users[0]
        #expect(
            throws: BundleError.malformedManifest(file: "<memory>", path: "manifest.users", reason: "duplicate ids")
        ) {
            try RecommenderBundle(data: RecommenderBundleTests.unchecked(original, manifest: duplicated).serialized())
        }
        // A NaN factor.
        var factors = original.userFactors
        factors[5] = .nan
        #expect(throws: BundleError.nonFiniteWeight(file: "<memory>", parameter: "user_factors", index: 5)) {
            try RecommenderBundle(
                data: RecommenderBundleTests.unchecked(original, userFactors: factors).serialized())
        }
    }

    /// A writer with a valid checksum over arbitrary (possibly invalid) parts, as an attacker could produce.
    private static func unchecked(
        _ base: RecommenderBundle, manifest: RecommenderManifest? = nil, userFactors: [Float]? = nil,
        seenItems: [Int32]? = nil
    ) -> CraftedRecommenderFile {
        CraftedRecommenderFile(
            manifest: manifest ?? base.manifest, userFactors: userFactors ?? base.userFactors,
            itemFactors: base.itemFactors, userBiases: base.userBiases, itemBiases: base.itemBiases,
            seenOffsets: base.seenOffsets, seenItems: seenItems ?? base.seenItems)
    }
}

/// The parts of a recommender bundle file, serialised with a correct checksum but without validation.
private struct CraftedRecommenderFile {
    let manifest: RecommenderManifest
    let userFactors: [Float]
    let itemFactors: [Float]
    let userBiases: [Float]
    let itemBiases: [Float]
    let seenOffsets: [Int]
    let seenItems: [Int32]

    func serialized() throws -> Data {
        let manifestJSON = try JSONEncoder().encode(manifest)
        var writer = SafeTensorsWriter(metadata: [
            ModelBundle.formatMetadataKey: RecommenderBundle.formatMarker,
            ModelBundle.manifestMetadataKey: String(decoding: manifestJSON, as: UTF8.self),
        ])
        let d = manifest.factorCount
        try writer.add("user_factors", shape: [userBiases.count, d], floats: userFactors)
        try writer.add("item_factors", shape: [itemBiases.count, d], floats: itemFactors)
        try writer.add("user_biases", shape: [userBiases.count], floats: userBiases)
        try writer.add("item_biases", shape: [itemBiases.count], floats: itemBiases)
        try writer.add("seen_offsets", shape: [seenOffsets.count], int64s: seenOffsets.map { Int64($0) })
        try writer.add("seen_items", shape: [seenItems.count], int32s: seenItems)
        let laidOut = try SafeTensorsFile(data: writer.serialized())
        writer.metadata[ModelBundle.checksumMetadataKey] = try BundleChecksum.digest(
            manifest: manifestJSON, file: laidOut)
        return writer.serialized()
    }
}
