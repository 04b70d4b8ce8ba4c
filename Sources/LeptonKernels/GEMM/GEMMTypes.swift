/// Whether a matrix operand is used as stored or transposed.
package enum Transpose: Sendable, Hashable {
    /// Use the matrix as stored.
    case none
    /// Use the transpose of the stored matrix.
    case transposed
}

/// The activation a fused GEMM epilogue applies after the bias.
public enum EpilogueActivation: Sendable, Hashable {
    /// Leave the values as they are.
    case identity
    /// `max(0, x)`.
    case relu
}

/// Work fused into the store of a GEMM result: a bias added to every row or every column, then an activation.
///
/// With an epilogue, ``sgemm(_:_:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:epilogue:pool:)`` computes
/// `C = activation(alpha·op(A)·op(B) + beta·C + bias)` in one pass over C.
package struct GEMMEpilogue {
    /// Where the bias vector lines up with C.
    package enum BiasAxis: Sendable, Hashable {
        /// One bias value per row of C (`m` values): C[i, j] += bias[i].
        case perRow
        /// One bias value per column of C (`n` values): C[i, j] += bias[j].
        case perColumn
    }

    /// The bias values, or `nil` for no bias.
    package var bias: UnsafePointer<Float>?
    /// Whether ``bias`` holds one value per row or per column.
    package var biasAxis: BiasAxis
    /// The activation applied after the bias.
    package var activation: EpilogueActivation

    /// Creates an epilogue.
    ///
    /// - Parameters:
    ///   - bias: The bias values (`m` of them for `.perRow`, `n` for `.perColumn`), or `nil`.
    ///   - biasAxis: Whether the bias is per row or per column of C.
    ///   - activation: The activation applied after the bias.
    package init(
        bias: UnsafePointer<Float>? = nil, biasAxis: BiasAxis = .perColumn, activation: EpilogueActivation = .identity
    ) {
        self.bias = bias
        self.biasAxis = biasAxis
        self.activation = activation
    }

    /// No bias and no activation: a plain GEMM.
    package static var none: GEMMEpilogue { GEMMEpilogue() }
}
