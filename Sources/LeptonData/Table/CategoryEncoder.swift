/// Assigns codes to distinct field values (by their bytes) in order of first appearance, up to a limit, and keeps
/// one code per row (-1 for a missing field).
struct CategoryEncoder {
    private let limit: Int
    /// Distinct values by hash; colliding values share a bucket and are told apart by their bytes.
    private var buckets: [UInt64: [Int32]] = [:]
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
        let hash = StableHash.bytes(field)
        if let code = existingCode(of: field, hash: hash) { return code }
        guard values.count < limit else { return nil }
        let code = Int32(values.count)
        values.append(Array(field))
        buckets[hash, default: []].append(code)
        return code
    }

    /// The code of `field` (whose ``StableHash/bytes(_:)`` is `hash`) if it is one of the values.
    private func existingCode(of field: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        buckets[hash]?.first { values[Int($0)].elementsEqual(field) }
    }

    /// Records a row with `field`; returns `false` (recording nothing) if it would be a value beyond `limit`.
    mutating func add(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let code = code(of: field) else { return false }
        codes.append(code)
        return true
    }

    /// Records a row with a missing field.
    mutating func addMissing() { codes.append(-1) }

    /// Puts the rows of `prefix` before this encoder's rows, adding its values. Returns `false` (changing nothing)
    /// if that would make more than `limit` values.
    mutating func prepend(_ prefix: CategoryEncoder) -> Bool {
        let added = prefix.values.filter { value in
            value.withUnsafeBufferPointer { existingCode(of: $0, hash: StableHash.bytes($0)) == nil }
        }.count
        guard values.count + added <= limit else { return false }
        // Every value fits now: `code(of:)` finds or adds each.
        let mapped = prefix.values.map { value in value.withUnsafeBufferPointer { code(of: $0) ?? -1 } }
        codes = prefix.codes.map { $0 < 0 ? -1 : mapped[Int($0)] } + codes
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
