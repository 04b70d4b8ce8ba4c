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
    /// Dense layer fed by a Flatten of an `[h, w, c]` map gets its rows reordered from PyTorch's (c, h, w) order,
    /// also when shape-preserving layers (Dropout, Activation, BatchNorm, LayerNorm) sit between them (their
    /// per-feature vectors are reordered the same way).
    /// BatchNorm takes `weight`, `bias`, `running_mean` and `running_var`; LayerNorm `weight` and `bias`.
    ///
    /// Loading is strict by default, as PyTorch's `load_state_dict(strict=True)`: a tensor of the file that no
    /// layer takes (other than BatchNorm's `num_batches_tracked`) is an error. The model must be built either way.
    ///
    /// - Parameters:
    ///   - url: The PyTorch state dict saved with `safetensors.torch.save_file`.
    ///   - prefixes: The PyTorch prefix of each parameterised layer, by layer index in this model.
    ///   - strict: Whether tensors of the file that no layer takes are an error (`false` for a file that holds
    ///     more than a state dict).
    /// - Returns: Warnings about settings the file cannot carry that make outputs differ from PyTorch's defaults
    ///   (normalisation epsilon, `.same` padding that pads asymmetrically).
    /// - Throws: ``WeightLoadingError`` for an unbuilt model, a missing or unexpected tensor, a shape mismatch or an
    ///   unreadable file; the model is unchanged when it throws.
    @discardableResult
    public func loadPyTorchWeights(from url: URL, prefixes: [Int: String], strict: Bool = true) throws -> [String] {
        let name = url.lastPathComponent
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url)
        } catch {
            throw WeightLoadingError.unreadable(file: name, reason: String(describing: error))
        }
        try checkBuilt(file: name)
        var consumed = Set<String>()
        func tensor(_ key: String) throws -> Tensor {
            guard file.contains(key) else { throw WeightLoadingError.missingKey(key, file: name) }
            consumed.insert(key)
            return try Tensor(file, name: key)
        }
        var staged: [(Parameter, Tensor, String)] = []
        // The [h, w, c] map flattened before the current layer, while only shape-preserving layers follow.
        var flattenedMap: Shape?
        for (index, layer) in layers.enumerated() {
            let parameters = layer.namedParameters()
            let mapBefore = flattenedMap
            switch layer {
            case is Flatten:
                flattenedMap = perSampleInputShape(ofLayer: index).flatMap { $0.rank == 3 ? $0 : nil }
            case is Dropout, is ActivationLayer, is BatchNorm, is LayerNorm: break
            default: flattenedMap = nil
            }
            guard !parameters.isEmpty else { continue }
            guard let prefix = prefixes[index] else {
                throw WeightLoadingError.missingKey("prefix for layer \(index) (\(layer.typeName))", file: name)
            }
            if layer is BatchNorm { consumed.insert(prefix + ".num_batches_tracked") }
            func reorderedVector(_ vector: Tensor) -> Tensor {
                guard let map = mapBefore, vector.rank == 1, vector.shape[0] == map.elementCount else { return vector }
                return vector.reshaped(to: [map[2], map[0], map[1]]).permuted([1, 2, 0]).reshaped(to: [-1])
            }
            for named in parameters {
                let converted: Tensor
                switch (layer, named.path) {
                case (is Conv2D, "weight"):
                    converted = PyTorchLayout.convolutionWeight(try tensor(prefix + ".weight"))
                case (is Dense, "weight"):
                    let raw = try tensor(prefix + ".weight")
                    if let map = mapBefore, raw.rank == 2, raw.shape[1] == map.elementCount {
                        converted = PyTorchLayout.linearWeightAfterFlatten(
                            raw, channels: map[2], height: map[0], width: map[1])
                    } else {
                        converted = PyTorchLayout.linearWeight(raw)
                    }
                case (is BatchNorm, "scale"), (is LayerNorm, "scale"):
                    converted = reorderedVector(try tensor(prefix + ".weight"))
                case (is BatchNorm, "offset"), (is LayerNorm, "offset"):
                    converted = reorderedVector(try tensor(prefix + ".bias"))
                case (is BatchNorm, "runningMean"): converted = reorderedVector(try tensor(prefix + ".running_mean"))
                case (is BatchNorm, "runningVariance"):
                    converted = reorderedVector(try tensor(prefix + ".running_var"))
                default: converted = try tensor(prefix + "." + named.path)
                }
                staged.append((named.parameter, converted, "\(index).\(named.path)"))
            }
        }
        for entry in file.entries where strict && !entry.name.hasPrefix("__") && !consumed.contains(entry.name) {
            throw WeightLoadingError.unexpectedKey(entry.name, file: name)
        }
        for (parameter, value, key) in staged where value.shape != parameter.shape {
            throw WeightLoadingError.shapeMismatch(key: key, expected: parameter.shape, actual: value.shape, file: name)
        }
        for (parameter, value, _) in staged { parameter.value = value }
        return pyTorchImportWarnings()
    }

    /// Settings that make this model compute differently from a PyTorch model with default settings: a
    /// normalisation epsilon other than PyTorch's 1e-5, and `.same` padding where TensorFlow's rule pads
    /// asymmetrically (stride above 1 or an even kernel).
    ///
    /// - Returns: One sentence per layer concerned.
    public func pyTorchImportWarnings() -> [String] {
        var warnings: [String] = []
        for (index, layer) in layers.enumerated() {
            switch layer {
            case let norm as BatchNorm where norm.configuration.epsilon != 1e-5:
                warnings.append(
                    "layer \(index) (BatchNorm) has epsilon \(norm.configuration.epsilon); PyTorch's default is 1e-5 — use BatchNorm(epsilon: 1e-5) unless the PyTorch model set eps"
                )
            case let norm as LayerNorm where norm.configuration.epsilon != 1e-5:
                warnings.append(
                    "layer \(index) (LayerNorm) has epsilon \(norm.configuration.epsilon); PyTorch's default is 1e-5 — use LayerNorm(epsilon: 1e-5) unless the PyTorch model set eps"
                )
            case let conv as Conv2D where conv.configuration.padding == .same:
                let configuration = conv.configuration
                if configuration.strides.contains(where: { $0 > 1 })
                    || configuration.kernelSize.contains(where: { $0 % 2 == 0 })
                {
                    warnings.append(
                        "layer \(index) (Conv2D) uses .same padding with kernel \(configuration.kernelSize) and strides \(configuration.strides): it pads the bottom and right more than the top and left, where PyTorch's padding=k//2 pads both sides equally — use .explicit padding to match"
                    )
                }
            default:
                break
            }
        }
        return warnings
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
