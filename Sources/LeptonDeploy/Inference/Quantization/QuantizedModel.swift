import LeptonKernels
import LeptonLayers
import LeptonTensor

/// A ``Sequential`` model compiled with int8 Dense and Conv2D layers (dynamic quantisation); every other run of
/// layers is compiled by ``InferenceModel`` as usual. Immutable and `Sendable`.
///
/// As in ``InferenceModel``, a batch norm right after a Dense or Conv2D layer (with a linear activation) is folded into
/// its weights before they are quantised, and a ReLU is fused into the product's epilogue.
struct QuantizedModel: Sendable {
    enum Step: Sendable {
        case dense(PackedInt8Weights, relu: Bool, after: Activation?)
        case convolution(QuantizedConvolution, after: Activation?)
        case float(InferenceModel)
    }

    let inputShape: Shape
    let outputShape: Shape
    let steps: [Step]
    let kernel: Int8Kernel

    init(_ model: Sequential, kernel: Int8Kernel = .best) throws {
        guard let inputShape = model.inputShape, let outputShape = model.outputShape else {
            throw InferenceCompilationError.notBuilt
        }
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.kernel = kernel
        let layers = model.layers
        let shapes = [inputShape] + model.outputShapes
        var steps: [Step] = []
        var pending: [any Layer] = []
        var pendingInput = inputShape
        var index = 0
        func flush() throws {
            guard !pending.isEmpty else { return }
            steps.append(.float(try InferenceModel(Sequential(inputShape: pendingInput, layers: pending))))
            pending = []
        }
        while index < layers.count {
            let layer = layers[index]
            let input = shapes[index]
            index += 1
            switch layer {
            case let dense as Dense:
                try flush()
                guard let weight = dense.weight?.value else { throw InferenceCompilationError.notBuilt }
                var (matrix, bias) = (weight, dense.bias?.value)
                if dense.configuration.activation == .linear, let norm = layers.element(at: index) as? BatchNorm {
                    (matrix, bias) = try Self.fold(norm, into: matrix, bias: bias)
                    index += 1
                }
                let (relu, after) = Self.fusedActivation(dense.configuration.activation, layers, &index)
                steps.append(.dense(PackedInt8Weights(weights: matrix, bias: bias), relu: relu, after: after))
            case let convolution as Conv2D:
                try flush()
                guard let weight = convolution.weight?.value else { throw InferenceCompilationError.notBuilt }
                var (filter, bias) = (weight, convolution.bias?.value)
                let settings = convolution.configuration
                if settings.activation == .linear, let norm = layers.element(at: index) as? BatchNorm {
                    (filter, bias) = try Self.fold(norm, into: filter, bias: bias)
                    index += 1
                }
                let (relu, after) = Self.fusedActivation(settings.activation, layers, &index)
                let geometry = Conv2DGeometry(
                    batch: 1, height: input[0], width: input[1], inChannels: input[2], outChannels: settings.filters,
                    kernelHeight: settings.kernelSize[0], kernelWidth: settings.kernelSize[1],
                    strideHeight: settings.strides[0], strideWidth: settings.strides[1],
                    dilationHeight: settings.dilation[0], dilationWidth: settings.dilation[1],
                    padding: Self.padding(settings.padding))
                var maxPool: Pool2DGeometry?
                if after == nil, let pool = layers.element(at: index) as? MaxPool2D,
                    pool.configuration.padding == .valid
                {
                    let window = pool.configuration
                    maxPool = Pool2DGeometry(
                        batch: 1, height: geometry.outHeight, width: geometry.outWidth, channels: settings.filters,
                        windowHeight: window.poolSize[0], windowWidth: window.poolSize[1],
                        strideHeight: window.strides[0], strideWidth: window.strides[1])
                    index += 1
                }
                let quantized = QuantizedConvolution(
                    filter: filter, bias: bias, geometry: geometry, relu: relu, maxPool: maxPool)
                steps.append(.convolution(quantized, after: after))
            default:
                if pending.isEmpty { pendingInput = input }
                pending.append(layer)
            }
        }
        try flush()
        self.steps = steps
    }

