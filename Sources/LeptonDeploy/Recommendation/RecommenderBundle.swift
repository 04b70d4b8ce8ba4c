import Foundation
import LeptonData
import LeptonTensor

/// A fitted latent-factor recommender as one data-only file: the factors and biases, the id maps and the index of
/// the items each user has already seen, so that a server can rank without the training data.
///
/// The file is a valid safetensors file. Tensors: `user_factors` F32 `[users, d]`, `item_factors` F32 `[items, d]`,
/// `user_biases` F32 `[users]`, `item_biases` F32 `[items]`, `seen_offsets` I64 `[users + 1]` and `seen_items` I32
/// (CSR: user u has seen `seen_items[seen_offsets[u]..<seen_offsets[u + 1]]`, ascending). `__metadata__` holds
/// `lepton.format` = `lepton-recommender`, `lepton.manifest` (the ``RecommenderManifest`` JSON) and `lepton.checksum`
/// (`sha256:` over the manifest and the tensors, as for ``ModelBundle``). Writes are atomic; reading checks the
/// checksum, the format version, the manifest, every shape, every index and every value, and throws a
/// ``BundleError`` naming the first problem — a crafted file never traps.
///
/// ```swift
/// let f = model.factors
/// let bundle = try RecommenderBundle(
///     name: "movies", version: "movies-1", modelKind: "ExplicitALS", training: model.training,
///     factorCount: f.factorCount, userFactors: f.userFactors, itemFactors: f.itemFactors,
///     userBiases: f.userBiases, itemBiases: f.itemBiases, globalMean: f.globalMean)
/// try bundle.write(to: URL(fileURLWithPath: "movies.lepton"))
/// let predictor = try RecommenderPredictor(bundle: RecommenderBundle(contentsOf: URL(fileURLWithPath: "movies.lepton")))
/// ```
public struct RecommenderBundle: Sendable, Equatable {
    /// The value of the `lepton.format` marker.
    public static let formatMarker = "lepton-recommender"

    /// Identity, id maps and sizes.
    public let manifest: RecommenderManifest
    /// The user ids as a two-way map.
    public let users: IDMap
    /// The item ids as a two-way map.
    public let items: IDMap
    /// User factors, row-major `[users, factorCount]`.
    public let userFactors: [Float]
    /// Item factors, row-major `[items, factorCount]`.
    public let itemFactors: [Float]
    /// One bias per user.
    public let userBiases: [Float]
    /// One bias per item.
    public let itemBiases: [Float]
    /// CSR offsets of the seen-item index, `users + 1` of them.
    public let seenOffsets: [Int]
    /// CSR item indices of the seen-item index, ascending within each user.
    public let seenItems: [Int32]

    /// Assembles a bundle from a fitted model's parameters and its training interactions (the id maps and the
    /// seen-item index come from them).
    ///
    /// - Parameters:
    ///   - name: The model's name.
    ///   - version: The model's version id.
    ///   - modelKind: The kind of model (for example `ExplicitALS`).
    ///   - training: The interactions the model was fitted on.
    ///   - factorCount: Latent factors d ≥ 0.
    ///   - userFactors: `training.userCount × d` values.
    ///   - itemFactors: `training.itemCount × d` values.
    ///   - userBiases: `training.userCount` values.
    ///   - itemBiases: `training.itemCount` values.
    ///   - globalMean: The global offset.
    /// - Throws: ``BundleError/weightsMismatch(file:reason:)`` for a wrong length,
    ///   ``BundleError/nonFiniteWeight(file:parameter:index:)`` for NaN or infinity.
    public init(
        name: String, version: String, modelKind: String, training: InteractionMatrix, factorCount: Int,
        userFactors: [Float], itemFactors: [Float], userBiases: [Float], itemBiases: [Float], globalMean: Float
    ) throws(BundleError) {
        let manifest = RecommenderManifest(
            formatVersion: RecommenderManifest.currentFormatVersion, name: name, version: version,
            modelKind: modelKind, users: training.users.ids, items: training.items.ids, factorCount: factorCount,
            globalMean: globalMean, ratingScale: training.ratingScale)
        try self.init(
            manifest: manifest, userFactors: userFactors, itemFactors: itemFactors, userBiases: userBiases,
            itemBiases: itemBiases, seenOffsets: training.rowOffsets, seenItems: training.itemIndices, file: "<memory>")
    }

