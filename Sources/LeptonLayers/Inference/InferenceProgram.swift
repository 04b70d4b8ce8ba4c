import LeptonKernels
import LeptonTensor

/// A ``Sequential`` model lowered to inference operations: each layer lowers itself
/// (``InferenceLowerable``), then neighbouring operations are fused. ``InferenceModel`` runs the program as it is;
/// the int8 engine maps its products to quantised ones (``mapped(_:)``), so there is one compiler.
///
/// Fusion, left to right, for each product (dense or convolution), of operations lowered from the layers right
/// after it:
/// - a per-channel affine map right after a product with no activation (a batch norm after a linear Dense or
///   Conv2D) is folded into the product's weight and bias;
/// - a ReLU right after a product with no activation is fused into the product's store;
/// - valid max pooling right after a convolution runs image by image with it.
package struct InferenceProgram: Sendable {
    /// The per-sample input shape.
    package let inputShape: Shape
    /// The per-sample output shape.
    package let outputShape: Shape
    /// The fused operations, in order.
    package private(set) var operations: [any InferenceOperation] {
        didSet { carriesPaddingMask = operations.contains { $0 is PaddingMaskOperation } }
    }
    /// Whether an operation produces a padding mask. Without one the program runs as a plain loop: handing a mask
    /// on costs two dynamic casts per operation, about 1 % of a batch-1 call of the reference CNN.
    private var carriesPaddingMask = false

    /// Lowers and fuses a built model.
    ///
    /// - Parameter model: The model (its current weights are copied).
    /// - Throws: ``InferenceCompilationError`` when the model is not built, has a layer that cannot be lowered, or
    ///   a product whose weight or bias is not finite after fusion.
    package init(_ model: Sequential) throws(InferenceCompilationError) {
        guard let inputShape = model.inputShape, let outputShape = model.outputShape else {
            throw InferenceCompilationError.notBuilt
        }
        self.inputShape = inputShape
        self.outputShape = outputShape
        let shapes = [inputShape] + model.outputShapes
        var operations: [any InferenceOperation] = []
        var layerIndices: [Int] = []
        for (index, layer) in model.layers.enumerated() {
            guard let lowerable = layer as? any InferenceLowerable else {
                throw InferenceCompilationError.unsupportedLayer(index: index, typeName: layer.typeName)
            }
            try lowerable.lower(inputShape: shapes[index], into: &operations)
            layerIndices += Array(repeating: index, count: operations.count - layerIndices.count)
        }
        self.operations = Self.fused(operations, layerIndices: layerIndices)
        carriesPaddingMask = self.operations.contains { $0 is PaddingMaskOperation }
        for case let product as ProductOperation in self.operations {
            guard product.weight.scalars.allSatisfy(\.isFinite), product.bias?.scalars.allSatisfy(\.isFinite) ?? true
            else { throw .nonFiniteParameters(step: product.summary) }
        }
    }

    /// The program with every operation replaced by `transform`'s result (or kept when it returns `nil`): how
    /// int8 quantisation swaps the products for quantised ones.
    ///
    /// - Parameter transform: The parameter map.
    /// - Returns: The mapped program.
    package func mapped(_ transform: (any InferenceOperation) -> (any InferenceOperation)?) -> InferenceProgram {
        var copy = self
        copy.operations = operations.map { transform($0) ?? $0 }
        return copy
    }

    /// Runs the program on a batch, without a gradient tape.
    ///
    /// - Parameter input: `[batch] + inputShape`.
    /// - Returns: `[batch] + outputShape`.
    package func callAsFunction(_ input: Tensor) -> Tensor {
        withoutGradients {
            guard carriesPaddingMask else {
                var x = input.detached
                for operation in operations { x = operation.apply(x) }
                return x
            }
            return Self.run(operations, on: input.detached)
        }
    }

    /// The operations, one line each.
    package var summaries: [String] { operations.map(\.summary) }

    /// Fuses neighbours; `layerIndices[i]` is the layer that produced operation `i`. Only an operation of the
    /// layer right after the last one absorbed is absorbed, so a layer that lowers to nothing (dropout) still
    /// separates its neighbours, as it always has.
    private static func fused(_ operations: [any InferenceOperation], layerIndices: [Int])
        -> [any InferenceOperation]
    {
        var result: [any InferenceOperation] = []
        var index = 0
        var lastLayer = 0
        func next<T>(_ type: T.Type) -> T? {
            guard operations.indices.contains(index), layerIndices[index] == lastLayer + 1 else { return nil }
            return operations[index] as? T
        }
        func absorb() {
            lastLayer = layerIndices[index]
            index += 1
        }
        while index < operations.count {
            guard var product = operations[index] as? ProductOperation else {
                result.append(operations[index])
                index += 1
                continue
            }
            absorb()
            if product.activation == .identity, let affine = next(AffineOperation.self) {
                product.weight = product.weight * affine.scale
                product.bias = (product.bias ?? Tensor.zeros(affine.scale.shape)) * affine.scale + affine.shift
                absorb()
            }
            if product.activation == .identity, let relu = next(ActivationOperation.self), relu.activation == .relu {
                product.activation = .relu
                absorb()
            }
            if var convolution = product.convolution, convolution.maxPool == nil,
                let pool = next(PoolingOperation.self), pool.isMax, pool.padding == .valid
            {
                convolution.maxPool = (pool.window, pool.strides)
                product.convolution = convolution
                absorb()
            }
            result.append(product)
        }
        return result
    }
}
