import Foundation
import LeptonLayers
import LeptonTensor
import Testing

/// A layer written the way a new built-in layer is added: this one type (its configuration, shape inference,
/// architecture check, summary line, output meaning and inference lowering) plus one registration — nothing in the
/// registry, the bundle screen, the compilers or the output interpreter names it.
final class ScaleLayer: Layer, InferenceLowerable {
    struct Configuration: Codable, Sendable, Hashable {
        var factor: Float
    }

    static let typeName = "TestScale"
    let configuration: Configuration

    init(configuration: Configuration) { self.configuration = configuration }

    func outputShape(for inputShape: Shape) -> Shape { inputShape }

    func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor { input * configuration.factor }

    static func checkArchitecture(_ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits)
        throws(ArchitectureError) -> ArchitectureStep
    {
        guard configuration.factor.isFinite, configuration.factor != 0 else {
            throw ArchitectureError("factor \(configuration.factor) must be finite and non-zero")
        }
        return ArchitectureStep(outputShape: inputShape)
    }

    var summaryLine: String { "TestScale(\(configuration.factor))" }

    var outputActivation: OutputActivation { .transparent }

    func lower(inputShape: Shape, into operations: inout [any InferenceOperation]) throws(InferenceCompilationError) {
        let factor = configuration.factor
        operations.append(FunctionOperation("scale by \(factor)") { $0 * factor })
    }
}

@Suite("Layers describe themselves")
struct LayerDescriptionTests {
    @Test("a layer added in one file plus one registration saves, checks, compiles and describes itself")
    func aNewLayerNeedsOneFileAndOneRegistration() throws {
        LayerRegistry.register(ScaleLayer.self)
        let model = Sequential(inputShape: [3], seed: 4) {
            Dense(units: 2)
            ScaleLayer(configuration: .init(factor: 2))
        }
        let rebuilt = try Sequential.fromArchitectureJSON(try model.architectureJSON())
        #expect(rebuilt.layers.map(\.summaryLine) == ["Dense(2, linear)", "TestScale(2.0)"])
        let limits = ArchitectureLimits(maximumParameterElements: 100)
        let step = try LayerRegistry.checkArchitecture(
            typeName: "TestScale", configuration: Data(#"{"factor": 2}"#.utf8), inputShape: [2], limits: limits)
        #expect(step == ArchitectureStep(outputShape: [2]))
        #expect(throws: ArchitectureError("factor 0.0 must be finite and non-zero")) {
            try LayerRegistry.checkArchitecture(
                typeName: "TestScale", configuration: Data(#"{"factor": 0}"#.utf8), inputShape: [2], limits: limits)
        }
        let engine = try InferenceModel(model)
        #expect(engine.stepSummaries == ["dense 3→2", "scale by 2.0"])
        let input = Tensor([1, 2, 3, -1, 0, 4], shape: [2, 3])
        #expect(maxDifference(engine(input), model(input)) < 1e-6)
    }

    @Test("summary lines and output activations of the built-in layers")
    func builtInDescriptions() {
        let layers: [any Layer] = [
            Dense(units: 64, activation: .relu), Conv2D(filters: 32, kernelSize: 3, strides: 2, padding: .same),
            MaxPool2D(poolSize: 2), AvgPool2D(poolSize: 3), Dropout(rate: 0.25), ActivationLayer(.softmax),
            Flatten(), GlobalAvgPool2D(), BatchNorm(), LayerNorm(),
        ]
        #expect(
            layers.map(\.summaryLine) == [
                "Dense(64, relu)", "Conv2D(32, 3x3, stride 2, same, linear)", "MaxPool2D(2x2)", "AvgPool2D(3x3)",
                "Dropout(0.25)", "Activation(softmax)", "Flatten", "GlobalAvgPool2D", "BatchNorm", "LayerNorm",
            ])
        #expect(
            layers.map(\.outputActivation) == [
                .activation(.relu), .activation(.linear), .opaque, .opaque, .transparent, .activation(.softmax),
                .transparent, .opaque, .opaque, .opaque,
            ])
    }

    @Test("each built-in layer checks its stored settings with overflow-safe sizes")
    func builtInChecks() throws {
        let limits = ArchitectureLimits(maximumParameterElements: 1_000)
        func check(_ type: String, _ json: String, _ input: [Int]) throws -> ArchitectureStep {
            try LayerRegistry.checkArchitecture(
                typeName: type, configuration: Data(json.utf8), inputShape: input, limits: limits)
        }
        let dense = #"{"units": 4, "activation": {"linear": {}}, "useBias": true}"#
        // 9·4 weights + 4 biases.
        #expect(try check("Dense", dense, [2, 9]) == ArchitectureStep(outputShape: [2, 4], parameterCount: 40))
        // Before, the screen computed `inputSize + 1` first and trapped on this input.
        #expect(throws: ArchitectureError.self) { try check("Dense", dense, [Int.max]) }
        let conv = #"""
            {"filters": 2, "kernelSize": [3, 3], "strides": [1, 1], "padding": {"valid": {}}, "dilation": [2, 2],
             "useBias": false, "activation": {"relu": {}}}
            """#
        // Dilation 2 spans 5 pixels: 7 − 5 + 1 = 3 outputs per axis; 3·3·1·2 weights.
        #expect(try check("Conv2D", conv, [7, 7, 1]) == ArchitectureStep(outputShape: [3, 3, 2], parameterCount: 18))
        let hugeDilation = conv.replacingOccurrences(of: #""dilation": [2, 2]"#, with: #""dilation": [1, \#(Int.max)]"#)
        #expect(throws: ArchitectureError("dilation must be at most 1048576, got \(Int.max)")) {
            try check("Conv2D", hugeDilation, [7, 7, 1])
        }
        #expect(throws: ArchitectureError.self) { try check("Dropout", #"{"rate": 1}"#, [3]) }
        #expect(throws: ArchitectureError.self) {
            try check("BatchNorm", #"{"momentum": 0.9, "epsilon": -1}"#, [3])
        }
        #expect(try check("Flatten", "{}", [4, 5, 6]) == ArchitectureStep(outputShape: [120]))
        #expect(try check("Unregistered", "{}", [3]) == .trusted)
    }
}
