import LeptonKernels
import LeptonLayers
import LeptonTensor

/// A ``Sequential`` model compiled with int8 Dense and Conv2D products. Immutable and `Sendable`.
///
/// The model is lowered and fused once, exactly as for ``InferenceModel`` (a batch norm after a linear Dense or
/// Conv2D folded into its weights, ReLU and max pooling fused); quantisation is then a parameter map over that
/// program that swaps every float product for an int8 one and keeps every other operation. With a
/// ``QuantizationCalibration`` each product's input has a fixed scale (static quantisation); without one, each row
/// (each image for a convolution) gets its own (dynamic quantisation).
struct QuantizedModel: Sendable {
    let program: InferenceProgram
    let kernel: Int8Kernel
    /// The calibration whose scales the products use, or `nil` for dynamic quantisation.
    let calibration: QuantizationCalibration?

    var inputShape: Shape { program.inputShape }
    var outputShape: Shape { program.outputShape }

    /// Compiles and quantises a model.
    /// - Parameters:
    ///   - model: the trained, built model.
    ///   - kernel: the int8 loops to run.
    ///   - calibration: activation ranges for static quantisation, or `nil`.
    /// - Throws: `InferenceCompilationError` when the model does not compile, ``CalibrationError`` when the
    ///   calibration does not fit it.
    init(_ model: Sequential, kernel: Int8Kernel = .best, calibration: QuantizationCalibration? = nil) throws {
        self.kernel = kernel
        self.calibration = calibration
        let float = try InferenceProgram(model)
        try calibration?.validate(steps: QuantizationCalibration.quantizedSteps(of: float))
        let scales = calibration?.ranges.map(\.scale)
        var index = 0
        program = float.mapped { operation in
            guard let product = operation as? ProductOperation else { return nil }
            defer { index += 1 }
            return Self.quantized(product, inputScale: scales?[index], kernel: kernel)
        }
    }

    /// The int8 version of a float product.
    static func quantized(_ product: ProductOperation, inputScale: Float?, kernel: Int8Kernel)
        -> any InferenceOperation
    {
        let relu = product.activation == .relu
        guard let settings = product.convolution else {
            return Int8DenseOperation(
                weights: PackedInt8Weights(weights: product.weight, bias: product.bias), relu: relu,
                inputScale: inputScale, kernel: kernel)
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
                inputScale: inputScale, kernel: kernel),
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

/// A dense product with int8 weights: rows of the input quantised one by one (each with its own scale, or with the
/// calibrated one), then one int8 product.
struct Int8DenseOperation: InferenceOperation {
    let weights: PackedInt8Weights
    let relu: Bool
    /// The calibrated scale of the input, or `nil` for one scale per row.
    let inputScale: Float?
    let kernel: Int8Kernel

    /// Runs the product on `[…, depth]`.
    func apply(_ input: Tensor) -> Tensor {
        let rows = input.elementCount / weights.depth
        var shape = input.shape.dimensions
        shape[shape.count - 1] = weights.columns
        return Tensor(shape: Shape(shape)) { output in
            input.withUnsafeBufferPointer { source in
                guard rows > 0 else { return }
                QuantizedGEMM.quantizeAndMultiply(
                    source.baseAddress!, rows: rows, sourceStride: weights.depth, weights: weights,
                    fixedScale: inputScale, into: output, ldc: weights.columns, relu: relu, kernel: kernel)
            }
        }
    }

    /// `int8 dense 64→10 + relu`, with `(calibrated)` for a fixed input scale.
    var summary: String {
        "int8 dense \(weights.depth)→\(weights.columns)" + (relu ? " + relu" : "")
            + (inputScale == nil ? "" : " (calibrated)")
    }
}

/// A convolution with int8 weights (see ``QuantizedConvolution``).
struct Int8ConvolutionOperation: InferenceOperation {
    let convolution: QuantizedConvolution
    let kernel: Int8Kernel

    /// Runs the convolution.
    func apply(_ input: Tensor) -> Tensor { convolution(input, kernel: kernel) }

    /// `int8 conv2d 3x3x8 + relu + maxpool 2x2 (direct)`: `direct` for the direct loop, `per image` for im2col.
    var summary: String {
        let g = convolution.geometry
        let path = convolution.direct == nil ? "per image" : "direct"
        let pool = convolution.maxPool.map { " + maxpool \($0.windowHeight)x\($0.windowWidth)" } ?? ""
        return "int8 conv2d \(g.kernelHeight)x\(g.kernelWidth)x\(g.outChannels)" + (convolution.relu ? " + relu" : "")
            + pool + " (\(path)" + (convolution.inputScale == nil ? ")" : ", calibrated)")
    }
}
