/// The last few steps `s = x₊ − x` and gradient changes `y = g₊ − g` of a limited-memory BFGS method, and the
/// two-loop recursion that multiplies a vector by the implied inverse Hessian approximation.
struct QuasiNewtonMemory {
    /// The most pairs kept.
    let capacity: Int
    private var steps: [[Double]] = []
    private var gradientChanges: [[Double]] = []
    private var inverseCurvatures: [Double] = []

    init(capacity: Int) {
        precondition(capacity >= 1, "QuasiNewtonMemory: capacity must be ≥ 1, got \(capacity)")
        self.capacity = capacity
    }

    /// Whether no pair is stored.
    var isEmpty: Bool { steps.isEmpty }

    /// Forgets every pair.
    mutating func reset() {
        steps.removeAll()
        gradientChanges.removeAll()
        inverseCurvatures.removeAll()
    }

    /// Stores a pair if its curvature `sᵀy` is safely positive (otherwise the approximation would lose positive
    /// definiteness); returns whether it was stored.
    @discardableResult
    mutating func push(step s: [Double], gradientChange y: [Double]) -> Bool {
        let curvature = s.dot(y)
        guard curvature > Double.ulpOfOne * y.dot(y), curvature.isFinite else { return false }
        if steps.count == capacity {
            steps.removeFirst()
            gradientChanges.removeFirst()
            inverseCurvatures.removeFirst()
        }
        steps.append(s)
        gradientChanges.append(y)
        inverseCurvatures.append(1 / curvature)
        return true
    }

    /// `H·v` by the two-loop recursion, with `H₀ = (sᵀy / yᵀy)·I` from the newest pair (identity when empty).
    func inverseHessianTimes(_ v: [Double]) -> [Double] {
        var q = v
        var alphas = [Double](repeating: 0, count: steps.count)
        for index in stride(from: steps.count - 1, through: 0, by: -1) {
            alphas[index] = inverseCurvatures[index] * steps[index].dot(q)
            Self.axpy(-alphas[index], gradientChanges[index], &q)
        }
        if let newest = gradientChanges.last, let newestStep = steps.last {
            let gamma = newestStep.dot(newest) / newest.dot(newest)
            for index in q.indices { q[index] *= gamma }
        }
        for index in 0..<steps.count {
            let beta = inverseCurvatures[index] * gradientChanges[index].dot(q)
            Self.axpy(alphas[index] - beta, steps[index], &q)
        }
        return q
    }

    private static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        x.withUnsafeBufferPointer { source in
            y.withUnsafeMutableBufferPointer { target in
                guard let xs = source.baseAddress, let ys = target.baseAddress else { return }
                VectorKernels.axpy(alpha, xs, ys, count: x.count)
            }
        }
    }
}
