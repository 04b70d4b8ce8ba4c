import CLeptonKernels

extension LeptonTileEpilogue {
    /// Sets up the tile call for the block whose top-left element of C is (`row`, `column`): `alpha` and `beta`
    /// always (`beta` becomes 1 after the first depth block accumulates into C), and the bias and ReLU of
    /// `epilogue` only on the last depth block, so they are applied once to the finished sum.
    ///
    /// - Parameters:
    ///   - epilogue: The bias and activation of the whole product.
    ///   - alpha: The product's scale.
    ///   - beta: The scale of C's old value for the first depth block.
    ///   - isFirst: Whether this is the first depth block.
    ///   - isLast: Whether this is the last depth block.
    ///   - row: The block's first row of C.
    ///   - column: The block's first column of C.
    mutating func prepare(
        for epilogue: GEMMEpilogue, alpha: Float, beta: Float, isFirst: Bool, isLast: Bool, row: Int, column: Int
    ) {
        self.alpha = alpha
        self.beta = isFirst ? beta : 1
        row_bias = nil
        col_bias = nil
        relu = 0
        guard isLast else { return }
        if let bias = epilogue.bias {
            if epilogue.biasAxis == .perRow {
                row_bias = bias + row
            } else {
                col_bias = bias + column
            }
        }
        relu = epilogue.activation == .relu ? 1 : 0
    }
}
