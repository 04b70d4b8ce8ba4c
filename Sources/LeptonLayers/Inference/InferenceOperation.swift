import LeptonKernels
import LeptonTensor

/// One operation of a lowered inference program (see ``InferenceProgram``): immutable, `Sendable`, applied to a
/// whole batch.
package protocol InferenceOperation: Sendable {
    /// Runs the operation on a batch.
    ///
    /// - Parameter input: `[batch] + per-sample shape`.
    /// - Returns: The result for the batch.
    func apply(_ input: Tensor) -> Tensor

    /// A one-line account of the operation, for ``InferenceModel/stepSummaries``.
    var summary: String { get }
}

/// A layer that lowers itself to inference operations. Every built-in layer conforms, in its own file.
package protocol InferenceLowerable {
    /// Appends the layer's inference operations, unfused (the program fuses neighbours afterwards).
    ///
    /// - Parameters:
    ///   - inputShape: The per-sample input shape.
    ///   - operations: The program so far.
    /// - Throws: ``InferenceCompilationError/notBuilt`` when the layer has no parameters yet.
    func lower(inputShape: Shape, into operations: inout [any InferenceOperation]) throws(InferenceCompilationError)
}

/// A matrix product with its bias and a fused activation: a dense layer (weight `[inputSize, units]`) or a
/// convolution (HWIO filter), optionally followed by max pooling done image by image while the convolution's output
/// is in cache. Output channels are on the weight's last axis, so a per-channel affine map folds into it.
package struct ProductOperation: InferenceOperation {
    /// The convolution settings of a product.
    package struct ConvolutionSettings: Sendable {
        /// The per-sample input shape `[height, width, channels]`.
        package var inputShape: Shape
        /// Step along height and width.
        package var strides: (Int, Int)
        /// Border treatment.
        package var padding: Padding
        /// Tap spacing along height and width.
        package var dilation: (Int, Int)
        /// Max pooling window and strides fused after the convolution.
        package var maxPool: (window: (Int, Int), strides: (Int, Int))?

        /// The geometry for `batch` images.
        package func geometry(batch: Int, filterShape: Shape) -> Conv2DGeometry {
            Conv2DGeometry(
                batch: batch, height: inputShape[0], width: inputShape[1], inChannels: inputShape[2],
                outChannels: filterShape[3], kernelHeight: filterShape[0], kernelWidth: filterShape[1],
                strideHeight: strides.0, strideWidth: strides.1, dilationHeight: dilation.0,
                dilationWidth: dilation.1, padding: padding)
        }
    }

    /// The weight (dense `[inputSize, units]`, convolution HWIO).
    package var weight: Tensor
    /// The bias over the output channels.
    package var bias: Tensor?
    /// The activation fused into the product's store.
    package var activation: EpilogueActivation
    /// The convolution settings, or `nil` for a dense product.
    package var convolution: ConvolutionSettings?

    /// A dense product.
    package init(dense weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
        activation = .identity
    }

    /// A convolution.
    package init(convolution settings: ConvolutionSettings, filter: Tensor, bias: Tensor?) {
        weight = filter
        self.bias = bias
        activation = .identity
        convolution = settings
    }

    /// Runs the product.
    package func apply(_ input: Tensor) -> Tensor {
        guard let convolution else { return linear(input, weight: weight, bias: bias, activation: activation) }
        guard let maxPool = convolution.maxPool else {
            return conv2d(
                input, filter: weight, bias: bias, strides: convolution.strides, padding: convolution.padding,
                dilation: convolution.dilation, activation: activation)
        }
        let geometry = convolution.geometry(batch: input.shape[0], filterShape: weight.shape)
        let poolGeometry = Pool2DGeometry(
            batch: geometry.batch, height: geometry.outHeight, width: geometry.outWidth, channels: geometry.outChannels,
            windowHeight: maxPool.window.0, windowWidth: maxPool.window.1, strideHeight: maxPool.strides.0,
            strideWidth: maxPool.strides.1)
        let shape: Shape = [geometry.batch, poolGeometry.outHeight, poolGeometry.outWidth, geometry.outChannels]
        return Tensor(shape: shape) { out in
            Convolution.forwardMaxPooled(
                input: input.elementPointer, weights: weight.elementPointer, bias: bias?.elementPointer,
                output: out, geometry: geometry, activation: activation, poolGeometry: poolGeometry)
        }
    }

    /// `conv2d 3x3x8 + relu + maxpool 2x2 (per image)`, `dense 64→10 + relu`.
    package var summary: String {
        let relu = activation == .relu ? " + relu" : ""
        guard let convolution else { return "dense \(weight.shape[0])→\(weight.shape[1])" + relu }
        let pool = convolution.maxPool.map { " + maxpool \($0.window.0)x\($0.window.1) (per image)" } ?? ""
        return "conv2d \(weight.shape[0])x\(weight.shape[1])x\(weight.shape[3])" + relu + pool
    }
}

/// A per-channel affine map `x · scale + shift` over the last axis (a batch norm in inference).
package struct AffineOperation: InferenceOperation {
    /// The per-channel scale.
    package let scale: Tensor
    /// The per-channel shift.
    package let shift: Tensor

    /// Creates the map.
    package init(scale: Tensor, shift: Tensor) {
        self.scale = scale
        self.shift = shift
    }

    /// Applies the map.
    package func apply(_ input: Tensor) -> Tensor { input * scale + shift }

    /// `per-channel scale and shift`.
    package var summary: String { "per-channel scale and shift" }
}

/// An activation function.
package struct ActivationOperation: InferenceOperation {
    /// The activation.
    package let activation: Activation

    /// Creates the operation.
    package init(_ activation: Activation) { self.activation = activation }

    /// Applies the activation.
    package func apply(_ input: Tensor) -> Tensor { activation.apply(input) }

    /// The activation's name.
    package var summary: String { "\(activation)" }
}

/// Max or average pooling over NHWC images.
package struct PoolingOperation: InferenceOperation {
    /// Max pooling when set, average pooling otherwise.
    package let isMax: Bool
    /// Window height and width.
    package let window: (Int, Int)
    /// Step along height and width.
    package let strides: (Int, Int)
    /// Border treatment.
    package let padding: Padding

    /// Creates the operation from a pooling layer's settings.
    package init(max isMax: Bool, _ configuration: PoolingConfiguration) {
        self.isMax = isMax
        window = (configuration.poolSize[0], configuration.poolSize[1])
        strides = (configuration.strides[0], configuration.strides[1])
        padding = configuration.padding.padding
    }

    /// Applies the pooling.
    package func apply(_ input: Tensor) -> Tensor {
        isMax
            ? maxPool2d(input, poolSize: window, strides: strides, padding: padding)
            : avgPool2d(input, poolSize: window, strides: strides, padding: padding)
    }

    /// `maxpool 2x2`.
    package var summary: String { "\(isMax ? "max" : "avg")pool \(window.0)x\(window.1)" }
}

/// An operation given as a function, for layers whose inference is one expression (flatten, layer norm).
package struct FunctionOperation: InferenceOperation {
    /// The one-line account.
    package let summary: String
    private let body: @Sendable (Tensor) -> Tensor

    /// Creates the operation.
    ///
    /// - Parameters:
    ///   - summary: The one-line account.
    ///   - body: The function of the batch.
    package init(_ summary: String, _ body: @escaping @Sendable (Tensor) -> Tensor) {
        self.summary = summary
        self.body = body
    }

    /// Applies the function.
    package func apply(_ input: Tensor) -> Tensor { body(input) }
}
