import Foundation
import LeptonLayers
import LeptonTensor
import Testing

@testable import LeptonDeploy

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A bundle taken apart: its manifest as a JSON tree and its tensors, reassembled with a fresh checksum so that
/// every change reaches the parsers instead of stopping at the checksum.
private struct BundleParts {
    var manifest: [String: JSONValue]
    var tensors: [(name: String, shape: [Int], floats: [Float])]

    init(_ data: Data) throws {
        let file = try SafeTensorsFile(data: data)
        guard
            case .object(let manifest) = try JSONValue(
                parsing: Data(file.metadata[ModelBundle.manifestMetadataKey]!.utf8))
        else { preconditionFailure("manifest is not an object") }
        self.manifest = manifest
        tensors = try file.entries.map { ($0.name, $0.shape, try file.floats($0.name)) }
    }

    /// The architecture's layers, for targeted edits.
    var layers: [JSONValue] {
        get {
            guard case .object(let architecture) = manifest["architecture"],
                case .array(let layers) = architecture["layers"]
            else { return [] }
            return layers
        }
        set {
            guard case .object(var architecture) = manifest["architecture"] else {
                preconditionFailure("the manifest has no architecture to set layers in")
            }
            architecture["layers"] = .array(newValue)
            manifest["architecture"] = .object(architecture)
        }
    }

    /// Sets `configuration[key]` of layer `index`.
    mutating func setConfiguration(layer index: Int, _ key: String, _ value: JSONValue) {
        var layers = self.layers
        guard case .object(var layer) = layers[index], case .object(var configuration) = layer["configuration"]
        else { preconditionFailure("layer \(index) has no configuration") }
        configuration[key] = value
        layer["configuration"] = .object(configuration)
        layers[index] = .object(layer)
        self.layers = layers
    }

    /// Sets the architecture's input shape.
    mutating func setInputShape(_ shape: [Int64]) {
        guard case .object(var architecture) = manifest["architecture"] else {
            preconditionFailure("the manifest has no architecture to set the input shape in")
        }
        architecture["inputShape"] = .array(shape.map { .integer($0) })
        manifest["architecture"] = .object(architecture)
    }

    /// The bundle bytes with a checksum over the changed content.
    func serialized() throws -> Data {
        let manifestJSON = try JSONValue.object(manifest).jsonData()
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

/// The tiny CNN bundle of the fixtures: Conv2D 3×3×4, BatchNorm, ReLU, MaxPool2D, Flatten, Dense 3 softmax.
private func convolutionBundle() throws -> Data {
    let (model, schema) = BundleFixtures.tensorParts()
    return try ModelBundle(model: model, schema: schema, name: "tiny-cnn", version: "cnn-1").serialized().data
}

/// The most memory the process has held, in bytes.
private func peakResidentBytes() -> Int {
    var usage = rusage()
    #if canImport(Darwin)
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)
    #else
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    #endif
}

@Suite struct CraftedBundleTests {
    /// Loads `data` and, when it loads, warms up a predictor and runs one request in the given precisions: nothing
    /// may trap, every failure must be a typed error.
    private static func exercise(_ data: Data, _ precisions: [Quantization] = [.none, .int8]) -> Bool {
        guard let bundle = try? ModelBundle(data: data) else { return false }
        for quantization in precisions {
            guard let predictor = try? Predictor(bundle: bundle, quantization: quantization, warmUpCalls: 1),
                case .tensor(let input) = predictor.schema.input
            else { continue }
            _ = try? predictor.predict(tensor: Tensor(repeating: 0.5, shape: Shape(input.shape)))
        }
        return true
    }

    @Test func theUnmodifiedBundleLoads() throws {
        #expect(Self.exercise(try convolutionBundle()))
    }

    /// Before the fix, `inputSize + 1` was computed before any overflow check: a Dense input of `Int64.max`
    /// trapped the process.
    @Test func aDenseInputOfInt64MaxIsRefusedNotTrapped() throws {
        var parts = try BundleParts(try convolutionBundle())
        parts.setInputShape([Int64.max])
        parts.layers = [parts.layers[5]]
        #expect {
            try ModelBundle(data: try parts.serialized())
        } throws: { error in
            guard case BundleError.invalidArchitecture(_, let reason) = error else { return false }
            return reason.contains("input shape")
        }
    }

