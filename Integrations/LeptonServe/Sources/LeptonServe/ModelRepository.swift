import Foundation
import LeptonDeploy
import Logging

/// The state of one model of the repository, as `/v2/repository/index` reports it.
public enum ModelState: String, Codable, Sendable {
    /// Found on disk, not loaded.
    case unavailable = "UNAVAILABLE"
    /// Being loaded or hot-swapped (readiness is false meanwhile).
    case loading = "LOADING"
    /// Serving.
    case ready = "READY"
    /// Being unloaded: finishing accepted requests.
    case unloading = "UNLOADING"
}

/// One entry of the repository index.
public struct RepositoryIndexEntry: Codable, Sendable, Equatable {
    /// The model's name.
    public var name: String
    /// The production version, when loaded.
    public var version: String?
    /// Its state.
    public var state: ModelState
    /// Why it is unavailable (the last load error), if known.
    public var reason: String?
    /// What its bundles hold: `predictor` or `recommender`.
    public var kind: BundleKind?
    /// For a loaded recommender, the kind of model that produced its factors (for example `ExplicitALS`).
    public var modelKind: String?

    private enum CodingKeys: String, CodingKey {
        case name, version, state, reason, kind
        case modelKind = "model_kind"
    }
}

/// A directory of `.lepton` bundles and the models loaded from it.
///
/// `DIR/NAME.lepton` is model `NAME` (one version); `DIR/NAME/*.lepton` are the versions of model `NAME`. Loading
/// a model registers every bundle as a version, warms it up and promotes the newest (by creation date, then id) to
/// `production`; loading it again hot-swaps: new versions are registered and the newest is promoted through the
/// registry, so requests already running on the old version finish on it.
///
/// A file may hold a ``ModelBundle`` (served by `/infer`) or a ``RecommenderBundle`` (served by `/recommend` and
/// `/similar`); the `lepton.format` marker of its header decides (``BundleKind``), and the index reports each
/// model's `kind`. All versions of one model must be of one kind.
public actor ModelRepository {
    /// The server settings.
    public nonisolated let configuration: ServerConfiguration
    private let logger: Logger
    private var models: [String: ServedModel] = [:]
    private var recommenders: [String: ServedRecommender] = [:]
    private var states: [String: ModelState] = [:]
    private var reasons: [String: String] = [:]

    /// Creates a repository over `configuration.modelRepository` (nothing loaded yet).
    /// - Parameters:
    ///   - configuration: the server settings.
    ///   - logger: where to log loads and unloads.
    public init(configuration: ServerConfiguration, logger: Logger = Logger(label: "lepton.serve.repository")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The bundle files of every model on disk, by model name.
    /// - Returns: the files, sorted.
    public nonisolated func modelsOnDisk() -> [String: [URL]] {
        let fileManager = FileManager.default
        let root = configuration.modelRepository
        guard let entries = try? fileManager.contentsOfDirectory(at: root, includingPropertiesForKeys: nil) else {
            return [:]
        }
        var found: [String: [URL]] = [:]
        for entry in entries.sorted(by: { $0.path < $1.path }) {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: entry.path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                let files = (try? fileManager.contentsOfDirectory(at: entry, includingPropertiesForKeys: nil)) ?? []
                let bundles = files.filter { $0.pathExtension == ModelBundle.fileExtension }.sorted {
                    $0.path < $1.path
                }
                if !bundles.isEmpty { found[entry.lastPathComponent, default: []] += bundles }
            } else if entry.pathExtension == ModelBundle.fileExtension {
                found[entry.deletingPathExtension().lastPathComponent, default: []].append(entry)
            }
        }
        return found
    }

    /// Loads every model on disk; failures are logged and reported in the index.
    public func loadAll() async {
        for name in modelsOnDisk().keys.sorted() {
            do {
                try await load(name)
            } catch {
                logger.error("model load failed", metadata: ["model": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// Loads a model, or hot-swaps a loaded one to the newest version on disk.
    /// - Parameter name: the model's name.
    /// - Throws: ``ServeError`` 404 when no bundle of that name exists, 409 while it is being unloaded, 400 when a
    ///   bundle is invalid (the model stays as it was).
    public func load(_ name: String) async throws {
        guard let files = modelsOnDisk()[name] else {
            throw ServeError.notFound("the model repository has no model '\(name)'")
        }
        if states[name] == .unloading { throw ServeError(.conflict, "model '\(name)' is being unloaded") }
        if states[name] == .loading { throw ServeError(.conflict, "model '\(name)' is already being loaded") }
        let previous = states[name]
        states[name] = .loading
        do {
            let kinds = files.map(BundleKind.of)
            let kind: BundleKind = kinds.contains(.recommender) ? .recommender : .predictor
            guard kinds.allSatisfy({ $0 == kind }) else {
                throw ServeError.badRequest("model '\(name)' mixes recommender and predictor bundles")
            }
            if (kind == .recommender && models[name] != nil) || (kind == .predictor && recommenders[name] != nil) {
                throw ServeError(
                    .conflict, "model '\(name)' is loaded as another kind of model; unload it before loading it again")
            }
            let newest =
                kind == .recommender
                ? try await loadRecommender(name, files: files) : try await loadPredictor(name, files: files)
            states[name] = .ready
            reasons[name] = nil
            logger.info(
                "model loaded", metadata: ["model": "\(name)", "version": "\(newest)", "kind": "\(kind.rawValue)"])
        } catch {
            states[name] = previous == .ready ? .ready : .unavailable
            let serveError =
                (error as? ServeError) ?? ServeError.badRequest("cannot load model '\(name)': \(error)")
            reasons[name] = serveError.message
            throw serveError
        }
    }

    /// Registers every predictor bundle of a model and promotes the newest (by creation date, then id).
    private func loadPredictor(_ name: String, files: [URL]) async throws -> String {
        let model = try models[name] ?? ServedModel(name: name, configuration: configuration)
        let loaded = await InferenceExecutor.shared.run { () -> Result<[(Predictor, ModelVersion)], any Error> in
            Result {
                try files.map { file in
                    let bundle = try ModelBundle(contentsOf: file)
                    return (try Predictor(bundle: bundle, warmUpCalls: 0), bundle.modelVersion)
                }
            }
        }
        let versions = try loaded.get()
        for (predictor, version) in versions { try await model.add(predictor, version: version) }
        guard let newest = versions.map(\.1).max(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) else {
            throw ServeError.badRequest("model '\(name)' has no bundle")
        }
        try await model.registry.promote(newest.id, to: model.service.championAlias)
        models[name] = model
        return newest.id
    }

    /// Registers every recommender bundle of a model and promotes the newest (by file modification date, then id;
    /// recommender bundles record no creation date).
    private func loadRecommender(_ name: String, files: [URL]) async throws -> String {
        let model = try recommenders[name] ?? ServedRecommender(name: name, configuration: configuration)
        let loaded = await InferenceExecutor.shared.run {
            () -> Result<[(RecommenderPredictor, ModelVersion)], any Error> in
            Result {
                try files.map { file in
                    let bundle = try RecommenderBundle(contentsOf: file)
                    let modified =
                        (try? file.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate
                    let version = ModelVersion(
                        id: bundle.manifest.version, metadata: ["kind": bundle.manifest.modelKind],
                        createdAt: modified ?? Date(timeIntervalSince1970: 0))
                    return (RecommenderPredictor(bundle: bundle), version)
                }
            }
        }
        let versions = try loaded.get()
        for (predictor, version) in versions { try await model.add(predictor, version: version) }
        guard let newest = versions.map(\.1).max(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) else {
            throw ServeError.badRequest("model '\(name)' has no bundle")
        }
        try await model.registry.promote(newest.id, to: model.service.championAlias)
        recommenders[name] = model
        return newest.id
    }

    /// Unloads a model: readiness goes false, accepted requests finish, then the model is dropped.
    /// - Parameter name: the model's name.
    /// - Throws: ``ServeError`` 404 when it is not loaded.
    public func unload(_ name: String) async throws {
        guard models[name] != nil || recommenders[name] != nil, states[name] == .ready else {
            throw ServeError.notFound("model '\(name)' is not loaded")
        }
        states[name] = .unloading
        await models[name]?.shutdown()
        await recommenders[name]?.shutdown()
        models[name] = nil
        recommenders[name] = nil
        states[name] = nil
        logger.info("model unloaded", metadata: ["model": "\(name)"])
    }

    /// Unloads every model, waiting for their accepted requests.
    public func shutdown() async {
        for name in Set(models.keys).union(recommenders.keys).sorted() { try? await unload(name) }
    }

    /// A loaded model that is serving (ready, or hot-swapping with its old version still serving).
    /// - Parameter name: the model's name.
    /// - Returns: the model.
    /// - Throws: ``ServeError`` 404 when unknown or not loaded, 503 while unloading.
    public func model(_ name: String) throws(ServeError) -> ServedModel {
        guard let model = models[name] else {
            if recommenders[name] != nil {
                throw .badRequest(
                    "model '\(name)' is a recommender: use /v2/models/\(name)/recommend or /v2/models/\(name)/similar")
            }
            if states[name] == .loading { throw .unavailable("model '\(name)' is loading") }
            throw .notFound("unknown model '\(name)' (not loaded)")
        }
        if states[name] == .unloading { throw .unavailable("model '\(name)' is being unloaded") }
        return model
    }

    /// A loaded recommender that is serving.
    /// - Parameter name: the model's name.
    /// - Returns: the recommender.
    /// - Throws: ``ServeError`` 404 when unknown or not loaded, 400 when the model is not a recommender, 503 while
    ///   loading or unloading.
    public func recommender(_ name: String) throws(ServeError) -> ServedRecommender {
        guard let model = recommenders[name] else {
            if models[name] != nil { throw .badRequest("model '\(name)' is not a recommender") }
            if states[name] == .loading { throw .unavailable("model '\(name)' is loading") }
            throw .notFound("unknown recommender '\(name)' (not loaded)")
        }
        if states[name] == .unloading { throw .unavailable("model '\(name)' is being unloaded") }
        return model
    }

    /// Whether `name` is a loaded recommender.
    /// - Parameter name: the model's name.
    /// - Returns: `true` for a recommender.
    public func isRecommender(_ name: String) -> Bool { recommenders[name] != nil }

    /// Whether a model is loaded, not loading or unloading, and its production (or the given) version is ready.
    /// - Parameters:
    ///   - name: the model's name.
    ///   - version: a version, or `nil` for production.
    /// - Returns: readiness.
    public func isReady(_ name: String, version: String? = nil) async -> Bool {
        if let recommender = recommenders[name], states[name] == .ready {
            return await recommender.isReady(version: version)
        }
        guard let model = models[name], states[name] == .ready else { return false }
        return await model.isReady(version: version)
    }

    /// Whether every loaded model is ready and none is loading or unloading (a model whose load failed is not
    /// loaded, so it does not hold the server unready; the index reports it).
    public var allReady: Bool {
        get async {
            for state in states.values where state == .loading || state == .unloading { return false }
            for model in models.values where !(await model.isReady(version: nil)) { return false }
            for model in recommenders.values where !(await model.isReady(version: nil)) { return false }
            return true
        }
    }

    /// The loaded models.
    public var loadedModels: [ServedModel] { models.keys.sorted().compactMap { models[$0] } }

    /// The loaded recommenders.
    public var loadedRecommenders: [ServedRecommender] { recommenders.keys.sorted().compactMap { recommenders[$0] } }

    /// Every model on disk or loaded, with its state.
    /// - Parameter readyOnly: only the ready ones.
    /// - Returns: the index, sorted by name.
    public func index(readyOnly: Bool = false) async -> [RepositoryIndexEntry] {
        let onDisk = modelsOnDisk()
        let names = Set(onDisk.keys).union(models.keys).union(recommenders.keys).union(states.keys)
        var entries: [RepositoryIndexEntry] = []
        for name in names.sorted() {
            let state = states[name] ?? .unavailable
            if readyOnly, state != .ready { continue }
            var version: String?
            var kind: BundleKind?
            var modelKind: String?
            if let model = models[name] {
                version = try? await model.registry.resolve(model.service.championAlias).id
                kind = .predictor
            } else if let model = recommenders[name] {
                version = try? await model.registry.resolve(model.service.championAlias).id
                kind = .recommender
                modelKind = await model.modelKind(version: nil)
            } else if let files = onDisk[name] {
                kind = files.contains { BundleKind.of($0) == .recommender } ? .recommender : .predictor
            }
            entries.append(
                RepositoryIndexEntry(
                    name: name, version: version, state: state, reason: reasons[name], kind: kind, modelKind: modelKind)
            )
        }
        return entries
    }
}
