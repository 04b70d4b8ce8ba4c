import Foundation
import LeptonSupport
import Testing

@testable import LeptonData

@Suite("Bounded-memory statistics: quantile sketch, distinct counter, frequency counter")
struct StreamingStatisticsTests {
    /// Values with ties and a skew: a mix of normal-ish sums and small integers.
    private static func values(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { index in
            let uniform = Double(generator.next() >> 11) / Double(1 << 53)
            return index % 5 == 0 ? Double(generator.next() % 20) : uniform * uniform * 1000
        }
    }

    /// The first index of sorted `values` where `predicate` holds (binary search; `predicate` is monotone).
    private func firstIndex(in values: [Double], where predicate: (Double) -> Bool) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if predicate(values[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    @Test("exact while short: the same quartiles as sorting")
    func exactSketch() {
        let data = Self.values(999, seed: 1)
        var sketch = QuantileSketch(exactLimit: 1000, levelCapacity: 8)
        for value in data { sketch.add(value) }
        #expect(sketch.isExact && sketch.rankErrorBound == 0)
        let sorted = data.sorted()
        for p in [0, 0.25, 0.5, 0.75, 1] { #expect(sketch.quantile(p) == Quantile.linear(sorted: sorted, p)) }
    }

    @Test("beyond the exact limit every quantile's rank error stays within the reported bound")
    func approximateSketch() {
        let data = Self.values(60_000, seed: 2)
        var sketch = QuantileSketch(exactLimit: 1000, levelCapacity: 32)
        for value in data { sketch.add(value) }
        #expect(!sketch.isExact && sketch.count == data.count)
        let bound = sketch.rankErrorBound
        // The documented size of the bound: about log2(n / k) / k.
        #expect(bound > 0 && bound <= (log2(Double(data.count) / 32) + 2) / 32, "bound \(bound)")
        let sorted = data.sorted()
        let n = Double(sorted.count)
        var worst = 0.0
        for p in stride(from: 0.0, through: 1.0, by: 0.05) {
            let estimate = sketch.quantile(p)!
            // The ranks the estimate occupies in the true data; the target rank p(n-1) should be near them.
            let below = Double(firstIndex(in: sorted) { $0 >= estimate })
            let atOrBelow = Double(firstIndex(in: sorted) { $0 > estimate })
            let target = p * (n - 1)
            let error = target < below ? below - target : max(0, target - atOrBelow + 1)
            worst = max(worst, error / n)
        }
        #expect(worst <= bound + 1 / n, "worst rank error \(worst), bound \(bound)")
    }

    @Test("distinct counts: exact below the limit, HyperLogLog within 3% above")
    func distinctCounter() {
        var generator = SplitMix64(seed: 3)
        var counter = DistinctCounter(exactLimit: 1000)
        for index in 0..<900 { counter.add(StableHash.number(Double(index % 450))) }
        #expect(counter.isExact && counter.count == 450)
        for _ in 0..<60_000 { counter.add(StableHash.number(Double(generator.next() % 50_000))) }
        // 50,000 draws of 60,000 cover about 50,000 * (1 - e^-1.2) values, plus the 450 small ones.
        var seen = Set<UInt64>()
        generator = SplitMix64(seed: 3)
        for _ in 0..<60_000 { seen.insert(generator.next() % 50_000) }
        let truth = Double(seen.union((0..<450).map { UInt64($0) }).count)
        #expect(!counter.isExact)
        #expect(abs(Double(counter.count) - truth) / truth < 0.03, "estimate \(counter.count), truth \(truth)")
    }

    @Test("frequency counter: exact when small, bounded undercount and all heavy hitters when large")
    func frequencyCounter() {
        var generator = SplitMix64(seed: 4)
        var counter = FrequencyCounter(capacity: 64)
        var truth: [String: Int] = [:]
        let n = 50_000
        for _ in 0..<n {
            // Zipf-like: value k with probability about 1/k over 1...5000.
            let uniform = Double(generator.next() >> 11) / Double(1 << 53)
            let key = String(Int(pow(5000, uniform)))
            truth[key, default: 0] += 1
            var bytes = Array(key.utf8)
            let hash = bytes.withUnsafeMutableBufferPointer { StableHash.bytes(UnsafeBufferPointer($0)) }
            counter.add(hash: hash) { key }
        }
        #expect(counter.maxUndercount > 0 && counter.maxUndercount <= 2 * n / 64)
        for item in counter.top(10) {
            let actual = truth[item.value]!
            #expect(item.count <= actual && actual - item.count <= counter.maxUndercount, "\(item.value)")
        }
        let heavy = truth.filter { $0.value > counter.maxUndercount }.sorted { $0.value > $1.value }.prefix(5)
        #expect(Set(counter.top(5).map(\.value)) == Set(heavy.map(\.key)))

        var small = FrequencyCounter(capacity: 64)
        for index in 0..<1000 { small.add(hash: UInt64(index % 7)) { String(index % 7) } }
        #expect(
            small.maxUndercount == 0
                && small.top(2) == [ValueCount(value: "0", count: 143), ValueCount(value: "1", count: 143)])
    }

    @Test("StreamingDescriber with small limits stays close to the exact describe()")
    func streamingVersusExact() throws {
        let directory = try TestResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("big.csv")
        let data = Self.values(8_000, seed: 5)
        var generator = SplitMix64(seed: 6)
        let writer = try CSVWriter(url: url)
        try writer.write(["x", "word", "id"])
        for (index, value) in data.enumerated() {
            let word = ["alpha", "beta", "gamma", "delta"][Int(generator.next() % 4)]
            try writer.write([index % 97 == 0 ? "NA" : "\(value)", word, "id\(index)"])
        }
        try writer.finish()
        let limits = StreamingDescriber.Limits(
            exactQuantileValues: 500, sketchLevelCapacity: 128, exactDistinctValues: 1000, trackedValues: 16)
        let streamed = try StreamingDescriber.describe(csv: url, limits: limits)
        let exact = try Table(csv: url).describe()
        #expect(streamed.rowCount == exact.rowCount)
        for (approximate, truth) in zip(streamed.columns, exact.columns) {
            #expect(approximate.type == truth.type && approximate.count == truth.count)
            #expect(approximate.missing == truth.missing)
            let relativeDistinctError = abs(Double(approximate.distinct - truth.distinct)) / Double(truth.distinct)
            #expect(relativeDistinctError < 0.03, "\(truth.name): \(approximate.distinct) vs \(truth.distinct)")
        }
        let x = try #require(streamed["x"]?.numbers)
        let xTruth = try #require(exact["x"]?.numbers)
        #expect(
            close(x.mean, xTruth.mean, tolerance: 1e-10)
                && close(x.standardDeviation, xTruth.standardDeviation, tolerance: 1e-10))
        #expect(x.minimum == xTruth.minimum && x.maximum == xTruth.maximum)
        #expect(x.quantileRankError > 0 && x.quantileRankError < 0.1)
        #expect(streamed["word"]?.topValues == exact["word"]?.topValues)
        #expect(streamed["id"]?.type == .text && streamed["id"]?.distinctIsExact == false)
    }
}
