import LeptonKernels
import LeptonTensor

/// One operation of an ``InferenceModel``: a layer, or several layers fused into one pass.
enum InferenceStep: Sendable {
    /// A convolution with its bias (batch norm folded in), a fused activation, optionally followed by max pooling
    /// done image by image while the convolution's output is in cache.
    case convolution(ConvolutionStep)
    /// A fully connected layer with its bias (batch norm folded in) and a fused activation.
    case dense(weight: Tensor, bias: Tensor?, fused: EpilogueActivation)
    /// Max or average pooling.
    case pooling(max: Bool, window: (Int, Int), strides: (Int, Int), padding: Padding)
    /// The mean over height and width.
    case globalAveragePooling
    /// Merging all axes after the batch axis.
    case flatten
    /// A per-channel affine map (a batch norm that could not be folded).
    case affine(scale: Tensor, shift: Tensor)
    /// Layer normalisation over the last axis.
    case layerNormalization(scale: Tensor, offset: Tensor, epsilon: Float)
    /// An activation that could not be fused.
    case activation(Activation)

    struct ConvolutionStep: Sendable {
        var filter: Tensor
        var bias: Tensor?
        var strides: (Int, Int)
        var padding: Padding
        var dilation: (Int, Int)
        var fused: EpilogueActivation
        /// Max pooling window and strides fused after the convolution.
        var maxPool: (window: (Int, Int), strides: (Int, Int))?
    }

    /// Runs the step on a batch.
    func apply(_ input: Tensor) -> Tensor {
        switch self {
        case .convolution(let step):
            guard let maxPool = step.maxPool else {
                return conv2d(
                    input, filter: step.filter, bias: step.bias, strides: step.strides, padding: step.padding,
                    dilation: step.dilation, activation: step.fused)
            }
            return Self.convolutionMaxPooled(input, step, maxPool)
        case .dense(let weight, let bias, let fused):
            return linear(input, weight: weight, bias: bias, activation: fused)
        case .pooling(let max, let window, let strides, let padding):
            return max
                ? maxPool2d(input, poolSize: window, strides: strides, padding: padding)
                : avgPool2d(input, poolSize: window, strides: strides, padding: padding)
        case .globalAveragePooling:
            return input.mean(axes: [1, 2])
        case .flatten:
            return input.flattened()
        case .affine(let scale, let shift):
            return input * scale + shift
        case .layerNormalization(let scale, let offset, let epsilon):
            let mean = input.mean(axes: [-1], keepDims: true)
            let variance = input.variance(axes: [-1], keepDims: true)
            return (input - mean) * (variance + epsilon).rsqrt() * scale + offset
        case .activation(let activation):
            return activation.apply(input)
        }
    }

    private static func convolutionMaxPooled(
        _ input: Tensor, _ step: ConvolutionStep, _ maxPool: (window: (Int, Int), strides: (Int, Int))
    ) -> Tensor {
        let geometry = Conv2DGeometry(
            batch: input.shape[0], height: input.shape[1], width: input.shape[2], inChannels: input.shape[3],
            outChannels: step.filter.shape[3], kernelHeight: step.filter.shape[0], kernelWidth: step.filter.shape[1],
            strideHeight: step.strides.0, strideWidth: step.strides.1, dilationHeight: step.dilation.0,
            dilationWidth: step.dilation.1, padding: step.padding)
        let poolGeometry = Pool2DGeometry(
            batch: geometry.batch, height: geometry.outHeight, width: geometry.outWidth, channels: geometry.outChannels,
            windowHeight: maxPool.window.0, windowWidth: maxPool.window.1, strideHeight: maxPool.strides.0,
            strideWidth: maxPool.strides.1)
        let shape: Shape = [geometry.batch, poolGeometry.outHeight, poolGeometry.outWidth, geometry.outChannels]
        return Tensor(shape: shape) { out in
            Convolution.forwardMaxPooled(
                input: input.elementPointer, weights: step.filter.elementPointer, bias: step.bias?.elementPointer,
                output: out, geometry: geometry, activation: step.fused, poolGeometry: poolGeometry)
        }
    }

    /// A one-line account of the step, for ``InferenceModel/steps``.
    var summary: String {
        switch self {
        case .convolution(let step):
            var text = "conv2d \(step.filter.shape[0])x\(step.filter.shape[1])x\(step.filter.shape[3])"
            if step.fused == .relu { text += " + relu" }
            if let pool = step.maxPool { text += " + maxpool \(pool.window.0)x\(pool.window.1) (per image)" }
            return text
        case .dense(let weight, _, let fused):
            return "dense \(weight.shape[0])→\(weight.shape[1])" + (fused == .relu ? " + relu" : "")
        case .pooling(let max, let window, _, _): return "\(max ? "max" : "avg")pool \(window.0)x\(window.1)"
        case .globalAveragePooling: return "global average pool"
        case .flatten: return "flatten"
        case .affine: return "per-channel scale and shift"
        case .layerNormalization: return "layer norm"
        case .activation(let activation): return "\(activation)"
        }
    }
}
