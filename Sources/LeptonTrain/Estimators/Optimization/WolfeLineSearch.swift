/// A line search for the strong Wolfe conditions (Nocedal & Wright, algorithms 3.5 and 3.6): sufficient decrease
/// `φ(t) ≤ φ(0) + c₁·t·φ'(0)` and curvature `|φ'(t)| ≤ c₂·|φ'(0)|`, by expansion then zoom with safeguarded cubic
/// interpolation.
struct WolfeLineSearch {
    /// One evaluated point of the line.
    struct Point {
        /// The step length.
        var step: Double
        /// The parameters `x + step·d`.
        var parameters: [Double]
        /// The objective there.
        var value: Double
        /// The gradient there.
        var gradient: [Double]
        /// The directional derivative `gradient·d`.
        var slope: Double
    }

    /// The sufficient-decrease constant.
    var sufficientDecrease = 1e-4
    /// The curvature constant.
    var curvature = 0.9
    /// The most objective evaluations.
    var maxEvaluations = 50

    /// Searches along `direction` from `origin` (its step is taken as 0, its slope must be negative); returns the accepted point and the evaluations used, or `nil` point
    /// when no step with sufficient decrease was found.
    func search(
        from origin: Point, direction: [Double], initialStep: Double,
        objective: (_ x: [Double], _ gradient: inout [Double]) -> Double
    ) -> (point: Point?, evaluations: Int) {
        var start = origin
        start.step = 0
        var evaluations = 0
        func evaluate(_ step: Double) -> Point {
            evaluations += 1
            var parameters = start.parameters
            for index in parameters.indices { parameters[index] += step * direction[index] }
            var gradient = [Double](repeating: 0, count: parameters.count)
            let value = objective(parameters, &gradient)
            return Point(
                step: step, parameters: parameters, value: value, gradient: gradient, slope: gradient.dot(direction))
        }
        func decreasesEnough(_ point: Point) -> Bool {
            point.value <= start.value + sufficientDecrease * point.step * start.slope
        }
        func curvatureHolds(_ point: Point) -> Bool { Swift.abs(point.slope) <= -curvature * start.slope }

        func zoom(low: Point, high: Point, best: Point?) -> Point? {
            var (low, high, best) = (low, high, best)
            while evaluations < maxEvaluations {
                let trial = evaluate(Self.interpolate(low, high))
                if !trial.value.isFinite || !decreasesEnough(trial) || trial.value >= low.value {
                    high = trial
                } else {
                    best = trial
                    if curvatureHolds(trial) { return trial }
                    if trial.slope * (high.step - low.step) >= 0 { high = low }
                    low = trial
                }
                if Swift.abs(high.step - low.step) <= 1e-16 * Swift.max(1, Swift.abs(low.step)) { break }
            }
            return best
        }

        var previous = start
        var step = initialStep
        var best: Point?
        while evaluations < maxEvaluations {
            let point = evaluate(step)
            if !point.value.isFinite || !decreasesEnough(point) || (evaluations > 1 && point.value >= previous.value) {
                return (zoom(low: previous, high: point, best: best), evaluations)
            }
            best = point
            if curvatureHolds(point) { return (point, evaluations) }
            if point.slope >= 0 { return (zoom(low: point, high: previous, best: best), evaluations) }
            previous = point
            step *= 2
        }
        return (best, evaluations)
    }

    /// The minimiser of the cubic through two points with slopes, kept at least a tenth of the interval away from
    /// its ends (bisection when the cubic has no usable minimiser).
    private static func interpolate(_ a: Point, _ b: Point) -> Double {
        let (lower, upper) = (Swift.min(a.step, b.step), Swift.max(a.step, b.step))
        let width = upper - lower
        let d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.step - b.step)
        let discriminant = d1 * d1 - a.slope * b.slope
        var candidate = (lower + upper) / 2
        if discriminant >= 0 && a.step != b.step {
            let d2 = (b.step > a.step ? 1.0 : -1.0) * discriminant.squareRoot()
            let denominator = b.slope - a.slope + 2 * d2
            if denominator != 0 {
                let cubic = b.step - (b.step - a.step) * (b.slope + d2 - d1) / denominator
                if cubic.isFinite { candidate = cubic }
            }
        }
        return Swift.min(Swift.max(candidate, lower + 0.1 * width), upper - 0.1 * width)
    }
}
