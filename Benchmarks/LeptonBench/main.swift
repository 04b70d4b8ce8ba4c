// lepton-bench: Lepton's speed, one JSON line per measurement (fields as in ../shared/baselines/common.py).
//
//   swift run -c release lepton-bench gemm --sizes 256,512,1024,2048 --threads 1,2
//   swift run -c release lepton-bench conv --threads 1,2

import Foundation
import Lepton

let commands: [String: (BenchmarkArguments) throws -> Void] = [
    "gemm": runGEMMBenchmark,
    "conv": runConvolutionBenchmark,
    "cnn-train": runCNNTrainingBenchmark,
    "cnn-infer": runCNNInferenceBenchmark,
    "cnn-concurrent": runConcurrentCallersBenchmark,
    "elementwise": runElementwiseBenchmark,
    "matmul": runMatmulBenchmark,
    "describe-csv": runDescribeCSVBenchmark,
    "load-csv": runLoadCSVBenchmark,
    "lstm": runLSTMBenchmark,
    "transformer-layer": runTransformerLayerBenchmark,
    "mlp-train": runMLPTrainingBenchmark,
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let command = commands[name] else {
    let known = commands.keys.sorted().joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: lepton-bench <\(known)> [--option value …]\n".utf8))
    exit(2)
}
do {
    try command(try BenchmarkArguments(Array(arguments.dropFirst())))
} catch {
    FileHandle.standardError.write(Data("lepton-bench \(name): \(error)\n".utf8))
    exit(1)
}