    /// Runs the model on `[batch] + inputShape`.
    func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            Array(input.shape.dimensions.dropFirst()) == inputShape.dimensions,
            "QuantizedModel: input shape \(input.shape) does not match [batch] + \(inputShape)")
        return withoutGradients {
            steps.reduce(input) { value, step in
                switch step {
                case .dense(let weights, let relu, let after):
                    let product = Self.dense(value, weights, relu: relu, kernel: kernel)
                    return after.map { $0.apply(product) } ?? product
                case .convolution(let convolution, let after):
                    let product = convolution(value, kernel: kernel)
                    return after.map { $0.apply(product) } ?? product
                case .float(let model):
                    return model(value)
                }
            }
        }
    }

    /// One line per step, as ``InferenceModel/stepSummaries``.
    var stepSummaries: [String] {
        steps.flatMap { step -> [String] in
            switch step {
            case .dense(let weights, let relu, let after):
                return ["int8 dense \(weights.depth)→\(weights.columns)" + (relu ? " + relu" : "")]
                    + (after.map { ["\($0)"] } ?? [])
            case .convolution(let convolution, let after):
                let g = convolution.geometry
                let pool = convolution.maxPool.map { " + maxpool \($0.windowHeight)x\($0.windowWidth) (per image)" }
                return [
                    "int8 conv2d \(g.kernelHeight)x\(g.kernelWidth)x\(g.outChannels)"
                        + (convolution.relu ? " + relu" : "") + (pool ?? "")
                ] + (after.map { ["\($0)"] } ?? [])
            case .float(let model):
                return model.stepSummaries
            }
        }
    }

    /// A dense layer on `[…, depth]`: rows quantised one by one, then one int8 product.
    private static func dense(_ input: Tensor, _ weights: PackedInt8Weights, relu: Bool, kernel: Int8Kernel) -> Tensor {
        let rows = input.elementCount / weights.depth
        var shape = input.shape.dimensions
        shape[shape.count - 1] = weights.columns
        let quantized = UnsafeMutablePointer<Int8>.allocate(capacity: max(rows * weights.paddedDepth, 1))
        let scales = UnsafeMutablePointer<Float>.allocate(capacity: max(rows, 1))
        defer {
            quantized.deallocate()
            scales.deallocate()
        }
        return Tensor(shape: Shape(shape)) { output in
            input.withUnsafeBufferPointer { source in
                guard rows > 0 else { return }
                QuantizedGEMM.quantizeRows(
                    source.baseAddress!, rows: rows, columns: weights.depth, sourceStride: weights.depth,
                    into: quantized, destinationStride: weights.paddedDepth, scales: scales, kernel: kernel)
                QuantizedGEMM.multiply(
                    quantized, rows: rows, lda: weights.paddedDepth, rowScales: scales, weights: weights,
                    into: output, ldc: weights.columns, relu: relu, kernel: kernel)
            }
        }
    }

    /// ReLU is fused (also a ReLU activation layer right after); any other activation runs after the product.
    private static func fusedActivation(_ activation: Activation, _ layers: [any Layer], _ index: inout Int)
        -> (relu: Bool, after: Activation?)
    {
        switch activation {
        case .relu: return (true, nil)
        case .linear:
            if let next = layers.element(at: index) as? ActivationLayer, next.configuration.activation == .relu {
                index += 1
                return (true, nil)
            }
            return (false, nil)
        default: return (false, activation)
        }
    }

    /// Folds a batch norm over the output channels (the last axis) into a weight and bias.
    private static func fold(_ norm: BatchNorm, into weight: Tensor, bias: Tensor?) throws -> (Tensor, Tensor) {
        guard let gamma = norm.scale?.value, let beta = norm.offset?.value, let mean = norm.runningMean?.value,
            let variance = norm.runningVariance?.value
        else { throw InferenceCompilationError.notBuilt }
        let scale = gamma * (variance + norm.configuration.epsilon).rsqrt()
        let shift = beta - mean * scale
        return (weight * scale, (bias ?? Tensor.zeros(scale.shape)) * scale + shift)
    }

    private static func padding(_ mode: PaddingMode) -> Conv2DGeometry.Padding {
        switch mode {
        case .valid: return .valid
        case .same: return .same
        case .explicit(let top, let bottom, let left, let right):
            return .explicit(top: top, bottom: bottom, left: left, right: right)
        }
    }
}

extension Array {
    fileprivate func element(at index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
