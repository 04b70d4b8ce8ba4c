/// Sorting arrays of doubles by their bits: a least-significant-digit radix sort, byte by byte, for the quantile
/// sketch's compactions (the largest cost of describing a numeric column).
///
/// The result is the same array, element for element and bit for bit, as the standard library's `sort()` gives:
/// the radix sort is stable, `-0.0` and `+0.0` get the same key (so they keep their order, as with `<`), and an
/// array that contains a NaN (which `<` does not order) is left to `sort()`. Each pass over a byte that every key
/// shares is skipped.
enum DoubleSorting {
    /// Below this count the comparison sort is faster than eight histogram passes.
    static let radixThreshold = 64

    /// Sorts `values` in ascending order, as `values.sort()` does.
    static func sort(_ values: inout [Double]) {
        let count = values.count
        guard count >= radixThreshold else {
            values.sort()
            return
        }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * count) { keys in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 8 * 256) { counts in
                radixSort(&values, keys: keys, counts: counts)
            }
        }
    }

    /// The order-preserving key of a non-NaN value: the sign bit flipped for positives, every bit for negatives;
    /// both zeros map to the key of `+0.0`.
    @inline(__always)
    private static func key(_ value: Double) -> UInt64 {
        let bits = value == 0 ? 0 : value.bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// The value of a key (`+0.0` for the zeros' key).
    @inline(__always)
    private static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    /// Sorts with `keys` (room for twice the values) and `counts` (eight histograms of 256) as scratch space.
    private static func radixSort(
        _ values: inout [Double], keys: UnsafeMutableBufferPointer<UInt64>, counts: UnsafeMutableBufferPointer<Int>
    ) {
        let count = values.count
        counts.initialize(repeating: 0)
        let histograms = counts.baseAddress!
        var hasNaN = false
        var hasNegativeZero = false
        values.withUnsafeBufferPointer { input in
            for index in 0..<count {
                let element = input[index]
                if element.isNaN { hasNaN = true }
                if element == 0 && element.sign == .minus { hasNegativeZero = true }
                let elementKey = key(element)
                keys[index] = elementKey
                for digit in 0..<8 {
                    histograms[digit &* 256 &+ Int(truncatingIfNeeded: (elementKey >> UInt64(digit &* 8)) & 0xFF)] &+= 1
                }
            }
        }
        if hasNaN {
            values.sort()
            return
        }
        // The zeros in their original order, when some are negative (their keys are all the same).
        let zeros = hasNegativeZero ? values.filter { $0 == 0 } : []
        var source = keys.baseAddress!
        var target = keys.baseAddress! + count
        for digit in 0..<8 {
            let histogram = histograms + digit * 256
            let shift = UInt64(digit * 8)
            if histogram[Int(truncatingIfNeeded: (source[0] >> shift) & 0xFF)] == count { continue }
            var offset = 0
            for bucket in 0..<256 {
                let bucketCount = histogram[bucket]
                histogram[bucket] = offset
                offset += bucketCount
            }
            for index in 0..<count {
                let elementKey = source[index]
                let bucket = Int(truncatingIfNeeded: (elementKey >> shift) & 0xFF)
                target[histogram[bucket]] = elementKey
                histogram[bucket] += 1
            }
            swap(&source, &target)
        }
        let zeroKey = key(0)
        var nextZero = 0
        values.withUnsafeMutableBufferPointer { output in
            for index in 0..<count {
                let elementKey = source[index]
                if hasNegativeZero && elementKey == zeroKey {
                    output[index] = zeros[nextZero]
                    nextZero += 1
                } else {
                    output[index] = value(elementKey)
                }
            }
        }
    }
}
