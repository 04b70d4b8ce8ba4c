import Foundation
import LeptonData
import LeptonLayers
import LeptonTensor
import Testing

@testable import LeptonDeploy

/// A small untrained text bundle (words with trigrams, PaddingMask, Embedding, Transformer layer, masked mean,
/// Dense) whose manifest the tests edit, re-sealed with a fresh checksum so every edit reaches the parsers.
private struct TextBundleParts {
    var manifest: JSONValue
    var tensors: [(name: String, shape: [Int], floats: [Float])]

    static func original() throws -> Data {
        let tokenizer = try WordTokenizer(
            fitting: ["where is my order", "refund please", "reset my password"], subwordTrigrams: true)
        let model = Sequential(inputShape: [8], seed: 2) {
            PaddingMask()
            Embedding(vocabularySize: tokenizer.vocabularySize, dimension: 4, paddingIndex: 0)
            TransformerEncoderLayer(heads: 2, feedForwardSize: 8, dropout: 0)
            GlobalAveragePooling1D()
            Dense(units: 2)
        }
        let schema = ModelSchema(
            input: .text(TextSchema(tokenizer: .words(tokenizer), maximumLength: 8)),
            output: .classification(labels: ["a", "b"]))
        return try ModelBundle(model: model, schema: schema, name: "text", version: "t1").serialized().data
    }

    init(_ data: Data) throws {
        let file = try SafeTensorsFile(data: data)
        manifest = try JSONValue(parsing: Data(file.metadata[ModelBundle.manifestMetadataKey]!.utf8))
        tensors = try file.entries.map { ($0.name, $0.shape, try file.floats($0.name)) }
    }

    /// Sets the value at a path of object keys (an integer key indexes an array).
    mutating func set(_ path: [String], _ value: JSONValue) {
        manifest = Self.setting(manifest, path[...], value)
    }

    private static func setting(_ node: JSONValue, _ path: ArraySlice<String>, _ value: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        switch node {
        case .object(var object):
            object[key] = setting(object[key] ?? .null, path.dropFirst(), value)
            return .object(object)
        case .array(var array):
            guard let index = Int(key), array.indices.contains(index) else {
                preconditionFailure("no element \(key) to set")
            }
            array[index] = setting(array[index], path.dropFirst(), value)
            return .array(array)
        default:
            preconditionFailure("cannot descend into \(node) at \(key)")
        }
    }

    func value(at path: [String]) -> JSONValue? {
        var node: JSONValue? = manifest
        for key in path {
            switch node {
            case .object(let object): node = object[key]
            case .array(let array): node = Int(key).flatMap { array.indices.contains($0) ? array[$0] : nil }
            default: return nil
            }
        }
        return node
    }

    func serialized() throws -> Data {
        let manifestJSON = try manifest.jsonData()
        var writer = SafeTensorsWriter(metadata: [
            ModelBundle.formatMetadataKey: ModelBundle.formatMarker,
            ModelBundle.manifestMetadataKey: String(decoding: manifestJSON, as: UTF8.self),
        ])
        for tensor in tensors { try writer.add(tensor.name, shape: tensor.shape, floats: tensor.floats) }
        let laidOut = try SafeTensorsFile(data: writer.serialized())
        writer.metadata[ModelBundle.checksumMetadataKey] = try BundleChecksum.digest(
            manifest: manifestJSON, file: laidOut)
        return writer.serialized()
    }
}

private let input = ["schema", "input"]
private let tokenizerPath = input + ["tokenizer"]

/// What a crafted bundle must fail with.
private enum Expected: Sendable {
    case malformed(pathContains: String)
    case schema(reasonContains: String)
    case architecture
}

@Suite struct CraftedTextBundleTests {
    @Test func theUnmodifiedTextBundleLoadsAndAnswers() throws {
        let parts = try TextBundleParts(try TextBundleParts.original())
        let predictor = try Predictor(bundle: try ModelBundle(data: try parts.serialized()))
        #expect(try predictor.predict(text: "where is my refund").probabilities?.count == 2)
    }

