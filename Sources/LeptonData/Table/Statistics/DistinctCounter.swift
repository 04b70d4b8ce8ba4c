import Foundation

/// Counts distinct values (by 64-bit hash) exactly up to a limit, then estimates with HyperLogLog.
///
/// Exact means exact up to 64-bit hash collisions (negligible below billions of values). Above `exactLimit`
/// the count comes from a HyperLogLog sketch with 2^14 registers (Flajolet et al. 2007): standard error
/// about 0.8%, linear counting for small cardinalities. Memory: `exactLimit` hashes, then 16 KB.
struct DistinctCounter {
    private static let registerBits = 14
    private let exactLimit: Int
    private var exactHashes: HashSet64? = HashSet64()
    private var registers: [UInt8] = []

    init(exactLimit: Int) { self.exactLimit = exactLimit }

    /// Whether ``count`` is exact.
    var isExact: Bool { exactHashes != nil }

    mutating func add(_ hash: UInt64) {
        if exactHashes != nil {
            exactHashes!.insert(hash)
            if exactHashes!.count > exactLimit {
                registers = [UInt8](repeating: 0, count: 1 << Self.registerBits)
                let hashes = exactHashes!
                exactHashes = nil
                hashes.forEachValue { addToSketch($0) }
            }
            return
        }
        addToSketch(hash)
    }

    /// Adds every hash `other` has seen. The result is the same as adding them one by one: the exact set is
    /// a union, and HyperLogLog registers take the larger of each pair.
    mutating func merge(_ other: DistinctCounter) {
        if let otherHashes = other.exactHashes {
            otherHashes.forEachValue { add($0) }
            return
        }
        if let exactHashes {
            registers = [UInt8](repeating: 0, count: 1 << Self.registerBits)
            exactHashes.forEachValue { addToSketch($0) }
            self.exactHashes = nil
        }
        for index in registers.indices where other.registers[index] > registers[index] {
            registers[index] = other.registers[index]
        }
    }

    private mutating func addToSketch(_ hash: UInt64) {
        let index = Int(hash >> UInt64(64 - Self.registerBits))
        let rest = hash << UInt64(Self.registerBits)
        let rank = UInt8(min(rest.leadingZeroBitCount, 64 - Self.registerBits) + 1)
        if rank > registers[index] { registers[index] = rank }
    }

    /// The number of distinct hashes seen (estimated above the exact limit).
    var count: Int {
        if let exactHashes { return exactHashes.count }
        let m = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for register in registers {
            sum += 1 / Double(UInt64(1) << UInt64(register))
            if register == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m && zeros > 0 { return Int((m * log(m / Double(zeros))).rounded()) }
        return Int(raw.rounded())
    }
}
