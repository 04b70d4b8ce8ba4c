import Foundation
import Lepton

/// `lepton-bench describe-csv --file F.csv`: `describe()` of a CSV file in one streaming pass (bounded memory
/// whatever the file size); prints the description to standard error and one JSON line with the time.
///
/// Make a 1 GB test file with `python3 Benchmarks/make_large_csv.py /tmp/large.csv --gigabytes 1`, and measure
/// peak memory with `/usr/bin/time -v`.
func runDescribeCSVBenchmark(_ arguments: BenchmarkArguments) throws {
    let path = arguments.string("file", default: "")
    guard !path.isEmpty else { throw BenchmarkArguments.Problem(description: "--file is required") }
    let url = URL(fileURLWithPath: path)
    let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.doubleValue ?? 0
    let start = Measurement.now()
    LoadMeter.start()
    let description = try StreamingDescriber.describe(csv: url)
    LoadMeter.stop()
    let seconds = Measurement.now() - start
    FileHandle.standardError.write(Data(description.description.utf8))
    Measurement.report(
        task: "describe_csv", shape: [Int(bytes)], threads: 1, samples: [seconds], work: bytes / 1e6, units: "MB/s",
        extra: ["rows": description.rowCount, "columns": description.columns.count])
}
