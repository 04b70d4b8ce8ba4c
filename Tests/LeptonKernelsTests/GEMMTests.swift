import Testing

@testable import LeptonKernels

private struct GEMMCase: CustomStringConvertible {
    var m: Int
    var n: Int
    var k: Int
    var transA: Transpose
    var transB: Transpose
    var padding = 0
    var alpha: Float = 1
    var beta: Float = 0
    var bias: GEMMEpilogue.BiasAxis?
    var relu = false

    var description: String {
        "m=\(m) n=\(n) k=\(k) \(transA)/\(transB) pad=\(padding) alpha=\(alpha) beta=\(beta) bias=\(String(describing: bias)) relu=\(relu)"
    }
}

/// Runs one case through `kernel` and compares with the reference; returns the worst error over the tolerance.
private func check(_ spec: GEMMCase, kernel: TileKernel, pool: ThreadPool, seed: UInt64) -> Float {
    var random = TestRandom(seed: seed)
    let (m, n, k) = (spec.m, spec.n, spec.k)
    let lda = max(1, (spec.transA == .none ? k : m) + spec.padding)
    let ldb = max(1, (spec.transB == .none ? n : k) + spec.padding)
    let ldc = max(1, n + spec.padding)
    let a = random.floats(max(1, (spec.transA == .none ? m : k) * lda))
    let b = random.floats(max(1, (spec.transB == .none ? k : n) * ldb))
    var c = random.floats(max(1, m * ldc))
    if spec.beta == 0 {
        // Garbage that must not leak into the result when beta is 0.
        for index in c.indices where index % 3 == 0 { c[index] = .nan }
    }
    let biasCount = spec.bias == .perRow ? m : n
    let bias = spec.bias == nil ? nil : random.floats(max(1, biasCount))
    let expected = referenceGEMM(
        spec.transA, spec.transB, m: m, n: n, k: k, alpha: spec.alpha, a: a, lda: lda, b: b, ldb: ldb,
        beta: spec.beta, c: c, ldc: ldc, epilogue: (bias, spec.bias == .perRow, spec.relu))
    var actual = c
    bias.withUnsafeBufferPointerIfPresent { biasPointer in
        let epilogue = GEMMEpilogue(
            bias: biasPointer, biasAxis: spec.bias ?? .perColumn, activation: spec.relu ? .relu : .identity)
        actual.withUnsafeMutableBufferPointer { output in
            GEMMDriver(
                spec.transA, spec.transB, m: m, n: n, k: k, alpha: spec.alpha, a: a, lda: lda, b: b, ldb: ldb,
                beta: spec.beta, c: output.baseAddress!, ldc: ldc, epilogue: epilogue, kernel: kernel
            ).run(pool: pool)
        }
    }
    // Padding columns of C must be untouched; compare the whole buffer.
    let tolerance = 1e-5 * Float(max(k, 1)).squareRoot() * 4
    return maxAbsDifference(actual, expected) - tolerance
}

extension Optional where Wrapped == [Float] {
    fileprivate func withUnsafeBufferPointerIfPresent<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        switch self {
        case .none: return body(nil)
        case .some(let values): return values.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }
}

@Suite("SGEMM against a reference")
struct GEMMTests {
    static let awkwardSizes = [1, 3, 7, 17, 31, 64, 129]
    static let transposes: [(Transpose, Transpose)] = [
        (.none, .none), (.none, .transposed), (.transposed, .none), (.transposed, .transposed),
    ]

    @Test("every kernel, every transpose, awkward sizes", arguments: TileKernel.supported.map(\.name))
    func awkwardShapes(kernelName: String) {
        let kernel = TileKernel.supported.first { $0.name == kernelName }!
        let pool = ThreadPool(threadCount: 1)
        var seed: UInt64 = 1
        for (transA, transB) in Self.transposes {
            for m in Self.awkwardSizes {
                for n in [1, 7, 31, 64, 129, 180] {
                    for k in [1, 17, 129] {
                        seed += 1
                        let spec = GEMMCase(m: m, n: n, k: k, transA: transA, transB: transB)
                        let excess = check(spec, kernel: kernel, pool: pool, seed: seed)
                        #expect(excess <= 0, "\(kernelName) \(spec)")
                    }
                }
            }
        }
    }