    private static var cases: [(String, [String], JSONValue, Expected)] {
        let tokens = tokenizerPath + ["tokens"]
        return [
            (
                "unknown tokenizer kind", tokenizerPath + ["kind"], .string("bytes"),
                .malformed(pathContains: "tokenizer")
            ),
            ("no tokens", tokens, .null, .malformed(pathContains: "tokens")),
            ("tokens not an array", tokens, .integer(3), .malformed(pathContains: "tokens")),
            ("a repeated token", tokens, .array([.string("my"), .string("my")]), .malformed(pathContains: "tokens")),
            ("an empty token", tokens, .array([.string("")]), .malformed(pathContains: "tokens")),
            (
                "an overlong token", tokens, .array([.string(String(repeating: "x", count: 5000))]),
                .malformed(pathContains: "tokens")
            ),
            (
                "n-grams other than words", tokenizerPath + ["tokenizer", "ngrams"],
                .array([.integer(1), .integer(2)]), .malformed(pathContains: "tokenizer")
            ),
            (
                "a reversed n-gram range", tokenizerPath + ["tokenizer", "ngrams"],
                .array([.integer(3), .integer(1)]), .malformed(pathContains: "ngrams")
            ),
            (
                "a zero minimum word length", tokenizerPath + ["tokenizer", "minimumLength"], .integer(0),
                .malformed(pathContains: "tokenizer")
            ),
            (
                "a non-boolean trigram flag", tokenizerPath + ["subwordTrigrams"], .string("yes"),
                .malformed(pathContains: "subwordTrigrams")
            ),
            ("a zero length", input + ["maximumLength"], .integer(0), .malformed(pathContains: "maximumLength")),
            ("a negative length", input + ["maximumLength"], .integer(-1), .malformed(pathContains: "maximumLength")),
            (
                "an Int64.max length", input + ["maximumLength"], .integer(Int64.max),
                .malformed(pathContains: "maximumLength")
            ),
            (
                "a length the model does not take", input + ["maximumLength"], .integer(9),
                .schema(reasonContains: "padded to 9")
            ),
            (
                "more tokens than embedding rows", tokens,
                .array((0..<500).map { .string("token\($0)") }), .schema(reasonContains: "502 ids")
            ),
            (
                "a character entry of two scalars", tokenizerPath,
                .object([
                    "kind": .string("characters"), "characters": .array([.string("ab")]),
                    "unknownHandling": .string("error"),
                ]), .malformed(pathContains: "characters")
            ),
            (
                "repeated characters", tokenizerPath,
                .object([
                    "kind": .string("characters"), "characters": .array([.string("a"), .string("a")]),
                    "unknownHandling": .string("error"),
                ]), .malformed(pathContains: "characters")
            ),
            (
                "an unknown-character mode that does not exist", tokenizerPath,
                .object([
                    "kind": .string("characters"), "characters": .array([.string("a")]),
                    "unknownHandling": .string("guess"),
                ]), .malformed(pathContains: "unknownHandling")
            ),
            (
                "a character tokenizer whose padding id the mask does not use", tokenizerPath,
                .object([
                    "kind": .string("characters"), "characters": .array([.string("a")]),
                    "unknownHandling": .string("error"),
                ]), .schema(reasonContains: "PaddingMask")
            ),
            (
                "a mask of another padding id", ["architecture", "layers", "0", "configuration", "paddingID"],
                .integer(5), .schema(reasonContains: "PaddingMask")
            ),
            (
                "a negative mask padding id", ["architecture", "layers", "0", "configuration", "paddingID"],
                .integer(-1), .architecture
            ),
            (
                "an Int64.max mask padding id", ["architecture", "layers", "0", "configuration", "paddingID"],
                .integer(Int64.max), .architecture
            ),
        ]
    }

    @Test(arguments: 0..<22)
    func aCraftedTokenizerSectionThrowsATypedError(index: Int) throws {
        let (name, path, value, expected) = Self.cases[index]
        var parts = try TextBundleParts(try TextBundleParts.original())
        #expect(parts.value(at: Array(path.dropLast())) != nil, "\(name): the path must exist")
        parts.set(path, value)
        let data = try parts.serialized()
        #expect {
            try ModelBundle(data: data)
        } throws: { error in
            guard let error = error as? BundleError else { return false }
            switch (expected, error) {
            case (.malformed(let fragment), .malformedManifest(_, let path, _)): return path.contains(fragment)
            case (.schema(let fragment), .schemaMismatch(_, let reason)): return reason.contains(fragment)
            case (.architecture, .invalidArchitecture): return true
            default:
                Issue.record("\(name): unexpected \(error)")
                return false
            }
        }
    }

    @Test func theCasesAreAllRun() {
        #expect(Self.cases.count == 22)
    }
}
