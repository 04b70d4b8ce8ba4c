/// Sorting of `Double` samples by an 8-pass, 8-bit least-significant-digit radix sort over order-preserving integer
/// keys: O(n) and free of generic comparisons, so it stays fast in debug builds where the drift tests run. NaN must
/// have been removed first.
enum RadixSort {
    /// `values` in increasing order (−0 before +0).
    static func sorted(_ values: [Double]) -> [Double] {
        guard values.count > 64 else { return values.sorted() }
        // Order-preserving map: flip all bits of negatives, only the sign bit of non-negatives.
        var keys = values.map { value -> UInt64 in
            let bits = value.bitPattern
            return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        }
        var scratch = [UInt64](repeating: 0, count: keys.count)
        keys.withUnsafeMutableBufferPointer { keys in
            scratch.withUnsafeMutableBufferPointer { scratch in
                var source = keys
                var target = scratch
                var counts = [Int](repeating: 0, count: 257)
                for pass in 0..<8 {
                    let shift = UInt64(pass * 8)
                    for index in counts.indices { counts[index] = 0 }
                    for key in source { counts[Int((key >> shift) & 0xFF) + 1] += 1 }
                    for index in 1..<257 { counts[index] += counts[index - 1] }
                    for key in source {
                        let digit = Int((key >> shift) & 0xFF)
                        target[counts[digit]] = key
                        counts[digit] += 1
                    }
                    swap(&source, &target)
                }
                // After an even number of passes the sorted keys are back in `keys`.
            }
        }
        return keys.map { key in
            Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
        }
    }
}
