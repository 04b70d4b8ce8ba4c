import Foundation

/// How busy this process and the rest of the machine were during a timed region, as in the baselines'
/// `common.py`: `cpu_util` is this process's CPU seconds per wall second (≈1 one core, ≈2 both);
/// `other_load` is the CPU seconds per second everything else used (other processes and hypervisor steal),
/// from `/proc/stat`. A measurement with `other_load` above about 0.1 was disturbed.
enum LoadMeter {
    struct Reading {
        let cpuUtilization: Double
        let otherLoad: Double
    }

    private nonisolated(unsafe) static var started: (wall: Double, process: Double, machine: Double)?
    /// The last completed region's reading (Linux only; nil elsewhere).
    nonisolated(unsafe) static var last: Reading?

    /// Starts a region.
    static func start() {
        guard let machine = machineBusySeconds() else { return }
        started = (Measurement.now(), processSeconds(), machine)
    }

    /// Ends the region started last.
    static func stop() {
        guard let begin = started, let machine = machineBusySeconds() else { return }
        let wall = Measurement.now() - begin.wall
        let process = processSeconds() - begin.process
        let everything = machine - begin.machine
        last = Reading(cpuUtilization: process / wall, otherLoad: Swift.max(0, (everything - process) / wall))
        started = nil
    }

    private static func processSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
            getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
    }

    /// user + nice + system + irq + softirq + steal over all cores, in seconds.
    private static func machineBusySeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first
        else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 8 else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]) / ticks
    }
}
