import Lepton
import LeptonKernels

/// `lepton-bench elementwise`: relu, add and the fused axpy (`0.5·x + y`) over 10,000,000 floats through the
/// `Tensor` API, written into existing storage (`applying(_:into:)`, `combine(_:_:_:into:)`, `axpy(_:_:_:into:)`),
/// in GB/s (bytes read plus bytes written) and elements per second.
func runElementwiseBenchmark(_ arguments: BenchmarkArguments) throws {
    let count = try arguments.integers("count", default: [10_000_000])[0]
    let threadCounts = try arguments.integers("threads", default: [1, 2])
    let seconds = try arguments.double("seconds", default: 1.5)
    var generator = RandomGenerator(seed: 11)
    let x = Tensor.uniform([count], in: -1...1, using: &generator)
    let y = Tensor.uniform([count], in: -1...1, using: &generator)
    var output = Tensor.zeros([count])
    let floatBytes = Double(MemoryLayout<Float>.size)
    let tasks: [(String, Double, (inout Tensor) -> Void)] = [
        ("relu", 2, { x.applying(.relu, into: &$0) }),
        ("add", 3, { Tensor.combine(x, .add, y, into: &$0) }),
        ("axpy", 3, { Tensor.axpy(0.5, x, y, into: &$0) }),
    ]
    for (task, floatsPerElement, operation) in tasks {
        for threads in threadCounts {
            ThreadPool.shared.threadCount = threads
            let samples = Measurement.sample(targetSeconds: seconds) { operation(&output) }
            let median = Measurement.percentile(samples, 0.5)
            Measurement.report(
                task: task, shape: [count], threads: threads, samples: samples,
                work: Double(count) * floatsPerElement * floatBytes / 1e9, units: "GB/s",
                extra: ["elements_per_second": Double(count) / median])
        }
    }
}

/// `lepton-bench matmul`: `Tensor` matmul against the raw `sgemm` kernel on the same square matrices, to show the
/// cost of the `Tensor` layer (allocation, shape checks) at each size.
func runMatmulBenchmark(_ arguments: BenchmarkArguments) throws {
    let sizes = try arguments.integers("sizes", default: [512])
    let threadCounts = try arguments.integers("threads", default: [1, 2])
    let seconds = try arguments.double("seconds", default: 1.5)
    for size in sizes {
        var generator = RandomGenerator(seed: 5)
        let a = Tensor.uniform([size, size], in: -1...1, using: &generator)
        let b = Tensor.uniform([size, size], in: -1...1, using: &generator)
        var c = [Float](repeating: 0, count: size * size)
        let aValues = a.scalars
        let bValues = b.scalars
        let gflop = 2 * Double(size * size * size) / 1e9
        for threads in threadCounts {
            ThreadPool.shared.threadCount = threads
            // Alternate the two so both see the same machine state.
            var raw: [Double] = []
            var tensor: [Double] = []
            for _ in 0..<3 {
                raw += Measurement.sample(targetSeconds: seconds / 6) {
                    c.withUnsafeMutableBufferPointer { output in
                        sgemm(
                            .none, .none, m: size, n: size, k: size, a: aValues, lda: size, b: bValues, ldb: size,
                            c: output.baseAddress!, ldc: size)
                    }
                }
                tensor += Measurement.sample(targetSeconds: seconds / 6) { _ = matmul(a, b) }
            }
            let ratio = Measurement.percentile(raw, 0.5) / Measurement.percentile(tensor, 0.5)
            Measurement.report(
                task: "sgemm_raw", shape: [size, size, size], threads: threads, samples: raw, work: gflop,
                units: "GFLOP/s")
            Measurement.report(
                task: "tensor_matmul", shape: [size, size, size], threads: threads, samples: tensor, work: gflop,
                units: "GFLOP/s", extra: ["speed_relative_to_raw_kernel": ratio])
        }
    }
}
