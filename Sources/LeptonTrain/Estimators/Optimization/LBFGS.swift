/// Limited-memory BFGS for smooth objectives, and its orthant-wise variant OWL-QN (Andrew & Gao, 2007) for an
/// added L1 penalty `λ·Σ|x_j|` over chosen coordinates.
///
/// Stopping follows scipy's L-BFGS-B as scikit-learn calls it: the largest absolute (pseudo-)gradient entry at most
/// ``gradientTolerance``, or a relative decrease of the objective at most ``valueTolerance``, or ``maxIterations``
/// iterations. Smooth steps use a strong Wolfe line search; OWL-QN steps backtrack along the projected direction.
struct LBFGS {
    /// The result of a minimisation.
    struct Result {
        /// The minimiser found.
        var parameters: [Double]
        /// The objective there (L1 term included).
        var value: Double
        /// Iterations run.
        var iterations: Int
        /// Objective evaluations.
        var evaluations: Int
        /// Whether a tolerance was met (rather than the iteration limit or a failed line search).
        var converged: Bool
    }

    /// Pairs kept for the Hessian approximation.
    var memory = 10
    /// Stop when the largest absolute (pseudo-)gradient entry is at most this.
    var gradientTolerance = 1e-4
    /// Stop when `(f_old − f) / max(|f_old|, |f|, 1)` is at most this.
    var valueTolerance = 64 * Double.ulpOfOne
    /// The most iterations.
    var maxIterations = 100
    /// The L1 strength λ (0 for plain L-BFGS).
    var l1Strength = 0.0
    /// Which coordinates the L1 term applies to (all when empty).
    var l1Penalized: [Bool] = []

    /// Minimises `objective + λ·Σ|x_j|` from `start`.
    ///
    /// - Parameters:
    ///   - start: The initial parameters.
    ///   - objective: Returns the smooth part's value and writes its gradient.
    func minimize(from start: [Double], objective: (_ x: [Double], _ gradient: inout [Double]) -> Double) -> Result {
        l1Strength > 0 ? minimizeWithL1(from: start, objective: objective) : minimizeSmooth(from: start, objective)
    }

    private func minimizeSmooth(
        from start: [Double], _ objective: (_ x: [Double], _ gradient: inout [Double]) -> Double
    ) -> Result {
        var gradient = [Double](repeating: 0, count: start.count)
        let value = objective(start, &gradient)
        var current = WolfeLineSearch.Point(
            step: 0, parameters: start, value: value, gradient: gradient, slope: 0)
        var result = Result(parameters: start, value: value, iterations: 0, evaluations: 1, converged: false)
        if Self.largestMagnitude(gradient) <= gradientTolerance {
            result.converged = true
            return result
        }
        var history = QuasiNewtonMemory(capacity: memory)
        let lineSearch = WolfeLineSearch()
        while result.iterations < maxIterations {
            var direction = history.inverseHessianTimes(current.gradient).map { -$0 }
            var slope = direction.dot(current.gradient)
            if !(slope < 0) {
                history.reset()
                direction = current.gradient.map { -$0 }
                slope = direction.dot(current.gradient)
            }
            current.slope = slope
            let initialStep = history.isEmpty ? Swift.min(1, 1 / direction.dot(direction).squareRoot()) : 1
            let (found, evaluations) = lineSearch.search(
                from: current, direction: direction, initialStep: initialStep, objective: objective)
            result.evaluations += evaluations
            guard let next = found else {
                if history.isEmpty { break }
                history.reset()  // retry once from steepest descent
                continue
            }
            result.iterations += 1
            history.push(
                step: zip(next.parameters, current.parameters).map { $0 - $1 },
                gradientChange: zip(next.gradient, current.gradient).map { $0 - $1 })
            let previousValue = current.value
            current = next
            result.parameters = current.parameters
            result.value = current.value
            if Self.largestMagnitude(current.gradient) <= gradientTolerance
                || Self.relativeDecrease(previousValue, current.value) <= valueTolerance
            {
                result.converged = true
                break
            }
        }
        return result
    }