    /// Validates every part against the manifest; the single gate for assembled and read bundles.
    init(
        manifest: RecommenderManifest, userFactors: [Float], itemFactors: [Float], userBiases: [Float],
        itemBiases: [Float], seenOffsets: [Int], seenItems: [Int32], file: String
    ) throws(BundleError) {
        func mismatch(_ reason: String) -> BundleError { .weightsMismatch(file: file, reason: reason) }
        guard manifest.formatVersion >= 1 else {
            throw .malformedManifest(file: file, path: "manifest.formatVersion", reason: "must be at least 1")
        }
        guard manifest.formatVersion <= RecommenderManifest.currentFormatVersion else {
            throw .unsupportedFormatVersion(
                file: file, found: manifest.formatVersion, supported: RecommenderManifest.currentFormatVersion)
        }
        for (path, ids) in [("manifest.users", manifest.users), ("manifest.items", manifest.items)]
        where Set(ids).count != ids.count {
            throw .malformedManifest(file: file, path: path, reason: "duplicate ids")
        }
        guard manifest.factorCount >= 0, manifest.factorCount <= 65_536 else {
            throw .malformedManifest(file: file, path: "manifest.factorCount", reason: "must be in 0...65536")
        }
        guard manifest.globalMean.isFinite else {
            throw .nonFiniteWeight(file: file, parameter: "manifest.globalMean", index: 0)
        }
        let userCount = manifest.users.count
        let itemCount = manifest.items.count
        let d = manifest.factorCount
        let (userSize, userOverflow) = userCount.multipliedReportingOverflow(by: d)
        let (itemSize, itemOverflow) = itemCount.multipliedReportingOverflow(by: d)
        guard !userOverflow, !itemOverflow else { throw mismatch("factor sizes overflow") }
        for (parameter, values, expected) in [
            ("user_factors", userFactors, userSize), ("item_factors", itemFactors, itemSize),
            ("user_biases", userBiases, userCount), ("item_biases", itemBiases, itemCount),
        ] {
            guard values.count == expected else {
                throw mismatch("\(parameter) holds \(values.count) values; expected \(expected)")
            }
            if let index = values.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteWeight(file: file, parameter: parameter, index: index)
            }
        }
        guard seenOffsets.count == userCount + 1, seenOffsets.first == 0, seenOffsets.last == seenItems.count,
            zip(seenOffsets, seenOffsets.dropFirst()).allSatisfy({ $0 <= $1 })
        else { throw mismatch("seen_offsets do not describe \(userCount) users of \(seenItems.count) seen items") }
        for user in 0..<userCount {
            var previous: Int32 = -1
            for position in seenOffsets[user]..<seenOffsets[user + 1] {
                let item = seenItems[position]
                guard item > previous, Int(item) < itemCount else {
                    throw mismatch("seen_items of user \(user): index \(item) out of order or outside 0..<\(itemCount)")
                }
                previous = item
            }
        }
        self.manifest = manifest
        self.users = IDMap(ids: manifest.users)
        self.items = IDMap(ids: manifest.items)
        self.userFactors = userFactors
        self.itemFactors = itemFactors
        self.userBiases = userBiases
        self.itemBiases = itemBiases
        self.seenOffsets = seenOffsets
        self.seenItems = seenItems
    }

    /// Reads and validates a recommender bundle file.
    /// - Parameter url: The file.
    /// - Throws: ``BundleError`` naming the file and the first problem.
    public init(contentsOf url: URL) throws(BundleError) {
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url, memoryMapped: false)
        } catch {
            throw ModelBundle.classify(error, file: url.path)
        }
        try self.init(file: file, name: url.path)
    }

    /// Reads and validates bundle bytes held in memory.
    /// - Parameters:
    ///   - data: The complete file contents.
    ///   - name: A name for error messages.
    /// - Throws: ``BundleError``.
    public init(data: Data, name: String = "<memory>") throws(BundleError) {
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(data: data)
        } catch {
            throw ModelBundle.classify(error, file: name)
        }
        try self.init(file: file, name: name)
    }

    private init(file: SafeTensorsFile, name: String) throws(BundleError) {
        guard file.metadata[ModelBundle.formatMetadataKey] == Self.formatMarker,
            let manifestText = file.metadata[ModelBundle.manifestMetadataKey]
        else {
            throw .notABundle(
                file: name, reason: "no '\(Self.formatMarker)' format marker and manifest in the header's __metadata__")
        }
        let manifestJSON = Data(manifestText.utf8)
        let actual: String
        do {
            actual = try BundleChecksum.digest(manifest: manifestJSON, file: file)
        } catch {
            throw .unreadable(file: name, reason: "\(error)")
        }
        let recorded = file.metadata[ModelBundle.checksumMetadataKey] ?? "<none>"
        guard recorded == actual else { throw .checksumMismatch(file: name, expected: recorded, actual: actual) }
        let manifest: RecommenderManifest
        do {
            manifest = try JSONDecoder().decode(RecommenderManifest.self, from: manifestJSON)
        } catch {
            throw .malformedManifest(file: name, path: "manifest", reason: "\(error)")
        }
        let expectedNames: Set<String> = [
            "user_factors", "item_factors", "user_biases", "item_biases", "seen_offsets", "seen_items",
        ]
        guard Set(file.names) == expectedNames else {
            throw .weightsMismatch(
                file: name, reason: "tensors \(file.names.sorted()); expected \(expectedNames.sorted())")
        }
        do {
            let d = manifest.factorCount
            for (tensor, rows) in [("user_factors", manifest.users.count), ("item_factors", manifest.items.count)] {
                let shape = try file.entry(tensor).shape
                guard shape == [rows, d] else {
                    throw BundleError.weightsMismatch(
                        file: name, reason: "\(tensor) has shape \(shape); expected \([rows, d])")
                }
            }
            try self.init(
                manifest: manifest, userFactors: file.floats("user_factors"), itemFactors: file.floats("item_factors"),
                userBiases: file.floats("user_biases"), itemBiases: file.floats("item_biases"),
                seenOffsets: file.int64s("seen_offsets").map { Int(clamping: $0) },
                seenItems: file.int32s("seen_items"),
                file: name)
        } catch let error as BundleError {
            throw error
        } catch {
            throw .weightsMismatch(file: name, reason: "\(error)")
        }
    }

    /// The safetensors writer holding the tensors and the metadata, checksum included.
    func writer(file: String) throws(BundleError) -> SafeTensorsWriter {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let manifestJSON = try encoder.encode(manifest)
            var writer = SafeTensorsWriter(metadata: [
                ModelBundle.formatMetadataKey: Self.formatMarker,
                ModelBundle.manifestMetadataKey: String(decoding: manifestJSON, as: UTF8.self),
            ])
            let d = manifest.factorCount
            try writer.add("user_factors", shape: [users.count, d], floats: userFactors)
            try writer.add("item_factors", shape: [items.count, d], floats: itemFactors)
            try writer.add("user_biases", shape: [users.count], floats: userBiases)
            try writer.add("item_biases", shape: [items.count], floats: itemBiases)
            try writer.add("seen_offsets", shape: [seenOffsets.count], int64s: seenOffsets.map { Int64($0) })
            try writer.add("seen_items", shape: [seenItems.count], int32s: seenItems)
            let laidOut = try SafeTensorsFile(data: writer.serialized())
            writer.metadata[ModelBundle.checksumMetadataKey] = try BundleChecksum.digest(
                manifest: manifestJSON, file: laidOut)
            return writer
        } catch {
            throw .writeFailed(file: file, reason: String(describing: error))
        }
    }

    /// The complete file contents.
    /// - Throws: ``BundleError/writeFailed(file:reason:)``.
    public func serialized() throws(BundleError) -> Data { try writer(file: "<memory>").serialized() }

    /// Writes the bundle atomically (temporary file, fsync, rename).
    /// - Parameter url: The destination; its directory must exist.
    /// - Throws: ``BundleError/writeFailed(file:reason:)``.
    public func write(to url: URL) throws(BundleError) {
        let writer = try writer(file: url.path)
        do {
            try writer.write(to: url)
        } catch {
            throw .writeFailed(file: url.path, reason: String(describing: error))
        }
    }
}
