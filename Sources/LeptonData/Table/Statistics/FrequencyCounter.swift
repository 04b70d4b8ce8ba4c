/// Counts how often values occur, exactly while there are at most `capacity` distinct values and within a
/// guaranteed error beyond (a Misra–Gries summary with batched decrements).
///
/// When a new value arrives and `capacity` values are tracked, every count is lowered by the median count
/// and values that reach zero are dropped (at least half of them). Each tracked count then undercounts by
/// at most ``maxUndercount``, the sum of those decrements, which never exceeds `2n / capacity` for `n`
/// values; any value occurring more than that many times is guaranteed to be tracked.
struct FrequencyCounter {
    private let capacity: Int
    /// Count and text per value hash; the text is created once, when the value is first tracked.
    private var entries: [UInt64: (count: Int, value: String)] = [:]
    /// The most any tracked count may undercount its value (0 while exact).
    private(set) var maxUndercount = 0

    init(capacity: Int) {
        precondition(capacity >= 2, "FrequencyCounter: capacity \(capacity) must be at least 2")
        self.capacity = capacity
    }

    /// Counts one occurrence of the value with `hash`; `value` makes its text if it is not tracked yet.
    mutating func add(hash: UInt64, value: () -> String) {
        if let index = entries.index(forKey: hash) {
            entries.values[index].count += 1
            return
        }
        if entries.count >= capacity { purge() }
        entries[hash] = (1, value())
    }

    /// Adds the counts of `other` (a Misra–Gries merge). While the two together track at most `capacity`
    /// values nothing is dropped and the counts are exact sums; otherwise medians are subtracted until at most
    /// `capacity` remain, and ``maxUndercount`` grows by the decrements of both summaries and of this merge.
    mutating func merge(_ other: FrequencyCounter) {
        for (hash, entry) in other.entries {
            if let index = entries.index(forKey: hash) {
                entries.values[index].count += entry.count
            } else {
                entries[hash] = entry
            }
        }
        maxUndercount += other.maxUndercount
        while entries.count > capacity { purge() }
    }

    /// Subtracts the median count from every count and drops the values that reach zero.
    private mutating func purge() {
        let counts = entries.values.map(\.count).sorted()
        let decrement = counts[counts.count / 2]
        maxUndercount += decrement
        entries = entries.compactMapValues { entry in
            entry.count > decrement ? (entry.count - decrement, entry.value) : nil
        }
    }

    /// The `limit` largest counts, largest first, ties by value.
    func top(_ limit: Int) -> [ValueCount] {
        let counts = entries.values.map { ValueCount(value: $0.value, count: $0.count) }
        return Array(counts.sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }.prefix(limit))
    }
}
