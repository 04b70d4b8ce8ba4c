// JSON forms of the schema and reference enums: a "kind" field next to the case's own fields, so that the manifest
// reads naturally (`{"kind": "tensor", "shape": [28, 28, 1], …}`) instead of Swift's synthesized
// `{"tensor": {"_0": …}}`.

private enum KindKey: String, CodingKey {
    case kind
    case fields
}

extension InputSchema {
    /// Reads `{"kind": "tabular", "fields": […]}`, `{"kind": "tensor", "shape": […], …}` or
    /// `{"kind": "text", "maximumLength": …, "tokenizer": {…}}`.
    /// - Parameter decoder: the decoder.
    /// - Throws: `DecodingError` for an unknown kind or a malformed case.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: KindKey.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "tabular": self = .tabular(try container.decode([FieldSchema].self, forKey: .fields))
        case "tensor": self = .tensor(try TensorSchema(from: decoder))
        case "text": self = .text(try TextSchema(from: decoder))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "unknown input kind '\(other)' (expected tabular, tensor or text)")
        }
    }

    /// Writes the kind and the case's fields.
    /// - Parameter encoder: the encoder.
    /// - Throws: `EncodingError`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: KindKey.self)
        switch self {
        case .tabular(let fields):
            try container.encode("tabular", forKey: .kind)
            try container.encode(fields, forKey: .fields)
        case .tensor(let tensor):
            try container.encode("tensor", forKey: .kind)
            try tensor.encode(to: encoder)
        case .text(let text):
            try container.encode("text", forKey: .kind)
            try text.encode(to: encoder)
        }
    }
}

extension ColumnReference {
    /// Reads `{"kind": "numeric", …}` or `{"kind": "categorical", …}`.
    /// - Parameter decoder: the decoder.
    /// - Throws: `DecodingError` for an unknown kind or a malformed case.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: KindKey.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "numeric": self = .numeric(try NumericColumnReference(from: decoder))
        case "categorical": self = .categorical(try CategoricalColumnReference(from: decoder))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "unknown column kind '\(other)' (expected numeric or categorical)")
        }
    }

    /// Writes the kind and the case's fields.
    /// - Parameter encoder: the encoder.
    /// - Throws: `EncodingError`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: KindKey.self)
        switch self {
        case .numeric(let reference):
            try container.encode("numeric", forKey: .kind)
            try reference.encode(to: encoder)
        case .categorical(let reference):
            try container.encode("categorical", forKey: .kind)
            try reference.encode(to: encoder)
        }
    }
}

/// A decoding error's location as a JSON path (`manifest.schema.input.fields[2].type`) and its explanation.
package enum DecodingErrorLocation {
    package static func describe(_ error: any Error, root: String) -> (path: String, reason: String) {
        guard let error = error as? DecodingError else { return (root, String(describing: error)) }
        let (codingPath, reason): ([any CodingKey], String) =
            switch error {
            case .typeMismatch(let type, let context):
                (context.codingPath, "expected \(type): \(context.debugDescription)")
            case .valueNotFound(let type, let context):
                (context.codingPath, "expected \(type), found null: \(context.debugDescription)")
            case .keyNotFound(let key, let context):
                (context.codingPath + [key], "required field '\(key.stringValue)' is missing")
            case .dataCorrupted(let context): (context.codingPath, context.debugDescription + underlying(context))
            @unknown default: ([], String(describing: error))
            }
        return (path(codingPath, root: root), reason)
    }

    static func path(_ codingPath: [any CodingKey], root: String) -> String {
        codingPath.reduce(root) { path, key in
            if let index = key.intValue { return path + "[\(index)]" }
            return path + "." + key.stringValue
        }
    }

    private static func underlying(_ context: DecodingError.Context) -> String {
        context.underlyingError.map { " (\($0.localizedDescription))" } ?? ""
    }
}