    private func minimizeWithL1(
        from start: [Double], objective: (_ x: [Double], _ gradient: inout [Double]) -> Double
    ) -> Result {
        let penalized = l1Penalized.isEmpty ? [Bool](repeating: true, count: start.count) : l1Penalized
        func penalty(_ x: [Double]) -> Double {
            var sum = 0.0
            for index in x.indices where penalized[index] { sum += Swift.abs(x[index]) }
            return l1Strength * sum
        }
        var parameters = start
        var gradient = [Double](repeating: 0, count: start.count)
        var value = objective(parameters, &gradient) + penalty(parameters)
        var result = Result(parameters: start, value: value, iterations: 0, evaluations: 1, converged: false)
        var history = QuasiNewtonMemory(capacity: memory)
        while result.iterations < maxIterations {
            let pseudoGradient = Self.pseudoGradient(parameters, gradient, l1Strength, penalized)
            if Self.largestMagnitude(pseudoGradient) <= gradientTolerance {
                result.converged = true
                break
            }
            // Quasi-Newton direction, with every penalised entry that disagrees in sign with −pseudo-gradient zeroed.
            var direction = history.inverseHessianTimes(pseudoGradient).map { -$0 }
            for index in direction.indices where penalized[index] && direction[index] * pseudoGradient[index] >= 0 {
                direction[index] = 0
            }
            if direction.allSatisfy({ $0 == 0 }) {
                history.reset()
                direction = pseudoGradient.map { -$0 }
            }
            let orthant = parameters.indices.map { index -> Double in
                parameters[index] != 0 ? Self.sign(parameters[index]) : -Self.sign(pseudoGradient[index])
            }
            var step = history.isEmpty ? Swift.min(1, 1 / direction.dot(direction).squareRoot()) : 1
            var accepted: (parameters: [Double], gradient: [Double], value: Double)?
            for _ in 0..<60 {
                var trial = parameters
                for index in trial.indices {
                    trial[index] += step * direction[index]
                    if penalized[index] && Self.sign(trial[index]) != orthant[index] { trial[index] = 0 }
                }
                var trialGradient = [Double](repeating: 0, count: trial.count)
                let trialValue = objective(trial, &trialGradient) + penalty(trial)
                result.evaluations += 1
                let predicted = zip(trial, parameters).enumerated().reduce(0.0) {
                    $0 + pseudoGradient[$1.offset] * ($1.element.0 - $1.element.1)
                }
                if trialValue.isFinite && trialValue <= value + 1e-4 * predicted {
                    accepted = (trial, trialGradient, trialValue)
                    break
                }
                step *= 0.5
            }
            guard let next = accepted else {
                if history.isEmpty { break }
                history.reset()
                continue
            }
            result.iterations += 1
            history.push(
                step: zip(next.parameters, parameters).map { $0 - $1 },
                gradientChange: zip(next.gradient, gradient).map { $0 - $1 })
            let previousValue = value
            (parameters, gradient, value) = next
            result.parameters = parameters
            result.value = value
            if Self.relativeDecrease(previousValue, value) <= valueTolerance {
                result.converged = true
                break
            }
        }
        return result
    }

    /// The minimum-norm subgradient of `f + λ·Σ|x_j|` (penalised coordinates) — zero at an optimum.
    static func pseudoGradient(_ x: [Double], _ gradient: [Double], _ lambda: Double, _ penalized: [Bool]) -> [Double] {
        x.indices.map { index in
            let g = gradient[index]
            guard penalized[index] else { return g }
            if x[index] > 0 { return g + lambda }
            if x[index] < 0 { return g - lambda }
            if g + lambda < 0 { return g + lambda }
            if g - lambda > 0 { return g - lambda }
            return 0
        }
    }

    private static func sign(_ value: Double) -> Double { value > 0 ? 1 : (value < 0 ? -1 : 0) }

    private static func largestMagnitude(_ values: [Double]) -> Double {
        values.reduce(0) { Swift.max($0, Swift.abs($1)) }
    }

    private static func relativeDecrease(_ old: Double, _ new: Double) -> Double {
        (old - new) / Swift.max(Swift.abs(old), Swift.abs(new), 1)
    }
}