    @Test("leading dimensions wider than the matrix, alpha and beta", arguments: TileKernel.supported.map(\.name))
    func stridesAlphaBeta(kernelName: String) {
        let kernel = TileKernel.supported.first { $0.name == kernelName }!
        let pool = ThreadPool(threadCount: 1)
        var seed: UInt64 = 1000
        for (transA, transB) in Self.transposes {
            for (m, n, k) in [(3, 5, 7), (17, 31, 64), (40, 33, 300), (13, 70, 450)] {
                for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
                    seed += 1
                    let spec = GEMMCase(
                        m: m, n: n, k: k, transA: transA, transB: transB, padding: 5, alpha: alpha, beta: beta)
                    #expect(check(spec, kernel: kernel, pool: pool, seed: seed) <= 0, "\(kernelName) \(spec)")
                }
            }
        }
    }

    @Test("fused bias and relu epilogue", arguments: TileKernel.supported.map(\.name))
    func epilogue(kernelName: String) {
        let kernel = TileKernel.supported.first { $0.name == kernelName }!
        let pool = ThreadPool(threadCount: 1)
        var seed: UInt64 = 2000
        for axis in [GEMMEpilogue.BiasAxis.perRow, .perColumn] {
            for relu in [false, true] {
                // k = 700 spans several depth blocks: bias and relu must apply once, after the last one.
                for (m, n, k) in [(1, 1, 1), (7, 33, 700), (29, 65, 31), (2, 100, 5)] {
                    seed += 1
                    let spec = GEMMCase(
                        m: m, n: n, k: k, transA: .none, transB: .none, padding: 2, beta: 0.5, bias: axis, relu: relu)
                    #expect(check(spec, kernel: kernel, pool: pool, seed: seed) <= 0, "\(kernelName) \(spec)")
                }
            }
        }
    }

    @Test("a fused relu propagates NaN, as the element-wise relu does", arguments: TileKernel.supported.map(\.name))
    func reluPropagatesNaN(kernelName: String) {
        let kernel = TileKernel.supported.first { $0.name == kernelName }!
        var random = TestRandom(seed: 2100)
        // Enough rows and columns for whole tiles and edges; rows 3 and 11 of A hold a NaN.
        let (m, n, k) = (13, 40, 20)
        var a = random.floats(m * k)
        a[3 * k + 7] = .nan
        a[11 * k] = .nan
        let b = random.floats(k * n)
        var c = [Float](repeating: 0, count: m * n)
        c.withUnsafeMutableBufferPointer { output in
            GEMMDriver(
                .none, .none, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n, beta: 0, c: output.baseAddress!,
                ldc: n, epilogue: GEMMEpilogue(bias: nil, biasAxis: .perColumn, activation: .relu), kernel: kernel
            ).run(pool: ThreadPool(threadCount: 1))
        }
        for row in 0..<m {
            let values = c[(row * n)..<((row + 1) * n)]
            let allNaN = values.allSatisfy { $0.isNaN }
            let rectified = values.allSatisfy { $0 >= 0 }
            if row == 3 || row == 11 {
                #expect(allNaN, "\(kernelName): row \(row) should be NaN")
            } else {
                #expect(rectified, "\(kernelName): row \(row) should be rectified and finite")
            }
        }
    }

    @Test("empty and degenerate sizes")
    func degenerate() {
        let pool = ThreadPool(threadCount: 2)
        var seed: UInt64 = 3000
        for (m, n, k) in [(0, 5, 3), (5, 0, 3), (4, 6, 0), (0, 0, 0)] {
            for beta: Float in [0, 0.5] {
                seed += 1
                let spec = GEMMCase(m: m, n: n, k: k, transA: .none, transB: .none, beta: beta, bias: .perColumn)
                #expect(check(spec, kernel: .best, pool: pool, seed: seed) <= 0, "\(spec)")
            }
        }
    }

    @Test("multi-threaded results equal the reference", arguments: [2, 3])
    func threaded(threads: Int) {
        let pool = ThreadPool(threadCount: threads)
        var seed: UInt64 = 4000
        for (transA, transB) in Self.transposes {
            for (m, n, k) in [(300, 97, 130), (64, 400, 257), (129, 129, 129)] {
                seed += 1
                let spec = GEMMCase(m: m, n: n, k: k, transA: transA, transB: transB, padding: 3, beta: 1)
                #expect(check(spec, kernel: .best, pool: pool, seed: seed) <= 0, "\(threads) threads \(spec)")
            }
        }
    }

    @Test(
        "few-rows products with a B beyond half an L2 split over threads and equal the reference",
        arguments: TileKernel.supported.map(\.name))
    func fewRowsStreamingSplit(kernelName: String) {
        let kernel = TileKernel.supported.first { $0.name == kernelName }!
        var seed: UInt64 = 5000
        // k·n ≥ fewRowsStreamingThreshold with 2·m·n·k below parallelThreshold: split only for the size of B, into
        // uneven column slivers (n = 97), with both bias axes and ReLU, for 2 and 3 threads.
        for threads in [2, 3] {
            let pool = ThreadPool(threadCount: threads)
            for (m, n, k) in [(1, 97, 2_000), (3, 64, 2_100), (2, 256, 600)] {
                #expect(k * n >= GEMMDriver.fewRowsStreamingThreshold && 2 * m * n * k < GEMMDriver.parallelThreshold)
                for (axis, relu) in [(GEMMEpilogue.BiasAxis.perColumn, true), (.perRow, false)] {
                    seed += 1
                    let spec = GEMMCase(
                        m: m, n: n, k: k, transA: .none, transB: .none, padding: 1, beta: 0, bias: axis, relu: relu)
                    #expect(check(spec, kernel: kernel, pool: pool, seed: seed) <= 0, "\(kernelName) \(spec)")
                }
            }
        }
    }

    @Test(
        "products of at most two row slivers read B in place: full and ragged column slivers, depth blocks, strides",
        arguments: TileKernel.supported.map(\.name))
    func fewSliversReadBInPlace(kernelName: String) {
        let kernel = TileKernel.supported.first { $0.name == kernelName }!
        let pool = ThreadPool(threadCount: 1)
        var seed: UInt64 = 6000
        for transA in [Transpose.none, .transposed] {
            // m up to 2·mr, n of a full sliver plus a ragged one (and several full ones), k across depth blocks.
            for m in [5, 9, 2 * kernel.mr] {
                for n in [kernel.nr + 9, 3 * kernel.nr + 1, 2 * kernel.nr] {
                    for k in [37, kernel.kc + 45] {
                        seed += 1
                        let spec = GEMMCase(
                            m: m, n: n, k: k, transA: transA, transB: .none, padding: 3, beta: 0.5, bias: .perColumn)
                        #expect(check(spec, kernel: kernel, pool: pool, seed: seed) <= 0, "\(kernelName) \(spec)")
                    }
                }
            }
        }
    }

    @Test("partition covers the range in aligned pieces")
    func partition() {
        for (count, unit, parts) in [(100, 8, 2), (7, 8, 2), (1000, 12, 3), (33, 16, 5)] {
            let ranges = GEMMDriver.partition(count, unit: unit, parts: parts)
            #expect(ranges.first?.lowerBound == 0)
            #expect(ranges.last?.upperBound == count)
            #expect(ranges.count <= parts)
            for (left, right) in zip(ranges, ranges.dropFirst()) {
                #expect(left.upperBound == right.lowerBound)
                #expect(left.upperBound % unit == 0)
            }
        }
    }
}
