/// `lepton-bench conv`: the reference CNN's first layer, forward and backward.
func runConvolutionBenchmark(_ arguments: BenchmarkArguments) throws {
    throw BenchmarkArguments.Problem(description: "the convolution kernels are not built yet")
}
