import Foundation
import LeptonKernels

/// The built-in and user-registered layer types, by name, so a model can be rebuilt from its saved architecture
/// without user code.
///
/// Built-in layers are registered already; register a custom ``Layer`` once with ``register(_:)`` before
/// loading models that use it.
public enum LayerRegistry {
    /// The built-in layers. Adding a layer: write its file (the class, its `Configuration`, its
    /// ``Layer/checkArchitecture(_:inputShape:limits:)``, ``Layer/summaryLine`` and inference lowering), then add
    /// one line here.
    private static var builtIn: [any Layer.Type] {
        [
            Dense.self,
            Conv2D.self,
            MaxPool2D.self,
            AvgPool2D.self,
            GlobalAvgPool2D.self,
            Flatten.self,
            Dropout.self,
            ActivationLayer.self,
            BatchNorm.self,
            LayerNorm.self,
            Embedding.self,
            LSTM.self,
            GRU.self,
            MultiHeadAttention.self,
            TransformerEncoderLayer.self,
            PositionalEmbedding.self,
            GlobalAveragePooling1D.self,
            TransformerDecoderBlock.self,
            Bidirectional.self,
            PaddingMask.self,
        ]
    }

    /// What the registry keeps per type: how to create a layer from its stored settings, and how to check them.
    private struct Entry {
        let make: (Decoder) throws -> any Layer
        let check: (Data, [Int], ArchitectureLimits) throws -> ArchitectureStep
    }

    /// Entries by type name. `nonisolated(unsafe)` because an entry's closures capture their layer's metatype,
    /// which Swift 6.2+ does not consider `Sendable`; every access goes through `lock`, and the closures are pure
    /// functions of their arguments, so calling one from any thread is safe.
    private nonisolated(unsafe) static var entries: [String: Entry] = Dictionary(
        uniqueKeysWithValues: builtIn.map { ($0.typeName, entry(for: $0)) })
    private static let lock = PthreadMutex(())

    private static func entry<L: Layer>(for type: L.Type) -> Entry {
        Entry(
            make: { decoder in
                let configuration = try L.Configuration(from: decoder)
                try L.checkSettings(configuration)
                return L(configuration: configuration)
            },
            check: { json, inputShape, limits in
                let configuration = try JSONDecoder().decode(L.Configuration.self, from: json)
                return try L.checkArchitecture(configuration, inputShape: inputShape, limits: limits)
            })
    }

    /// Registers a layer type under its ``Layer/typeName``, replacing any earlier registration of that name.
    ///
    /// - Parameter type: The layer type.
    public static func register<L: Layer>(_ type: L.Type) {
        lock.withLock { _ in entries[L.typeName] = entry(for: type) }
    }

    /// The registered type names, sorted.
    public static var typeNames: [String] {
        lock.withLock { _ in entries.keys.sorted() }
    }

    /// Checks a layer's stored settings for a per-sample input shape, before the layer is created (see
    /// ``Layer/checkArchitecture(_:inputShape:limits:)``). An unregistered type is ``ArchitectureStep/trusted``:
    /// creating it fails later with ``ModelFileError/unknownLayerType(_:known:)``.
    ///
    /// - Parameters:
    ///   - typeName: The stored type name.
    ///   - configuration: The stored settings as JSON.
    ///   - inputShape: The per-sample input shape (non-empty).
    ///   - limits: The sizes the architecture may use.
    /// - Returns: The layer's output shape and parameter count.
    /// - Throws: ``ArchitectureError`` for a refused setting, `DecodingError` for settings that do not decode.
    public static func checkArchitecture(
        typeName: String, configuration: Data, inputShape: [Int], limits: ArchitectureLimits
    ) throws -> ArchitectureStep {
        guard let entry = lock.withLock({ _ in entries[typeName] }) else { return .trusted }
        return try entry.check(configuration, inputShape, limits)
    }

    static func make(typeName: String, from decoder: Decoder) throws -> any Layer {
        guard let entry = lock.withLock({ _ in entries[typeName] }) else {
            throw ModelFileError.unknownLayerType(typeName, known: typeNames)
        }
        return try entry.make(decoder)
    }
}

/// A layer as data: its registered type name and its configuration.
struct LayerSpecification: Codable {
    let layer: any Layer

    private enum CodingKeys: String, CodingKey {
        case type
        case configuration
    }

    init(_ layer: any Layer) { self.layer = layer }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        layer = try LayerRegistry.make(typeName: type, from: try container.superDecoder(forKey: .configuration))
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layer.typeName, forKey: .type)
        try Self.encodeConfiguration(of: layer, to: container.superEncoder(forKey: .configuration))
    }

    private static func encodeConfiguration<L: Layer>(of layer: L, to encoder: Encoder) throws {
        try layer.configuration.encode(to: encoder)
    }
}
