import Foundation

/// Wall-clock timing of repeated calls, and the JSON line that reports it.
enum Measurement {
    /// Seconds on a monotonic clock.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Times `body` after `warmUp` untimed calls, repeating until about `targetSeconds` have passed (at least
    /// `minimumRepeats` samples); returns the per-call seconds.
    static func sample(
        warmUp: Int = 3, targetSeconds: Double = 1.5, minimumRepeats: Int = 10, maximumRepeats: Int = 5_000,
        _ body: () -> Void
    ) -> [Double] {
        for _ in 0..<warmUp { body() }
        LoadMeter.start()
        defer { LoadMeter.stop() }
        var samples: [Double] = []
        let start = now()
        while samples.count < maximumRepeats && (samples.count < minimumRepeats || now() - start < targetSeconds) {
            let begin = now()
            body()
            samples.append(now() - begin)
        }
        return samples
    }

    /// The `fraction` percentile of `samples` (linear interpolation, as numpy does).
    static func percentile(_ samples: [Double], _ fraction: Double) -> Double {
        let sorted = samples.sorted()
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let weight = position - Double(lower)
        return sorted[lower] * (1 - weight) + sorted[upper] * weight
    }

    /// Prints one measurement as a JSON line on standard output.
    ///
    /// - Parameters:
    ///   - task: The task id ("sgemm", "conv2d_forward", …).
    ///   - shape: The problem's dimensions.
    ///   - threads: Threads the kernels were allowed to use.
    ///   - samples: Seconds per timed unit.
    ///   - work: Work per unit, in `units` (FLOPs ×1e-9 for GFLOP/s, samples for samples/s).
    ///   - units: The throughput unit.
    ///   - extra: More fields to include.
    static func report(
        task: String, shape: [Int], threads: Int, samples: [Double], work: Double, units: String,
        extra: [String: Any] = [:]
    ) {
        let median = percentile(samples, 0.5)
        var fields: [String: Any] = [
            "framework": "lepton",
            "task": task,
            "shape": shape,
            "threads": threads,
            "median_seconds": median,
            "p10": percentile(samples, 0.1),
            "p90": percentile(samples, 0.9),
            "p99": percentile(samples, 0.99),
            "min": samples.min() ?? 0,
            "max": samples.max() ?? 0,
            "repeats": samples.count,
            "throughput": work / median,
            "units": units,
        ]
        if units == "GFLOP/s" { fields["gflops"] = work / median }
        if let load = LoadMeter.last {
            fields["cpu_util"] = load.cpuUtilization
            fields["other_load"] = load.otherLoad
        }
        for (key, value) in extra { fields[key] = value }
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        print(String(decoding: data, as: UTF8.self))
        fflush(nil)
    }
}
