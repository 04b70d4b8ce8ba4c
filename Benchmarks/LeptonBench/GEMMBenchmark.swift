import LeptonKernels

/// `lepton-bench gemm`: square SGEMM, C = A·B, per size and thread count.
func runGEMMBenchmark(_ arguments: BenchmarkArguments) throws {
    let sizes = try arguments.integers("sizes", default: [256, 512, 1024, 2048])
    let threadCounts = try arguments.integers("threads", default: [1, 2])
    let seconds = try arguments.double("seconds", default: 1.5)
    for size in sizes {
        var generator = BenchmarkRandom(seed: 42)
        let a = (0..<size * size).map { _ in generator.nextFloat() }
        let b = (0..<size * size).map { _ in generator.nextFloat() }
        var c = [Float](repeating: 0, count: size * size)
        for threads in threadCounts {
            let pool = ThreadPool(threadCount: threads)
            let samples = Measurement.sample(targetSeconds: seconds) {
                c.withUnsafeMutableBufferPointer { cBuffer in
                    sgemm(
                        .none, .none, m: size, n: size, k: size, a: a, lda: size, b: b, ldb: size,
                        c: cBuffer.baseAddress!, ldc: size, pool: pool)
                }
            }
            Measurement.report(
                task: "sgemm", shape: [size, size, size], threads: threads, samples: samples,
                work: 2 * Double(size * size * size) / 1e9, units: "GFLOP/s", extra: ["kernel": sgemmKernelName])
        }
    }
}

/// A small deterministic generator for benchmark inputs (values in [-1, 1)).
struct BenchmarkRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func nextFloat() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(state >> 40) / Float(1 << 23) - 1
    }
}
