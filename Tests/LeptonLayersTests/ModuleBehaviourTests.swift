import Foundation
import LeptonLayers
import LeptonTensor
import Testing

/// Issue 18: batch norm edge cases, dropout streams, parameter discovery and the PyTorch importer's layouts.
@Suite("module behaviour: batch norm, contexts, parameter discovery, PyTorch import")
struct ModuleBehaviourTests {
    @Test("BatchNorm reports a training batch with one value per channel and leaves its running statistics alone")
    func batchNormBatchOfOne() {
        let layer = BatchNorm()
        let context = ForwardContext(isTraining: true)
        _ = layer(Tensor([1, 2, 3], shape: [1, 3]), context: context)
        // PyTorch: "Expected more than 1 value per channel when training".
        #expect(context.problems.count == 1)
        #expect(context.problems.first as? LayerDataError == .batchNormNeedsMoreThanOneValue(inputShape: [1, 3]))
        #expect(layer.runningMean?.value.scalars == [0, 0, 0] && layer.runningVariance?.value.scalars == [1, 1, 1])
        // One image of 2×2 pixels has 4 values per channel: allowed, as in PyTorch.
        let image = ForwardContext(isTraining: true)
        _ = layer(Tensor((0..<12).map(Float.init), shape: [1, 2, 2, 3]), context: image)
        #expect(image.problems.isEmpty)
    }

    @Test("a frozen BatchNorm normalises with its running statistics in training, as Keras' trainable = False")
    func frozenBatchNorm() {
        let layer = BatchNorm(epsilon: 1e-3)
        let x = Tensor([1, 2, 3, 5, 7, 11], shape: [3, 2])
        _ = layer(x, context: ForwardContext(isTraining: true))
        let mean = layer.runningMean!.value.scalars
        let variance = layer.runningVariance!.value.scalars
        layer.freeze()
        let training = layer(x, context: ForwardContext(isTraining: true))
        #expect(training.scalars == layer(x).scalars)
        #expect(layer.runningMean!.value.scalars == mean && layer.runningVariance!.value.scalars == variance)
    }

    @Test("building for an input shape a layer cannot take throws, naming the layer")
    func validatedBuild() throws {
        #expect(
            throws: ModelInputError.layerRejectsShape(
                layer: 0, type: "Conv2D", inputShape: [28, 28],
                reason: "needs [height, width, channels] (NHWC images with a channel axis)")
        ) {
            try Sequential(validating: [28, 28]) {
                Conv2D(filters: 4, kernelSize: 3)
                Flatten()
            }
        }
        let model = try Sequential(validating: [28, 28, 1]) {
            Conv2D(filters: 4, kernelSize: 3)
            Flatten()
        }
        #expect(model.outputShape == [26 * 26 * 4])
    }

    @Test("contexts made without a generator draw different dropout masks")
    func dropoutStreams() {
        let dropout = Dropout(rate: 0.5)
        let ones = Tensor.ones([1, 1000])
        let first = dropout(ones, context: ForwardContext(isTraining: true)).scalars
        let second = dropout(ones, context: ForwardContext(isTraining: true)).scalars
        #expect(first != second)
    }

    /// A custom module keeping parameters in a dictionary, a tuple and a struct.
    final class Holder: Module {
        struct Block {
            var gate: Parameter
            var projection: Dense
        }
        let heads: [String: Dense] = [
            "value": Dense(units: 2, inputSize: 3), "query": Dense(units: 2, useBias: false, inputSize: 3),
        ]
        let pair = (Parameter(Tensor.ones([2])), Parameter(Tensor.zeros([3])))
        let named = (left: Parameter(Tensor.ones([1])), right: Parameter(Tensor.ones([1])))
        let block = Block(gate: Parameter(Tensor.ones([4])), projection: Dense(units: 1, inputSize: 4))

        func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor { input }
    }

    @Test("parameters held in dictionaries, tuples and structs are found, with stable paths")
    func reflection() {
        let paths = Holder().namedParameters().map(\.path)
        #expect(
            paths == [
                "heads.query.weight", "heads.value.weight", "heads.value.bias", "pair.0", "pair.1", "named.left",
                "named.right", "block.gate", "block.projection.weight", "block.projection.bias",
            ])
        // 6 + 6 + 2 + 2 + 3 + 1 + 1 + 4 + 4 + 1
        #expect(Holder().parameterCounts.trainable == 30)
    }

    @Test("parameters held by a class that is not a Module are rejected with a message, not silently ignored")
    func hiddenParameters() async {
        await #expect(processExitsWith: .failure) {
            final class Store {
                let weight = Parameter(Tensor.ones([2]))
            }
            final class Hiding: Module {
                let store = Store()
                func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor { input }
            }
            _ = Hiding().namedParameters()
        }
    }

    @Test("PyTorch import reorders a Linear after Flatten → Dropout from NCHW order, and warns about settings")
    func pyTorchFlattenThroughDropout() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lepton-\(UUID().uuidString).st")
        defer { try? FileManager.default.removeItem(at: url) }
        var writer = SafeTensorsWriter()
        try writer.add("fc.weight", Tensor((0..<24).map { Float($0) / 24 - 0.5 }, shape: [2, 12]))
        try writer.add("fc.bias", Tensor([0.1, -0.2]))
        try writer.write(to: url)
        let model = Sequential(inputShape: [2, 2, 3]) {
            Flatten()
            Dropout(rate: 0.5)
            Dense(units: 2)
        }
        let warnings = try model.loadPyTorchWeights(from: url, prefixes: [2: "fc"])
        #expect(warnings.isEmpty)
        let x = Tensor((0..<12).map { Float($0) / 10 }, shape: [1, 2, 2, 3])
        // NumPy: x.transpose(0,3,1,2).reshape(1,-1) @ W.T + b with x = arange(12)/10 (NHWC [1,2,2,3]),
        // W = arange(24).reshape(2,12)/24 - 0.5, b = [0.1, -0.2] → [[-1.3666667, 1.6333333]]
        // (the unconverted order would give [[-1.0916667, 1.9083331]]).
        let y = model(x).scalars
        #expect(Swift.abs(y[0] - -1.3666667) < 1e-5 && Swift.abs(y[1] - 1.6333333) < 1e-5)
        // Settings a state dict cannot carry are reported.
        let other = Sequential(inputShape: [4, 4, 1]) {
            Conv2D(filters: 1, kernelSize: 3, strides: 2, padding: .same)
            BatchNorm()
        }
        #expect(other.pyTorchImportWarnings().count == 2)
    }
}