    /// Every size of every layer, set to an absurd value up to `Int64.max`, is refused with a typed error naming
    /// the layer.
    @Test(arguments: [Int64.max, Int64.max / 2, 1 << 40, Int64(1 << 20) + 1, 0, -1, Int64.min])
    func absurdSizesAreRefused(value: Int64) throws {
        let base = try BundleParts(try convolutionBundle())
        var cases: [(String, BundleParts)] = []
        for (layer, key, pair) in [
            (0, "filters", false), (0, "kernelSize", true), (0, "strides", true), (0, "dilation", true),
            (3, "poolSize", true), (3, "strides", true), (5, "units", false),
        ] {
            var parts = base
            parts.setConfiguration(layer: layer, key, pair ? .array([.integer(value), .integer(1)]) : .integer(value))
            cases.append(("\(layer).\(key)", parts))
        }
        if value != 0 {
            var padded = base
            let sides: [String: JSONValue] = [
                "top": .integer(value), "bottom": .integer(0), "left": .integer(0), "right": .integer(0),
            ]
            padded.setConfiguration(layer: 0, "padding", .object(["explicit": .object(sides)]))
            cases.append(("0.padding", padded))
        }
        for index in 0..<3 {
            var parts = base
            var shape: [Int64] = [6, 6, 1]
            shape[index] = value
            parts.setInputShape(shape)
            cases.append(("inputShape[\(index)]", parts))
        }
        for (name, parts) in cases {
            #expect(throws: BundleError.self, "\(name) = \(value)") { try ModelBundle(data: try parts.serialized()) }
        }
    }

    /// Sizes each within the limits, and parameters the file holds, whose activations are not: an 8192×8192 input
    /// through the 4 filters needs 1 GiB for one output and 2.4 GiB of unrolled patches at warm-up; it is refused
    /// before anything is allocated.
    @Test func activationsBeyondTheLimitAreRefused() throws {
        var parts = try BundleParts(try convolutionBundle())
        parts.setInputShape([8192, 8192, 1])
        #expect {
            try ModelBundle(data: try parts.serialized())
        } throws: { error in
            guard case BundleError.invalidArchitecture(_, let reason) = error else { return false }
            return reason.contains("layer 0 (Conv2D)") && reason.contains("exceeds")
        }
    }

    /// A NaN or infinite weight is refused at load (a ReLU could otherwise hide it as a dead unit).
    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteWeightsAreRefused(value: Float) throws {
        var parts = try BundleParts(try convolutionBundle())
        let index = try #require(parts.tensors.firstIndex { $0.name == "0.weight" })
        parts.tensors[index].floats[7] = value
        #expect(throws: BundleError.nonFiniteWeight(file: "<memory>", parameter: "0.weight", index: 7)) {
            try ModelBundle(data: try parts.serialized())
        }
    }

    /// A bundle is not assembled from a model with a non-finite weight either: it could not be loaded again.
    @Test func aModelWithANonFiniteWeightIsNotAssembled() {
        let (model, schema) = BundleFixtures.tensorParts()
        let bias = model.namedParameters().first { $0.path == "5.bias" }!.parameter
        bias.value = Tensor([0, .infinity, 0])
        #expect(throws: BundleError.nonFiniteWeight(file: "<memory>", parameter: "5.bias", index: 1)) {
            try ModelBundle(model: model, schema: schema, name: "tiny-cnn", version: "cnn-1")
        }
    }

    /// Architectures that contradict their weights: more units than the stored bias and weight hold, or a stored
    /// input size that does not match the input.
    @Test func architecturesInconsistentWithTheirWeightsAreRefused() throws {
        let base = try BundleParts(try convolutionBundle())
        var wider = base
        wider.setConfiguration(layer: 5, "units", .integer(4))
        #expect(throws: BundleError.self) { try ModelBundle(data: try wider.serialized()) }
        var wrongInput = base
        wrongInput.setConfiguration(layer: 5, "inputSize", .integer(17))
        #expect {
            try ModelBundle(data: try wrongInput.serialized())
        } throws: { error in
            guard case BundleError.invalidArchitecture(_, let reason) = error else { return false }
            return reason.contains("inputSize 17 does not match the input's last axis 16")
        }
        var reshaped = base
        let index = try #require(reshaped.tensors.firstIndex { $0.name == "5.weight" })
        reshaped.tensors[index].shape = [3, 16]
        #expect(throws: BundleError.self) { try ModelBundle(data: try reshaped.serialized()) }
    }

    /// The fuzz test of issue 10: 10,000 bundles with manifest fields, tensor shapes and weight bytes mutated and
    /// the checksum recomputed. Each either loads (and then warms up and predicts in one precision, chosen at random)
    /// or fails with a typed error; the process never traps, and memory stays bounded. The work runs on a thread of
    /// its own so that it does not starve the cooperative pool other suites' timers run on.
    @Test func tenThousandMutatedBundlesFailWithTypedErrorsOnly() async throws {
        let base = try BundleParts(try convolutionBundle())
        let (loaded, growth) = await withCheckedContinuation { continuation in
            Thread {
                var random = TestRandom(seed: 2026)
                let startPeak = peakResidentBytes()
                var loaded = 0
                for _ in 0..<10_000 {
                    var parts = base
                    for _ in 0...Int(random.next() % 3) { mutate(&parts, &random) }
                    guard let data = try? parts.serialized() else { continue }
                    if Self.exercise(data, [random.next() % 2 == 0 ? .none : .int8]) { loaded += 1 }
                }
                continuation.resume(returning: (loaded, peakResidentBytes() - startPeak))
            }.start()
        }
        // Some mutations are harmless (a changed name or metric), so some bundles load; most must not.
        #expect(loaded > 0 && loaded < 10_000)
        #expect(growth < 1 << 30, "peak memory grew by \(growth) bytes")
    }
}

