import CLeptonKernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which int8 loop runs the products.
package enum Int8Kernel: String, Sendable, CaseIterable {
    /// AVX-512 VNNI (`vpdpbusd`).
    case vnni
    /// AVX2 (`vpmaddubsw`).
    case avx2
    /// Plain Swift, for CPUs without AVX2.
    case portable

    /// The fastest loop the running CPU supports, unless the environment variable `LEPTON_INT8_KERNEL` names another
    /// supported one (`avx2` or `portable`), which tests and benchmarks use to run what older CPUs get.
    package static let best: Int8Kernel = {
        let supported = available
        if let requested = getenv("LEPTON_INT8_KERNEL").map({ String(cString: $0) }),
            let kernel = supported.first(where: { $0.rawValue == requested })
        {
            return kernel
        }
        return supported[0]
    }()

    /// The loops the running CPU supports, fastest first.
    package static var available: [Int8Kernel] {
        (CPUFeatures.current.avx512VNNI ? [.vnni] : []) + (CPUFeatures.current.avx2 ? [.avx2] : []) + [.portable]
    }
}

/// Dynamic int8 matrix products: per-row quantisation of the activations, then an int8 × int8 → int32 product with
/// per-output-channel weights, scaled back to floats with bias and ReLU.
package enum QuantizedGEMM {
    /// Quantises `rows` rows of `columns` floats (row `r` at `source + r·sourceStride`) to int8 with one symmetric
    /// scale per row: `q = round(x / scale)` (to nearest, ties to even), `scale = max |x| / 127` (1 for an all-zero
    /// row) — or, with a calibrated `fixedScale`, `q = round(x · (1 / fixedScale))` clamped to ±127 for every row.
    /// Writes row `r` at `destination + r·destinationStride`, zero-padded to `destinationStride`, and its scale to
    /// `scales[r]`. A row holding NaN or infinity gets a NaN scale, so that every product read from it is NaN (int8
    /// codes cannot hold those values; a finite answer from them would be silently wrong).
    package static func quantizeRows(
        _ source: UnsafePointer<Float>, rows: Int, columns: Int, sourceStride: Int,
        into destination: UnsafeMutablePointer<Int8>, destinationStride: Int, scales: UnsafeMutablePointer<Float>,
        fixedScale: Float? = nil, kernel: Int8Kernel
    ) {
        let fixed = fixedScale ?? 0
        switch kernel {
        case .vnni:
            lepton_int8_quantize_rows_avx512(
                rows, columns, source, sourceStride, destination, destinationStride, scales, fixed)
        case .avx2:
            lepton_int8_quantize_rows_avx2(
                rows, columns, source, sourceStride, destination, destinationStride, scales, fixed)
        case .portable:
            for row in 0..<rows {
                let input = source + row * sourceStride
                let output = destination + row * destinationStride
                var largest: Float = 0
                if fixed <= 0 { for index in 0..<columns { largest = max(largest, abs(input[index])) } }
                scales[row] = fixed > 0 ? fixed : largest > 0 ? largest / 127 : 1
                let inverse = fixed > 0 ? 1 / fixed : largest > 0 ? 127 / largest : 0
                var finite = true
                for index in 0..<columns {
                    finite = finite && input[index].isFinite
                    let scaled = (input[index] * inverse).rounded(.toNearestOrEven)
                    output[index] = scaled.isFinite ? Int8(max(-127, min(127, scaled))) : 0
                }
                if !finite { scales[row] = .nan }
                (output + columns).update(repeating: 0, count: destinationStride - columns)
            }
        }
    }

    /// `C = dequantise(A · B)` with the weights' bias and optional ReLU, for `rows` rows of A (int8,
    /// `weights.paddedDepth` values each, row `r` at `a + r·lda`) with per-row scales; row `r` of C at `c + r·ldc`.
    /// Large products are split over `pool` by rows.
    package static func multiply(
        _ a: UnsafePointer<Int8>, rows: Int, lda: Int, rowScales: UnsafePointer<Float>, weights: PackedInt8Weights,
        into c: UnsafeMutablePointer<Float>, ldc: Int, relu: Bool, kernel: Int8Kernel, pool: ThreadPool = .shared
    ) {
        let work = rows * weights.paddedDepth * weights.paddedColumns
        let split = work >= 1 << 22 && rows >= 32 && pool.threadCount > 1
        let pieces = split ? min(pool.threadCount * 2, rows / 16) : 1
        let rowsPerPiece = (rows + pieces - 1) / pieces
        weights.packed.withUnsafeBufferPointer { packed in
            weights.columnScales.withUnsafeBufferPointer { scales in
                weights.columnSums.withUnsafeBufferPointer { sums in
                    withOptionalBuffer(weights.bias) { bias in
                        pool.parallelFor(pieces) { piece in
                            let first = piece * rowsPerPiece
                            let count = min(rowsPerPiece, rows - first)
                            guard count > 0 else { return }
                            var epilogue = LeptonInt8Epilogue(
                                row_scale: rowScales + first, col_scale: scales.baseAddress, bias: bias,
                                col_sums: sums.baseAddress, relu: relu ? 1 : 0)
                            run(
                                kernel, rows: count, columns: weights.columns, depth: weights.paddedDepth,
                                a: a + first * lda, lda: lda, packed: packed.baseAddress!, c: c + first * ldc, ldc: ldc,
                                epilogue: &epilogue, weights: weights)
                        }
                    }
                }
            }
        }
    }

    /// Quantises `rows` rows of `weights.depth` floats (row `r` at `source + r·sourceStride`; per row, or with the
    /// calibrated `fixedScale`, as ``quantizeRows(_:rows:columns:sourceStride:into:destinationStride:scales:fixedScale:kernel:)``)
    /// and multiplies them by the weights as ``multiply(_:rows:lda:rowScales:weights:into:ldc:relu:kernel:pool:)``.
    /// Rows are split over `pool` once: each piece quantises its own rows into a ``ScratchPool`` buffer and multiplies
    /// them, so quantisation runs in parallel too and nothing is allocated per call.
    package static func quantizeAndMultiply(
        _ source: UnsafePointer<Float>, rows: Int, sourceStride: Int, weights: PackedInt8Weights, fixedScale: Float?,
        into c: UnsafeMutablePointer<Float>, ldc: Int, relu: Bool, kernel: Int8Kernel, pool: ThreadPool = .shared
    ) {
        let depth = weights.paddedDepth
        let work = rows * depth * weights.paddedColumns
        let pieces = work >= 1 << 21 && rows >= 16 && pool.threadCount > 1 ? min(pool.threadCount * 2, rows / 8) : 1
        let rowsPerPiece = (rows + pieces - 1) / max(pieces, 1)
        pool.parallelFor(pieces) { piece in
            let first = piece * rowsPerPiece
            let count = min(rowsPerPiece, rows - first)
            guard count > 0 else { return }
            let codeFloats = (count * depth + 3) / 4
            ScratchPool.withBuffer(atLeast: count + codeFloats) { scales in
                (scales + count).withMemoryRebound(to: Int8.self, capacity: codeFloats * 4) { codes in
                    quantizeRows(
                        source + first * sourceStride, rows: count, columns: weights.depth, sourceStride: sourceStride,
                        into: codes, destinationStride: depth, scales: scales, fixedScale: fixedScale, kernel: kernel)
                    multiply(
                        codes, rows: count, lda: depth, rowScales: scales, weights: weights, into: c + first * ldc,
                        ldc: ldc, relu: relu, kernel: kernel, pool: .singleThreaded)
                }
            }
        }
    }

    private static func run(
        _ kernel: Int8Kernel, rows: Int, columns: Int, depth: Int, a: UnsafePointer<Int8>, lda: Int,
        packed: UnsafePointer<Int8>, c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: UnsafePointer<LeptonInt8Epilogue>, weights: PackedInt8Weights
    ) {
        switch kernel {
        case .vnni: lepton_int8_gemm_avx512vnni(rows, columns, depth, a, lda, packed, c, ldc, epilogue)
        case .avx2: lepton_int8_gemm_avx2(rows, columns, depth, a, lda, packed, c, ldc, epilogue)
        case .portable:
            portable(rows: rows, a: a, lda: lda, c: c, ldc: ldc, epilogue: epilogue.pointee, weights: weights)
        }
    }

    /// The plain Swift loop: exact int32 sums read from the packed layout.
    private static func portable(
        rows: Int, a: UnsafePointer<Int8>, lda: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: LeptonInt8Epilogue, weights: PackedInt8Weights
    ) {
        weights.packed.withUnsafeBufferPointer { packed in
            for row in 0..<rows {
                for column in 0..<weights.columns {
                    var sum: Int32 = 0
                    let panel = packed.baseAddress! + (column / 32) * weights.paddedDepth * 32 + (column % 32) * 4
                    for group in 0..<(weights.paddedDepth / 4) {
                        for lane in 0..<4 {
                            sum &+= Int32(a[row * lda + group * 4 + lane]) * Int32(panel[group * 128 + lane])
                        }
                    }
                    var value = Float(sum) * epilogue.row_scale[row] * epilogue.col_scale[column]
                    if let bias = epilogue.bias { value += bias[column] }
                    if epilogue.relu != 0 { value = max(value, 0) }
                    c[row * ldc + column] = value
                }
            }
        }
    }

    private static func withOptionalBuffer<R>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let values else { return body(nil) }
        return values.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
