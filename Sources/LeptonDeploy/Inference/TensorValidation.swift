import LeptonTensor

/// Validates tensor requests against a schema's tensor input: shape, finiteness, range.
struct TensorValidator: Sendable {
    let schema: TensorSchema
    let elementCount: Int

    init(schema: TensorSchema) {
        self.schema = schema
        elementCount = schema.shape.reduce(1, *)
    }

    /// The request's values, checked; row-major, `elementCount` of them.
    func validate(_ request: PredictionRequest) throws(PredictionError) -> [Float] {
        let values: [Float]
        switch request {
        case .tensor(let tensor):
            try checkShape(tensor.shape.dimensions)
            values = tensor.scalars
        case .values(let scalars, let shape):
            try checkShape(shape)
            guard scalars.count == elementCount else {
                throw .wrongElementCount(shape: shape, expected: elementCount, actual: scalars.count)
            }
            values = scalars
        case .record, .table:
            throw .wrongRequestKind(expected: "a tensor of shape \(schema.shape)", actual: "a record of named fields")
        case .text:
            throw .wrongRequestKind(expected: "a tensor of shape \(schema.shape)", actual: "a text")
        }
        try checkValues(values)
        return values
    }

    private func checkShape(_ shape: [Int]) throws(PredictionError) {
        guard shape == schema.shape || shape == [1] + schema.shape else {
            throw .wrongShape(expected: schema.shape, actual: shape)
        }
    }

    /// Finds the first non-finite or out-of-range value. The common case (all fine) is one vectorised pass keeping a
    /// running minimum, maximum and finiteness mask; only a failing request is scanned again for the offending index.
    private func checkValues(_ values: [Float]) throws(PredictionError) {
        var (low, high, finite) = (Float.infinity, -Float.infinity, true)
        values.withUnsafeBufferPointer { buffer in
            var lows = SIMD16<Float>(repeating: .infinity)
            var highs = SIMD16<Float>(repeating: -.infinity)
            var finiteLanes = SIMDMask<SIMD16<Int32>>(repeating: true)
            guard let base = buffer.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            var index = 0
            while index + 16 <= buffer.count {
                let lanes = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
                lows.replace(with: lanes, where: lanes .< lows)
                highs.replace(with: lanes, where: lanes .> highs)
                let laneIsFinite = (lanes - lanes) .== SIMD16<Float>()  // x − x is NaN for NaN and ±∞
                finiteLanes .&= laneIsFinite
                index += 16
            }
            for lane in 0..<16 {
                low = min(low, lows[lane])
                high = max(high, highs[lane])
                finite = finite && finiteLanes[lane]
            }
            while index < buffer.count {
                low = min(low, buffer[index])
                high = max(high, buffer[index])
                finite = finite && buffer[index].isFinite
                index += 1
            }
        }
        if !finite, let index = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(.element(index), value: Double(values[index]))
        }
        if let minimum = schema.minimum, Double(low) < minimum,
            let index = values.firstIndex(where: { Double($0) < minimum })
        {
            throw .outOfRange(.element(index), value: Double(values[index]), minimum: minimum, maximum: schema.maximum)
        }
        if let maximum = schema.maximum, Double(high) > maximum,
            let index = values.firstIndex(where: { Double($0) > maximum })
        {
            throw .outOfRange(.element(index), value: Double(values[index]), minimum: schema.minimum, maximum: maximum)
        }
    }
}
