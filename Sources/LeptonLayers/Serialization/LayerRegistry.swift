import Foundation
import Synchronization

/// The built-in and user-registered layer types, by name, so a model can be rebuilt from its saved architecture
/// without user code.
///
/// Built-in layers are registered already; register a custom ``Layer`` once with ``register(_:)`` before
/// loading models that use it.
public enum LayerRegistry {
    private typealias Factory = (Decoder) throws -> any Layer

    /// Factories by type name. `nonisolated(unsafe)` because a factory closure captures its layer's metatype,
    /// which Swift 6.2+ does not consider `Sendable`; every access goes through `lock`, and a factory is a pure
    /// function of its decoder, so calling one from any thread is safe.
    private nonisolated(unsafe) static var factories: [String: Factory] = [
        Dense.typeName: factory(Dense.self), Conv2D.typeName: factory(Conv2D.self),
        MaxPool2D.typeName: factory(MaxPool2D.self), AvgPool2D.typeName: factory(AvgPool2D.self),
        GlobalAvgPool2D.typeName: factory(GlobalAvgPool2D.self), Flatten.typeName: factory(Flatten.self),
        Dropout.typeName: factory(Dropout.self), ActivationLayer.typeName: factory(ActivationLayer.self),
        BatchNorm.typeName: factory(BatchNorm.self), LayerNorm.typeName: factory(LayerNorm.self),
    ]
    private static let lock = Mutex(())

    private static func factory<L: Layer>(_ type: L.Type) -> Factory {
        { decoder in L(configuration: try L.Configuration(from: decoder)) }
    }

    /// Registers a layer type under its ``Layer/typeName``, replacing any earlier registration of that name.
    ///
    /// - Parameter type: The layer type.
    public static func register<L: Layer>(_ type: L.Type) {
        lock.withLock { _ in factories[L.typeName] = factory(type) }
    }

    /// The registered type names, sorted.
    public static var typeNames: [String] {
        lock.withLock { _ in factories.keys.sorted() }
    }

    static func make(typeName: String, from decoder: Decoder) throws -> any Layer {
        guard let factory = lock.withLock({ _ in factories[typeName] }) else {
            throw ModelFileError.unknownLayerType(typeName, known: typeNames)
        }
        return try factory(decoder)
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
