import Foundation
import LeptonTensor

/// Layout conversions from PyTorch's parameter layouts to Lepton's.
///
/// PyTorch stores images NCHW, convolution weights `[out, in, kh, kw]` and linear weights `[out, in]`; Lepton
/// uses NHWC images, HWIO convolution weights and `[in, out]` dense weights. A linear layer after a flatten also
/// sees its inputs in a different order: PyTorch flattens (channel, row, column), Lepton (row, column, channel).
public enum PyTorchLayout {
    /// `[out, in, kh, kw]` → `[kh, kw, in, out]`.
    ///
    /// - Parameter weight: A PyTorch `Conv2d.weight`.
    /// - Returns: The HWIO filter.
    public static func convolutionWeight(_ weight: Tensor) -> Tensor {
        precondition(weight.rank == 4, "convolutionWeight: expected [out, in, kh, kw], got \(weight.shape)")
        return weight.permuted([2, 3, 1, 0])
    }

    /// `[out, in]` → `[in, out]`.
    ///
    /// - Parameter weight: A PyTorch `Linear.weight`.
    /// - Returns: The Dense weight.
    public static func linearWeight(_ weight: Tensor) -> Tensor {
        precondition(weight.rank == 2, "linearWeight: expected [out, in], got \(weight.shape)")
        return weight.transposed
    }

    /// `[out, channels·height·width]` flattened from NCHW → `[height·width·channels, out]` for an NHWC flatten.
    ///
    /// - Parameters:
    ///   - weight: A PyTorch `Linear.weight` that follows `Flatten` of a `[channels, height, width]` feature map.
    ///   - channels: Feature-map channels.
    ///   - height: Feature-map height.
    ///   - width: Feature-map width.
    /// - Returns: The Dense weight for Lepton's flatten order.
    public static func linearWeightAfterFlatten(_ weight: Tensor, channels: Int, height: Int, width: Int) -> Tensor {
        precondition(
            weight.rank == 2 && weight.shape[1] == channels * height * width,
            "linearWeightAfterFlatten: \(weight.shape) does not match \(channels)×\(height)×\(width) inputs")
        let out = weight.shape[0]
        return weight.reshaped(to: [out, channels, height, width]).permuted([2, 3, 1, 0])
            .reshaped(to: [height * width * channels, out])
    }
}

extension Sequential {
    /// Loads the weights of an equivalent PyTorch model from a safetensors state dict.
    ///
    /// Each parameterised layer of this model is paired with a PyTorch module prefix (`fc1` for `fc1.weight`
    /// and `fc1.bias`); layouts are converted — convolution OIHW → HWIO, linear `[out, in]` → `[in, out]`, and a
    /// Dense layer fed by a Flatten of an `[h, w, c]` map gets its rows reordered from PyTorch's (c, h, w) order.
    /// BatchNorm takes `weight`, `bias`, `running_mean` and `running_var`; LayerNorm `weight` and `bias`.
    ///
    /// - Parameters:
    ///   - url: The PyTorch state dict saved with `safetensors.torch.save_file`.
    ///   - prefixes: The PyTorch prefix of each parameterised layer, by layer index in this model.
    /// - Throws: ``WeightLoadingError`` for a missing tensor, a shape mismatch or an unreadable file; the model is
    ///   unchanged when it throws.
    public func loadPyTorchWeights(from url: URL, prefixes: [Int: String]) throws {
        let name = url.lastPathComponent
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url)
        } catch {
            throw WeightLoadingError.unreadable(file: name, reason: String(describing: error))
        }
        func tensor(_ key: String) throws -> Tensor {
            guard file.contains(key) else { throw WeightLoadingError.missingKey(key, file: name) }
            return try Tensor(file, name: key)
        }
        var staged: [(Parameter, Tensor, String)] = []
        for (index, layer) in layers.enumerated() {
            let parameters = layer.namedParameters()
            guard !parameters.isEmpty else { continue }
            guard let prefix = prefixes[index] else {
                throw WeightLoadingError.missingKey("prefix for layer \(index) (\(layer.typeName))", file: name)
            }
            for named in parameters {
                let converted: Tensor
                switch (layer, named.path) {
                case (is Conv2D, "weight"):
                    converted = PyTorchLayout.convolutionWeight(try tensor(prefix + ".weight"))
                case (is Dense, "weight"):
                    let raw = try tensor(prefix + ".weight")
                    if index > 0, layers[index - 1] is Flatten, let map = perSampleInputShape(ofLayer: index - 1),
                        map.rank == 3
                    {
                        converted = PyTorchLayout.linearWeightAfterFlatten(
                            raw, channels: map[2], height: map[0], width: map[1])
                    } else {
                        converted = PyTorchLayout.linearWeight(raw)
                    }
                case (is BatchNorm, "scale"), (is LayerNorm, "scale"): converted = try tensor(prefix + ".weight")
                case (is BatchNorm, "offset"), (is LayerNorm, "offset"): converted = try tensor(prefix + ".bias")
                case (is BatchNorm, "runningMean"): converted = try tensor(prefix + ".running_mean")
                case (is BatchNorm, "runningVariance"): converted = try tensor(prefix + ".running_var")
                default: converted = try tensor(prefix + "." + named.path)
                }
                staged.append((named.parameter, converted, "\(index).\(named.path)"))
            }
        }
        for (parameter, value, key) in staged where value.shape != parameter.shape {
            throw WeightLoadingError.shapeMismatch(key: key, expected: parameter.shape, actual: value.shape, file: name)
        }
        for (parameter, value, _) in staged { parameter.value = value }
    }
}

extension Sequential {
    /// The per-sample shape entering layer `index`, once the model is built.
    ///
    /// - Parameter index: A layer index.
    /// - Returns: The model's input shape for layer 0, else the previous layer's output shape.
    public func perSampleInputShape(ofLayer index: Int) -> Shape? {
        if index == 0 { return inputShape }
        return index - 1 < outputShapes.count ? outputShapes[index - 1] : nil
    }
}
