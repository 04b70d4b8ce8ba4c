import Foundation
import Lepton
import LeptonKernels

/// `lepton-bench describe-csv --file F.csv [--threads N] [--mode parallel|sequential]`: `describe()` of a CSV file
/// in one streaming pass (bounded memory whatever the file size); prints the description to standard error and one
/// JSON line with the time. `parallel` (the default, what `StreamingDescriber.describe(csv:)` does) parses pieces
/// on `--threads` threads of the kernels' pool; `sequential` reads one record at a time through `CSVReader`.
///
/// Make a 1 GB test file with `python3 Benchmarks/make_large_csv.py /tmp/large.csv --gigabytes 1`, and measure
/// peak memory with `/usr/bin/time -v` (or `Benchmarks/compare_csv.py`, which also runs pandas and polars).
func runDescribeCSVBenchmark(_ arguments: BenchmarkArguments) throws {
    let path = arguments.string("file", default: "")
    guard !path.isEmpty else { throw BenchmarkArguments.Problem(description: "--file is required") }
    let threads = try arguments.integers("threads", default: [ThreadPool.processorCount])[0]
    guard threads >= 1 else { throw BenchmarkArguments.Problem(description: "--threads must be at least 1") }
    ThreadPool.shared.threadCount = threads
    let mode = arguments.string("mode", default: "parallel")
    guard mode == "parallel" || mode == "sequential" else {
        throw BenchmarkArguments.Problem(description: "--mode must be parallel or sequential, got \(mode)")
    }
    let url = URL(fileURLWithPath: path)
    let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.doubleValue ?? 0
    let start = Measurement.now()
    LoadMeter.start()
    let description =
        mode == "parallel"
        ? try StreamingDescriber.describe(csv: url)
        : try StreamingDescriber.describe(reader: CSVReader(url: url))
    LoadMeter.stop()
    let seconds = Measurement.now() - start
    FileHandle.standardError.write(Data(description.description.utf8))
    Measurement.report(
        task: mode == "parallel" ? "describe_csv" : "describe_csv_sequential", shape: [Int(bytes)],
        threads: mode == "parallel" ? threads : 1, samples: [seconds], work: bytes / 1e6, units: "MB/s",
        extra: ["rows": description.rowCount, "columns": description.columns.count])
}

/// `lepton-bench load-csv --file F.csv [--threads N]`: `Table(csv:)` of a CSV file (the whole table in memory);
/// one JSON line with the time. Peak memory: `/usr/bin/time -v` or `Benchmarks/compare_csv.py`.
func runLoadCSVBenchmark(_ arguments: BenchmarkArguments) throws {
    let path = arguments.string("file", default: "")
    guard !path.isEmpty else { throw BenchmarkArguments.Problem(description: "--file is required") }
    let threads = try arguments.integers("threads", default: [ThreadPool.processorCount])[0]
    guard threads >= 1 else { throw BenchmarkArguments.Problem(description: "--threads must be at least 1") }
    ThreadPool.shared.threadCount = threads
    let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.doubleValue ?? 0
    let start = Measurement.now()
    LoadMeter.start()
    let table = try Table(csv: URL(fileURLWithPath: path))
    LoadMeter.stop()
    let seconds = Measurement.now() - start
    Measurement.report(
        task: "load_csv", shape: [Int(bytes)], threads: threads, samples: [seconds], work: bytes / 1e6,
        units: "MB/s", extra: ["rows": table.rowCount, "columns": table.columns.count])
}
