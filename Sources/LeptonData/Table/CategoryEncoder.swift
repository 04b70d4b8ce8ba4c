import Foundation

/// Assigns codes to distinct field values (by their bytes) in order of first appearance, up to a limit, and keeps
/// one code per row (-1 for a missing field).
struct CategoryEncoder {
    private let limit: Int
    /// Open addressing over the values' hashes, linear probing, at most half full: a code, or -1 for an empty slot.
    private var slots = [Int32](repeating: -1, count: 64)
    /// The ``hash(_:)`` of each value, by code.
    private var hashes: [UInt64] = []
    /// The distinct values, by code.
    private(set) var values: [[UInt8]] = []
    /// The code of every row added, in order; -1 for a missing field.
    private(set) var codes: [Int32] = []

    /// An encoder that accepts at most `limit` distinct values (at most `Int32.max`).
    init(limit: Int) { self.limit = min(limit, Int(Int32.max)) }

    /// Number of distinct values.
    var count: Int { values.count }

    /// The code of `field`, adding it as a new value if there is room; `nil` if it is new and `limit` values are
    /// already there.
    mutating func code(of field: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(field)
        let (found, slot) = find(field, hash: hash)
        if let found { return found }
        guard values.count < limit else { return nil }
        let code = Int32(values.count)
        values.append(Array(field))
        hashes.append(hash)
        slots[slot] = code
        if values.count * 2 > slots.count { grow() }
        return code
    }

    /// The code of `field` (whose hash is `hash`) if it is one of the values, and the slot where the probe stopped
    /// (where a new value goes).
    private func find(_ field: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (code: Int32?, slot: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let code = slots[slot]
            if code < 0 { return (nil, slot) }
            if hashes[Int(code)] == hash && Self.equal(values[Int(code)], field) { return (code, slot) }
            slot = (slot + 1) & mask
        }
    }

    /// A random seed per process, so that no input can be made to collide in the table on purpose (as Swift's
    /// `Hasher` is seeded).
    private static let seed = UInt64.random(in: .min ... .max)

    /// A hash of `bytes` for the table only (never stored or shown): eight bytes at a time, each word mixed in with
    /// a multiplication, then MurmurHash3's finaliser; a few multiplications for a typical field instead of one per
    /// byte.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = bytes.count
        var hash = seed ^ UInt64(count)
        guard let base = bytes.baseAddress else { return StableHash.mix(hash) }
        var index = 0
        while index + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
            index += 8
        }
        if index < count {
            var word: UInt64 = 0
            for offset in 0..<(count - index) { word |= UInt64(base[index + offset]) << UInt64(8 * offset) }
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
        }
        return StableHash.mix(hash)
    }

    /// Whether `stored` holds the bytes of `field`.
    private static func equal(_ stored: [UInt8], _ field: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stored.count == field.count else { return false }
        guard field.count > 0, let fieldBase = field.baseAddress else { return true }
        return stored.withUnsafeBufferPointer { memcmp($0.baseAddress!, fieldBase, field.count) == 0 }
    }

    /// Doubles the table and re-inserts the codes.
    private mutating func grow() {
        var larger = [Int32](repeating: -1, count: slots.count * 2)
        let mask = larger.count - 1
        for code in values.indices {
            var slot = Int(truncatingIfNeeded: hashes[code]) & mask
            while larger[slot] >= 0 { slot = (slot + 1) & mask }
            larger[slot] = Int32(code)
        }
        slots = larger
    }

    /// Records a row with `field`; returns `false` (recording nothing) if it would be a value beyond `limit`.
    mutating func add(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let code = code(of: field) else { return false }
        codes.append(code)
        return true
    }

    /// Records a row with a missing field.
    mutating func addMissing() { codes.append(-1) }

    /// Puts the rows of `suffix` (read later in the file) after this encoder's rows, adding its new values after
    /// this encoder's in their order of first appearance (so the codes stay in order of first appearance). Returns
    /// `false` (changing nothing) if that would make more than `limit` values.
    mutating func append(_ suffix: CategoryEncoder) -> Bool {
        let added = suffix.values.filter { value in
            value.withUnsafeBufferPointer { find($0, hash: Self.hash($0)).code == nil }
        }.count
        guard values.count + added <= limit else { return false }
        // Every value fits now: `code(of:)` finds or adds each.
        let mapped = suffix.values.map { value in value.withUnsafeBufferPointer { code(of: $0) ?? -1 } }
        codes.append(contentsOf: suffix.codes.lazy.map { $0 < 0 ? -1 : mapped[Int($0)] })
        return true
    }

    /// The distinct values sorted, and per row its code into that sorted list (-1 when missing).
    func sortedCodes() -> (categories: [String], codes: [Int32]) {
        let strings = values.map { String(decoding: $0, as: UTF8.self) }
        let order = strings.indices.sorted { strings[$0] < strings[$1] }
        var newCode = [Int32](repeating: 0, count: strings.count)
        var categories: [String] = []
        for old in order {
            // Different bytes can be equal strings (canonically equivalent Unicode): they share a category.
            if categories.last != strings[old] { categories.append(strings[old]) }
            newCode[old] = Int32(categories.count - 1)
        }
        return (categories, codes.map { $0 < 0 ? -1 : newCode[Int($0)] })
    }
}
