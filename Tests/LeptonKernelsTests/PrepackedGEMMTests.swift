import Testing

@testable import LeptonKernels

/// One product with a packed B.
private struct PrepackedCase: CustomStringConvertible {
    var m: Int
    var n: Int
    var k: Int
    var transB: Transpose
    var padding = 0
    var alpha: Float = 1
    var beta: Float = 0
    var bias: GEMMEpilogue.BiasAxis?
    var relu = false

    var description: String {
        "m=\(m) n=\(n) k=\(k) B \(transB) pad=\(padding) alpha=\(alpha) beta=\(beta) "
            + "bias=\(String(describing: bias)) relu=\(relu)"
    }

    /// Runs the case with `kernel`'s packing and loops (several products reuse one packing) and returns the worst
    /// error over the tolerance (≤ 0 passes).
    func excess(kernel: TileKernel, pool: ThreadPool?, seed: UInt64) -> Float {
        var random = TestRandom(seed: seed)
        let lda = max(1, k + padding)
        let ldb = max(1, (transB == .none ? n : k) + padding)
        let ldc = max(1, n + padding)
        let b = random.floats(max(1, (transB == .none ? k : n) * ldb))
        let biasValues = bias.map { random.floats(max(1, $0 == .perRow ? m : n)) }
        var storage = [Float](
            repeating: .nan, count: PrepackedMatrix.storageCount(k: k, n: n, kernel: kernel))
        var worst = -Float.infinity
        storage.withUnsafeMutableBufferPointer { packedStorage in
            let packed = PrepackedMatrix(
                transB, k: k, n: n, b: b, ldb: ldb, into: packedStorage.baseAddress!, kernel: kernel)
            // The same packing serves several products, as the steps of a sequence use it.
            for _ in 0..<3 {
                let a = random.floats(max(1, m * lda))
                var c = random.floats(max(1, m * ldc))
                if beta == 0 {
                    // Garbage that must not leak into the result when beta is 0.
                    for index in c.indices where index % 3 == 0 { c[index] = .nan }
                }
                let expected = referenceGEMM(
                    .none, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c,
                    ldc: ldc, epilogue: (biasValues, bias == .perRow, relu))
                var actual = c
                let tolerance = 1e-5 * Float(max(k, 1)).squareRoot() * 4
                withBias(biasValues) { biasPointer in
                    actual.withUnsafeMutableBufferPointer { output in
                        sgemm(
                            m: m, alpha: alpha, a: a, lda: lda, b: packed, beta: beta, c: output.baseAddress!, ldc: ldc,
                            epilogue: GEMMEpilogue(
                                bias: biasPointer, biasAxis: bias ?? .perColumn, activation: relu ? .relu : .identity),
                            pool: pool)
                    }
                }
                worst = max(worst, maxAbsDifference(actual, expected) - tolerance)
            }
        }
        return worst
    }

    private func withBias<R>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let values else { return body(nil) }
        return values.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

@Suite("SGEMM with a packed B against a reference")
struct PrepackedGEMMTests {
    @Test("every kernel, both layouts of B, awkward sizes", arguments: TileKernel.supported.map(\.name))
    func awkwardShapes(kernelName: String) {
        let kernel = TileKernel.supported.first { $0.name == kernelName }!
        var seed: UInt64 = 5000
        for transB in [Transpose.none, .transposed] {
            for m in [1, 3, 4, 5, 13, 64] {
                for n in [1, 31, 33, 130] {
                    // k = 300 spans two depth blocks of every kernel.
                    for k in [1, 17, 128, 300] {
                        seed += 1
                        let spec = PrepackedCase(m: m, n: n, k: k, transB: transB)
                        #expect(spec.excess(kernel: kernel, pool: nil, seed: seed) <= 0, "\(kernelName) \(spec)")
                    }
                }
            }
        }
    }

    @Test("strides, alpha, beta, bias and relu", arguments: TileKernel.supported.map(\.name))
    func epilogue(kernelName: String) {
        let kernel = TileKernel.supported.first { $0.name == kernelName }!
        var seed: UInt64 = 6000
        for transB in [Transpose.none, .transposed] {
            for (m, n, k) in [(2, 40, 300), (29, 65, 31), (64, 512, 128)] {
                for (alpha, beta) in [(Float(1), Float(1)), (-0.5, 0.25)] {
                    for bias in [nil, GEMMEpilogue.BiasAxis.perRow, .perColumn] {
                        seed += 1
                        let spec = PrepackedCase(
                            m: m, n: n, k: k, transB: transB, padding: 3, alpha: alpha, beta: beta, bias: bias,
                            relu: bias != nil)
                        #expect(spec.excess(kernel: kernel, pool: nil, seed: seed) <= 0, "\(kernelName) \(spec)")
                    }
                }
            }
        }
    }

    @Test("multi-threaded products (columns and rows split) equal the reference", arguments: [2, 3])
    func threaded(threads: Int) {
        let pool = ThreadPool(threadCount: threads)
        var seed: UInt64 = 7000
        // 512 columns split by panels; 40 columns (fewer panels than threads) split by rows.
        for (m, n, k) in [(64, 512, 128), (300, 40, 512), (97, 129, 257)] {
            for transB in [Transpose.none, .transposed] {
                seed += 1
                let spec = PrepackedCase(m: m, n: n, k: k, transB: transB, padding: 1, beta: 1)
                #expect(spec.excess(kernel: .best, pool: pool, seed: seed) <= 0, "\(threads) threads \(spec)")
            }
        }
    }

    @Test("empty and degenerate sizes")
    func degenerate() {
        var seed: UInt64 = 8000
        for (m, n, k) in [(0, 5, 3), (5, 0, 3), (4, 6, 0)] {
            for beta: Float in [0, 0.5] {
                seed += 1
                let spec = PrepackedCase(m: m, n: n, k: k, transB: .none, beta: beta, bias: .perColumn)
                #expect(spec.excess(kernel: .best, pool: nil, seed: seed) <= 0, "\(spec)")
            }
        }
    }
}
