import LeptonKernels

extension Tensor {
    /// Element-wise sum with NumPy broadcasting.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        let result = broadcastBinary(.add, lhs, rhs, name: "add")
        guard let nodes = trackedNodes(lhs, rhs) else { return result }
        let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
        return result.recorded("add", inputs: nodes) { gradient, needs in
            [needs[0] ? gradient.unbroadcast(to: lhsShape) : nil, needs[1] ? gradient.unbroadcast(to: rhsShape) : nil]
        }
    }

    /// Element-wise difference with NumPy broadcasting.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        let result = broadcastBinary(.subtract, lhs, rhs, name: "subtract")
        guard let nodes = trackedNodes(lhs, rhs) else { return result }
        let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
        return result.recorded("subtract", inputs: nodes) { gradient, needs in
            [
                needs[0] ? gradient.unbroadcast(to: lhsShape) : nil,
                needs[1] ? gradient.scaled(by: -1).unbroadcast(to: rhsShape) : nil,
            ]
        }
    }

    /// Element-wise product with NumPy broadcasting.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        let result = broadcastBinary(.multiply, lhs, rhs, name: "multiply")
        guard let nodes = trackedNodes(lhs, rhs) else { return result }
        let (lhsValue, rhsValue) = (lhs.detached, rhs.detached)
        return result.recorded("multiply", inputs: nodes) { gradient, needs in
            [
                needs[0]
                    ? broadcastBinary(.multiply, gradient, rhsValue, name: "multiply").unbroadcast(to: lhsValue.shape)
                    : nil,
                needs[1]
                    ? broadcastBinary(.multiply, gradient, lhsValue, name: "multiply").unbroadcast(to: rhsValue.shape)
                    : nil,
            ]
        }
    }

    /// Element-wise quotient with NumPy broadcasting.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        let result = broadcastBinary(.divide, lhs, rhs, name: "divide")
        guard let nodes = trackedNodes(lhs, rhs) else { return result }
        let (rhsValue, quotient) = (rhs.detached, result.detached)
        let lhsShape = lhs.shape
        return result.recorded("divide", inputs: nodes) { gradient, needs in
            let gradientOverDivisor = broadcastBinary(.divide, gradient, rhsValue, name: "divide")
            return [
                needs[0] ? gradientOverDivisor.unbroadcast(to: lhsShape) : nil,
                needs[1]
                    ? broadcastBinary(.multiply, gradientOverDivisor, quotient, name: "divide").scaled(by: -1)
                        .unbroadcast(to: rhsValue.shape) : nil,
            ]
        }
    }

    /// Element-wise negation.
    public static prefix func - (operand: Tensor) -> Tensor {
        operand.applying(.negate)
    }

    /// Adds a scalar to every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.affine(scale: 1, shift: rhs) }
    /// Adds a scalar to every element.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs.affine(scale: 1, shift: lhs) }
    /// Subtracts a scalar from every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.affine(scale: 1, shift: -rhs) }
    /// Subtracts every element from a scalar.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { rhs.affine(scale: -1, shift: lhs) }
    /// Multiplies every element by a scalar.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.affine(scale: rhs, shift: 0) }
    /// Multiplies every element by a scalar.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.affine(scale: lhs, shift: 0) }
    /// Divides every element by a scalar.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.affine(scale: 1 / rhs, shift: 0) }
    /// Divides a scalar by every element.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { rhs.applying(.reciprocal) * lhs }

    /// Adds `rhs` to `lhs` in place (with broadcasting of `rhs`).
    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
    /// Subtracts `rhs` from `lhs` in place (with broadcasting of `rhs`).
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }
    /// Multiplies `lhs` by `rhs` in place (with broadcasting of `rhs`).
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs * rhs }
    /// Divides `lhs` by `rhs` in place (with broadcasting of `rhs`).
    public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs / rhs }
    /// Multiplies every element of `lhs` by a scalar in place.
    public static func *= (lhs: inout Tensor, rhs: Float) { lhs = lhs * rhs }

    /// `self * scale + shift`, element-wise.
    ///
    /// - Parameters:
    ///   - scale: The factor.
    ///   - shift: The offset added after scaling.
    /// - Returns: The transformed tensor.
    public func affine(scale: Float, shift: Float) -> Tensor {
        let result = Tensor(shape: shape) { out in
            Elementwise.scaleShift(storage.pointer, scale: scale, shift: shift, out, count: elementCount)
        }
        guard let nodes = Tensor.trackedNodes(self) else { return result }
        return result.recorded("affine", inputs: nodes) { gradient, _ in [gradient.scaled(by: scale)] }
    }

    /// `self * factor` without recording gradients.
    func scaled(by factor: Float) -> Tensor {
        Tensor(shape: shape) { out in
            Elementwise.scaleShift(storage.pointer, scale: factor, shift: 0, out, count: elementCount)
        }
    }

    /// The element-wise maximum of two tensors, with broadcasting; the gradient goes to the larger operand
    /// (to the first one on ties).
    public static func maximum(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        selectingExtreme(lhs, rhs, operation: .maximum, comparison: .greaterOrEqual, name: "maximum")
    }

    /// The element-wise minimum of two tensors, with broadcasting; the gradient goes to the smaller operand
    /// (to the first one on ties).
    public static func minimum(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        selectingExtreme(lhs, rhs, operation: .minimum, comparison: .lessOrEqual, name: "minimum")
    }

    private static func selectingExtreme(
        _ lhs: Tensor, _ rhs: Tensor, operation: BinaryOperation, comparison: Comparison, name: String
    ) -> Tensor {
        let result = broadcastBinary(operation, lhs, rhs, name: name)
        guard let nodes = trackedNodes(lhs, rhs) else { return result }
        let (lhsValue, rhsValue) = (lhs.detached, rhs.detached)
        return result.recorded(name, inputs: nodes) { gradient, needs in
            let lhsWins = broadcastCompare(comparison, lhsValue, rhsValue, name: name)
            let toLhs = broadcastBinary(.multiply, gradient, lhsWins, name: name)
            return [
                needs[0] ? toLhs.unbroadcast(to: lhsValue.shape) : nil,
                needs[1]
                    ? broadcastBinary(.subtract, gradient, toLhs, name: name).unbroadcast(to: rhsValue.shape) : nil,
            ]
        }
    }
}
