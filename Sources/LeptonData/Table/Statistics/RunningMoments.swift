import LeptonSupport

/// Count, mean, variance (Welford's online algorithm), minimum and maximum of a stream of numbers.
struct RunningMoments {
    private(set) var count = 0
    private(set) var mean = 0.0
    /// Sum of squared deviations from the running mean.
    private var squaredDeviations = 0.0
    private(set) var minimum = Double.infinity
    private(set) var maximum = -Double.infinity

    mutating func add(_ value: Double) {
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        squaredDeviations += delta * (value - mean)
        minimum = min(minimum, value)
        maximum = max(maximum, value)
    }

    /// Adds the values summarised by `other`, as if they had been added one by one (Chan, Golub & LeVeque's
    /// pairwise update of the mean and the sum of squared deviations; equal up to rounding).
    mutating func merge(_ other: RunningMoments) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        let total = count + other.count
        let delta = other.mean - mean
        let share = Double(other.count) / Double(total)
        mean += delta * share
        squaredDeviations += other.squaredDeviations + delta * delta * Double(count) * share
        count = total
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
    }

    /// Sample standard deviation (n − 1), `nil` with fewer than two values.
    var standardDeviation: Double? {
        count > 1 ? (squaredDeviations / Double(count - 1)).squareRoot() : nil
    }
}

/// A 64-bit hash of field bytes and numbers, fixed across runs (unlike `Hasher`), for distinct counting.
enum StableHash {
    /// FNV-1a over the bytes, then the MurmurHash3 finaliser to spread the bits.
    static func bytes(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        mix(FNV1a64.hash(bytes))
    }

    /// The hash of a number's bit pattern (-0 hashes as +0).
    static func number(_ value: Double) -> UInt64 { mix((value == 0 ? 0 : value).bitPattern) }

    /// MurmurHash3's fmix64.
    static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x = (x ^ (x >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        x = (x ^ (x >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return x ^ (x >> 33)
    }
}
