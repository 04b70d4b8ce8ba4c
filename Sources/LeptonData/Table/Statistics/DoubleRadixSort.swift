/// Sorts doubles by an LSD radix sort on their bit patterns, for the compactions of ``QuantileSketch``.
///
/// Each double maps to a 64-bit key whose unsigned order is the numeric order (flip all bits of negatives, the
/// sign bit of the rest), then eight passes of one byte each sort the keys, skipping every pass in which all keys
/// have the same byte (the sign and exponent bytes of values of similar size). The result is in ascending order
/// as `sort()` gives it, except that `-0.0` comes before `0.0`; NaN (which the sketch never holds) sorts after
/// `+infinity` or before `-infinity` depending on its sign bit.
enum DoubleRadixSort {
    /// Below this many values the standard library's sort is used.
    private static let smallCount = 64

    /// Sorts `values` in ascending order.
    static func sort(_ values: inout [Double]) {
        let count = values.count
        guard count >= smallCount else {
            values.sort()
            return
        }
        var keys = values.map { value -> UInt64 in
            let bits = value.bitPattern
            return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
        }
        var scratch = [UInt64](repeating: 0, count: count)
        var histograms = [Int](repeating: 0, count: 8 * 256)
        histograms.withUnsafeMutableBufferPointer { histogram in
            for key in keys {
                for pass in 0..<8 { histogram[pass * 256 + Int((key >> UInt64(8 * pass)) & 0xFF)] += 1 }
            }
        }
        for pass in 0..<8 {
            let shift = UInt64(8 * pass)
            let first = Int((keys[0] >> shift) & 0xFF)
            if histograms[pass * 256 + first] == count { continue }
            var offsets = [Int](repeating: 0, count: 256)
            var total = 0
            for digit in 0..<256 {
                offsets[digit] = total
                total += histograms[pass * 256 + digit]
            }
            keys.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { destination in
                    offsets.withUnsafeMutableBufferPointer { offset in
                        for key in source {
                            let digit = Int((key >> shift) & 0xFF)
                            destination[offset[digit]] = key
                            offset[digit] += 1
                        }
                    }
                }
            }
            swap(&keys, &scratch)
        }
        for index in 0..<count {
            let key = keys[index]
            values[index] = Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
        }
    }
}
