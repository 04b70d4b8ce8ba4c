/// A set of 64-bit hashes with open addressing and linear probing, for ``DistinctCounter``.
///
/// The values are hashes that are already well mixed (``StableHash``), so their low bits index the table
/// directly, without hashing them again as `Set<UInt64>` does. The table is kept at most half full.
struct HashSet64 {
    /// The stored values; 0 marks an empty slot (a stored 0 is tracked by `containsZero`).
    private var slots: [UInt64]
    private var containsZero = false
    /// The number of values stored.
    private(set) var count = 0

    /// An empty set with room for a few values.
    init() { slots = [UInt64](repeating: 0, count: 16) }

    /// Adds `value`; returns whether it was new.
    @discardableResult
    mutating func insert(_ value: UInt64) -> Bool {
        if value == 0 {
            if containsZero { return false }
            containsZero = true
            count += 1
            return true
        }
        if (count + 1) * 2 > slots.count { grow() }
        let inserted = slots.withUnsafeMutableBufferPointer { table in
            Self.place(value, in: table)
        }
        if inserted { count += 1 }
        return inserted
    }

    /// Calls `body` with every value, in no particular order.
    func forEachValue(_ body: (UInt64) -> Void) {
        if containsZero { body(0) }
        for value in slots where value != 0 { body(value) }
    }

    /// Puts `value` (not 0) in its slot or the next free one; `false` if it is there already.
    private static func place(_ value: UInt64, in table: UnsafeMutableBufferPointer<UInt64>) -> Bool {
        let mask = table.count - 1
        var index = Int(truncatingIfNeeded: value) & mask
        while true {
            let stored = table[index]
            if stored == value { return false }
            if stored == 0 {
                table[index] = value
                return true
            }
            index = (index + 1) & mask
        }
    }

    /// Doubles the table and re-inserts the values.
    private mutating func grow() {
        var larger = [UInt64](repeating: 0, count: slots.count * 2)
        larger.withUnsafeMutableBufferPointer { table in
            for value in slots where value != 0 { _ = Self.place(value, in: table) }
        }
        slots = larger
    }
}
