import LeptonKernels

extension Tensor {
    /// 1 where `lhs < rhs`, else 0 (with broadcasting).
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastCompare(.less, lhs, rhs, name: "less") }
    /// 1 where `lhs <= rhs`, else 0 (with broadcasting).
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastCompare(.lessOrEqual, lhs, rhs, name: "lessOrEqual")
    }
    /// 1 where `lhs > rhs`, else 0 (with broadcasting).
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastCompare(.greater, lhs, rhs, name: "greater") }
    /// 1 where `lhs >= rhs`, else 0 (with broadcasting).
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastCompare(.greaterOrEqual, lhs, rhs, name: "greaterOrEqual")
    }
    /// 1 where `lhs == rhs`, else 0 (with broadcasting).
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastCompare(.equal, lhs, rhs, name: "equal") }
    /// 1 where `lhs != rhs`, else 0 (with broadcasting).
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastCompare(.notEqual, lhs, rhs, name: "notEqual")
    }
    /// 1 where `lhs < rhs`, else 0.
    public static func .< (lhs: Tensor, rhs: Float) -> Tensor { lhs .< Tensor(rhs) }
    /// 1 where `lhs <= rhs`, else 0.
    public static func .<= (lhs: Tensor, rhs: Float) -> Tensor { lhs .<= Tensor(rhs) }
    /// 1 where `lhs > rhs`, else 0.
    public static func .> (lhs: Tensor, rhs: Float) -> Tensor { lhs .> Tensor(rhs) }
    /// 1 where `lhs >= rhs`, else 0.
    public static func .>= (lhs: Tensor, rhs: Float) -> Tensor { lhs .>= Tensor(rhs) }
    /// 1 where `lhs == rhs`, else 0.
    public static func .== (lhs: Tensor, rhs: Float) -> Tensor { lhs .== Tensor(rhs) }

    /// Picks `whereTrue` where `condition` is non-zero and `whereFalse` elsewhere, with broadcasting of all three.
    ///
    /// Gradients flow to the picked operand only; the condition is not differentiated.
    ///
    /// - Parameters:
    ///   - condition: A mask, usually from a comparison.
    ///   - whereTrue: Values where the mask is non-zero.
    ///   - whereFalse: Values where the mask is zero.
    /// - Returns: The selection.
    public static func select(_ condition: Tensor, _ whereTrue: Tensor, _ whereFalse: Tensor) -> Tensor {
        let pair = Broadcast.shape(whereTrue.shape, whereFalse.shape, operation: "select")
        let outputShape = Broadcast.shape(condition.shape, pair, operation: "select")
        let (mask, a, b) = (
            condition.broadcast(to: outputShape), whereTrue.broadcast(to: outputShape),
            whereFalse.broadcast(to: outputShape)
        )
        let result = Tensor(shape: outputShape) { out in
            Elementwise.select(
                mask.storage.pointer, a.storage.pointer, b.storage.pointer, out, count: outputShape.elementCount)
        }
        guard let nodes = trackedNodes(whereTrue, whereFalse) else { return result }
        let (trueShape, falseShape) = (whereTrue.shape, whereFalse.shape)
        return result.recorded("select", inputs: nodes) { gradient, needs in
            let zero = Tensor.zeros(outputShape)
            return [
                needs[0] ? select(mask, gradient, zero).unbroadcast(to: trueShape) : nil,
                needs[1] ? select(mask, zero, gradient).unbroadcast(to: falseShape) : nil,
            ]
        }
    }
}
