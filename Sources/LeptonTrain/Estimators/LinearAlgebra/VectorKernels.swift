/// An element the Double vector loops read: Double as it is, Float widened to Double as it loads, so one loop
/// serves Float feature rows and Double work vectors.
protocol DoubleVectorElement {
    /// Four consecutive elements from `pointer`, as Doubles.
    static func loadFour(_ pointer: UnsafePointer<Self>) -> SIMD4<Double>
    /// The element as a Double.
    var widened: Double { get }
}

extension Double: DoubleVectorElement {
    @inline(__always)
    static func loadFour(_ pointer: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always)
    var widened: Double { self }
}

extension Float: DoubleVectorElement {
    @inline(__always)
    static func loadFour(_ pointer: UnsafePointer<Float>) -> SIMD4<Double> {
        SIMD4<Double>(UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self))
    }

    @inline(__always)
    var widened: Double { Double(self) }
}

/// Double-precision vector loops over raw pointers, vectorised with SIMD and several accumulators (Swift does
/// not reassociate floating-point sums on its own). The left operands may be Float rows (features are stored as
/// Float tensors) or Double vectors; the arithmetic is Double either way.
enum VectorKernels {
    @inline(__always)
    private static func load<Element: DoubleVectorElement>(_ pointer: UnsafePointer<Element>) -> SIMD4<Double> {
        Element.loadFour(pointer)
    }

    @inline(__always)
    private static func store(_ value: SIMD4<Double>, _ pointer: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD4<Double>.self)
    }

    /// `Σ a[i]·b[i]`, in Double.
    static func dot<Element: DoubleVectorElement>(
        _ a: UnsafePointer<Element>, _ b: UnsafePointer<Double>, count: Int
    ) -> Double {
        var sum0 = SIMD4<Double>()
        var sum1 = SIMD4<Double>()
        var sum2 = SIMD4<Double>()
        var sum3 = SIMD4<Double>()
        var index = 0
        while index + 16 <= count {
            sum0 = load(a + index) * load(b + index) + sum0
            sum1 = load(a + index + 4) * load(b + index + 4) + sum1
            sum2 = load(a + index + 8) * load(b + index + 8) + sum2
            sum3 = load(a + index + 12) * load(b + index + 12) + sum3
            index += 16
        }
        while index + 4 <= count {
            sum0 = load(a + index) * load(b + index) + sum0
            index += 4
        }
        var total = ((sum0 + sum1) + (sum2 + sum3)).sum()
        while index < count {
            total += a[index].widened * b[index]
            index += 1
        }
        return total
    }

    /// `y[i] += alpha·x[i]`, in Double.
    static func axpy<Element: DoubleVectorElement>(
        _ alpha: Double, _ x: UnsafePointer<Element>, _ y: UnsafeMutablePointer<Double>, count: Int
    ) {
        let scale = SIMD4<Double>(repeating: alpha)
        var index = 0
        while index + 8 <= count {
            store(load(x + index) * scale + load(y + index), y + index)
            store(load(x + index + 4) * scale + load(y + index + 4), y + index + 4)
            index += 8
        }
        while index + 4 <= count {
            store(load(x + index) * scale + load(y + index), y + index)
            index += 4
        }
        while index < count {
            y[index] += alpha * x[index].widened
            index += 1
        }
    }

    /// `y[i] += x[i]`, in Double.
    static func add<Element: DoubleVectorElement>(
        _ x: UnsafePointer<Element>, to y: UnsafeMutablePointer<Double>, count: Int
    ) {
        var index = 0
        while index + 4 <= count {
            store(load(x + index) + load(y + index), y + index)
            index += 4
        }
        while index < count {
            y[index] += x[index].widened
            index += 1
        }
    }

    /// The dot products of four rows with one Double vector, computed together so the four sums run in parallel
    /// and the vector is loaded once.
    static func dot4<Element: DoubleVectorElement>(
        _ rows: (UnsafePointer<Element>, UnsafePointer<Element>, UnsafePointer<Element>, UnsafePointer<Element>),
        _ b: UnsafePointer<Double>, count: Int
    ) -> (Double, Double, Double, Double) {
        var sum0 = SIMD4<Double>()
        var sum1 = SIMD4<Double>()
        var sum2 = SIMD4<Double>()
        var sum3 = SIMD4<Double>()
        var index = 0
        while index + 4 <= count {
            let vector = load(b + index)
            sum0 = load(rows.0 + index) * vector + sum0
            sum1 = load(rows.1 + index) * vector + sum1
            sum2 = load(rows.2 + index) * vector + sum2
            sum3 = load(rows.3 + index) * vector + sum3
            index += 4
        }
        var totals = (sum0.sum(), sum1.sum(), sum2.sum(), sum3.sum())
        while index < count {
            totals.0 += rows.0[index].widened * b[index]
            totals.1 += rows.1[index].widened * b[index]
            totals.2 += rows.2[index].widened * b[index]
            totals.3 += rows.3[index].widened * b[index]
            index += 1
        }
        return totals
    }

    /// `y[i] += Σ_r alphas_r·rows_r[i]` for four rows: one pass over `y` instead of four.
    static func axpy4<Element: DoubleVectorElement>(
        _ alphas: (Double, Double, Double, Double),
        _ rows: (UnsafePointer<Element>, UnsafePointer<Element>, UnsafePointer<Element>, UnsafePointer<Element>),
        _ y: UnsafeMutablePointer<Double>, count: Int
    ) {
        let scale0 = SIMD4<Double>(repeating: alphas.0)
        let scale1 = SIMD4<Double>(repeating: alphas.1)
        let scale2 = SIMD4<Double>(repeating: alphas.2)
        let scale3 = SIMD4<Double>(repeating: alphas.3)
        var index = 0
        while index + 4 <= count {
            let sum =
                (load(rows.0 + index) * scale0 + load(rows.1 + index) * scale1)
                + (load(rows.2 + index) * scale2 + load(rows.3 + index) * scale3)
            store(sum + load(y + index), y + index)
            index += 4
        }
        while index < count {
            y[index] +=
                (alphas.0 * rows.0[index].widened + alphas.1 * rows.1[index].widened)
                + (alphas.2 * rows.2[index].widened + alphas.3 * rows.3[index].widened)
            index += 1
        }
    }

    /// `Σ (a[i] − b[i])²`.
    static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var sum0 = SIMD4<Double>()
        var sum1 = SIMD4<Double>()
        var index = 0
        while index + 8 <= count {
            let difference0 = load(a + index) - load(b + index)
            let difference1 = load(a + index + 4) - load(b + index + 4)
            sum0 = difference0 * difference0 + sum0
            sum1 = difference1 * difference1 + sum1
            index += 8
        }
        while index + 4 <= count {
            let difference = load(a + index) - load(b + index)
            sum0 = difference * difference + sum0
            index += 4
        }
        var total = (sum0 + sum1).sum()
        while index < count {
            let difference = a[index] - b[index]
            total += difference * difference
            index += 1
        }
        return total
    }
}

extension Array where Element == Double {
    /// `Σ self[i]·other[i]` over equal-length arrays.
    func dot(_ other: [Double]) -> Double {
        precondition(count == other.count, "dot: lengths \(count) and \(other.count) differ")
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                guard let left = a.baseAddress, let right = b.baseAddress else { return 0 }
                return VectorKernels.dot(left, right, count: count)
            }
        }
    }
}