/// Values a mutation writes into a JSON field.
private let interestingIntegers: [Int64] = [
    0, 1, 2, 3, -1, 7, 255, 1 << 20, (1 << 20) + 1, 1 << 31, 1 << 40, Int64.max, Int64.min, Int64.max - 1,
]

private func randomValue(_ random: inout TestRandom) -> JSONValue {
    switch random.next() % 9 {
    case 0, 1, 2: return .integer(interestingIntegers[Int(random.next() % UInt64(interestingIntegers.count))])
    case 3: return .number([0.5, -0.5, 1e308, -1e308, 1.5, 2][Int(random.next() % 6)])
    case 4: return .string(["", "relu", "Dense", "valid", "same", "x"][Int(random.next() % 6)])
    case 5: return .bool(random.next() % 2 == 0)
    case 6: return .null
    case 7: return .array([.integer(Int64(random.next() % 5)), .integer(Int64.max)])
    default: return .object([:])
    }
}

/// Applies one random change to a JSON tree: replace a value, delete a key, duplicate or drop an array element.
private func mutate(_ value: inout JSONValue, _ random: inout TestRandom, depth: Int = 0) {
    let descend = random.next() % 4 != 0 || depth == 0
    switch value {
    case .object(var object) where !object.isEmpty:
        let keys = object.keys.sorted()
        let key = keys[Int(random.next() % UInt64(keys.count))]
        if descend {
            mutate(&object[key]!, &random, depth: depth + 1)
        } else if random.next() % 2 == 0 {
            object[key] = nil
        } else {
            object[key] = randomValue(&random)
        }
        value = .object(object)
    case .array(var array) where !array.isEmpty:
        let index = Int(random.next() % UInt64(array.count))
        switch random.next() % 6 {
        case 0: array.remove(at: index)
        case 1: array.insert(array[index], at: index)
        case 2: array[index] = randomValue(&random)
        default: mutate(&array[index], &random, depth: depth + 1)
        }
        value = .array(array)
    default:
        value = randomValue(&random)
    }
}

/// Mutates the architecture (most often), another manifest field, a tensor's shape, or a weight's bits.
private func mutate(_ parts: inout BundleParts, _ random: inout TestRandom) {
    switch random.next() % 8 {
    case 0, 1, 2:
        var architecture = parts.manifest["architecture"] ?? .null
        mutate(&architecture, &random, depth: 1)
        parts.manifest["architecture"] = architecture
    case 3:
        var manifest = JSONValue.object(parts.manifest)
        mutate(&manifest, &random)
        if case .object(let object) = manifest { parts.manifest = object }
    case 4:
        let index = Int(random.next() % UInt64(parts.tensors.count))
        switch random.next() % 3 {
        case 0: parts.tensors[index].shape.reverse()
        case 1: parts.tensors[index].shape = [parts.tensors[index].floats.count]
        default: parts.tensors.remove(at: index)
        }
    default:
        let filled = parts.tensors.indices.filter { !parts.tensors[$0].floats.isEmpty }
        guard !filled.isEmpty else { preconditionFailure("bit-flip mutation: the fixture bundle has no values") }
        let index = filled[Int(random.next() % UInt64(filled.count))]
        let element = Int(random.next() % UInt64(parts.tensors[index].floats.count))
        let bits = parts.tensors[index].floats[element].bitPattern ^ (1 << UInt32(random.next() % 32))
        parts.tensors[index].floats[element] = Float(bitPattern: bits)
    }
}
