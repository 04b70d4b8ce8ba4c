import LeptonKernels
import LeptonLayers
import LeptonTensor

/// A ``Sequential`` model compiled with int8 Dense and Conv2D products (dynamic quantisation). Immutable and
/// `Sendable`.
///
/// The model is lowered and fused once, exactly as for ``InferenceModel`` (a batch norm after a linear Dense or
/// Conv2D folded into its weights, ReLU and max pooling fused); quantisation is then a parameter map over that
/// program that swaps every float product for an int8 one and keeps every other operation.
struct QuantizedModel: Sendable {
    let program: InferenceProgram
    let kernel: Int8Kernel

    var inputShape: Shape { program.inputShape }
    var outputShape: Shape { program.outputShape }

    init(_ model: Sequential, kernel: Int8Kernel = .best) throws {
        self.kernel = kernel
        program = try InferenceProgram(model).mapped { operation in
            guard let product = operation as? ProductOperation else { return nil }
            return Self.quantized(product, kernel: kernel)
        }
    }

    /// The int8 version of a float product.
    static func quantized(_ product: ProductOperation, kernel: Int8Kernel) -> any InferenceOperation {
        let relu = product.activation == .relu
        guard let settings = product.convolution else {
            return Int8DenseOperation(
                weights: PackedInt8Weights(weights: product.weight, bias: product.bias), relu: relu, kernel: kernel)
        }
        let geometry = settings.geometry(batch: 1, filterShape: product.weight.shape)
        let maxPool = settings.maxPool.map { pool in
            Pool2DGeometry(
                batch: 1, height: geometry.outHeight, width: geometry.outWidth, channels: geometry.outChannels,
                windowHeight: pool.window.0, windowWidth: pool.window.1, strideHeight: pool.strides.0,
                strideWidth: pool.strides.1)
        }
        return Int8ConvolutionOperation(
            convolution: QuantizedConvolution(
                filter: product.weight, bias: product.bias, geometry: geometry, relu: relu, maxPool: maxPool,
                inputScale: nil, kernel: kernel),
            kernel: kernel)
    }

    /// Runs the model on `[batch] + inputShape`.
    func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            Array(input.shape.dimensions.dropFirst()) == inputShape.dimensions,
            "QuantizedModel: input shape \(input.shape) does not match [batch] + \(inputShape)")
        return program(input)
    }

    /// One line per step, as ``InferenceModel/stepSummaries``.
    var stepSummaries: [String] { program.summaries }
}

/// A dense product with int8 weights: rows of the input quantised one by one, then one int8 product.
struct Int8DenseOperation: InferenceOperation {
    let weights: PackedInt8Weights
    let relu: Bool
    let kernel: Int8Kernel

    /// Runs the product on `[…, depth]`.
    func apply(_ input: Tensor) -> Tensor {
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

    /// `int8 dense 64→10 + relu`.
    var summary: String { "int8 dense \(weights.depth)→\(weights.columns)" + (relu ? " + relu" : "") }
}

/// A convolution with int8 weights (see ``QuantizedConvolution``).
struct Int8ConvolutionOperation: InferenceOperation {
    let convolution: QuantizedConvolution
    let kernel: Int8Kernel

    /// Runs the convolution.
    func apply(_ input: Tensor) -> Tensor { convolution(input, kernel: kernel) }

    /// `int8 conv2d 3x3x8 + relu + maxpool 2x2 (per image)`.
    var summary: String {
        let g = convolution.geometry
        let pool = convolution.maxPool.map { " + maxpool \($0.windowHeight)x\($0.windowWidth) (per image)" } ?? ""
        return "int8 conv2d \(g.kernelHeight)x\(g.kernelWidth)x\(g.outChannels)" + (convolution.relu ? " + relu" : "")
            + pool
    }
}
