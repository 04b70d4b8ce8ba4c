import Foundation

/// Special functions for p-values, written from their textbook definitions.
enum SpecialFunctions {
    /// ln Γ(x) for x > 0.
    ///
    /// Shifts x up to z = x + k ≥ 15 with Γ(x) = Γ(z) / (x(x+1)…(x+k−1)), then applies Stirling's series
    /// ln Γ(z) = (z − ½) ln z − z + ½ ln 2π + Σ B₂ₖ / (2k(2k−1) z^{2k−1}) with the Bernoulli numbers B₂…B₁₂
    /// (1/6, −1/30, 1/42, −1/30, 5/66, −691/2730); at z ≥ 15 the truncation error is below 1e-17.
    static func logGamma(_ x: Double) -> Double {
        precondition(x > 0, "SpecialFunctions.logGamma: argument must be positive, got \(x)")
        var z = x
        var logProduct = 0.0
        while z < 15 {
            logProduct += log(z)
            z += 1
        }
        let inverse = 1 / z
        let inverseSquared = inverse * inverse
        // Σ B₂ₖ / (2k(2k−1) z^{2k−1}) for k = 1…6, evaluated by Horner's rule in 1/z².
        let series =
            inverse
            * (1.0 / 12
                + inverseSquared
                * (-1.0 / 360
                    + inverseSquared
                    * (1.0 / 1260
                        + inverseSquared
                        * (-1.0 / 1680 + inverseSquared * (1.0 / 1188 + inverseSquared * (-691.0 / 360_360))))))
        return (z - 0.5) * log(z) - z + 0.5 * log(2 * Double.pi) + series - logProduct
    }

    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), for a > 0 and x ≥ 0.
    ///
    /// For x < a + 1 it computes P(a, x) = e^{−x} x^a / Γ(a) · Σₙ xⁿ / (a(a+1)…(a+n)) and returns 1 − P; otherwise it
    /// evaluates the continued fraction Γ(a, x) = e^{−x} x^a · 1/(x + 1 − a − 1·(1−a)/(x + 3 − a − 2·(2−a)/(x + 5 − a − …)))
    /// with the modified Lentz method. Both stop at a relative change below 1e-15.
    static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0 && x >= 0, "SpecialFunctions.regularizedGammaQ: need a > 0, x ≥ 0; got \(a), \(x)")
        if x == 0 { return 1 }
        let logPrefactor = -x + a * log(x) - logGamma(a)
        if x < a + 1 {
            var term = 1 / a
            var sum = term
            var denominator = a
            for _ in 0..<100_000 {
                denominator += 1
                term *= x / denominator
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(logPrefactor))
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var fraction = d
        for step in 1...100_000 {
            let n = Double(step)
            let an = -n * (n - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let change = d * c
            fraction *= change
            if abs(change - 1) < 1e-15 { break }
        }
        return min(1, exp(logPrefactor) * fraction)
    }

    /// The survival function of the chi-square distribution with `degreesOfFreedom` degrees: P(χ² ≥ x) = Q(k/2, x/2).
    static func chiSquareSurvival(_ x: Double, degreesOfFreedom: Int) -> Double {
        guard degreesOfFreedom > 0 else { return 1 }
        return regularizedGammaQ(Double(degreesOfFreedom) / 2, max(0, x) / 2)
    }

    /// The survival function of the Kolmogorov distribution, Q_KS(λ) = P(K > λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}.
    ///
    /// For λ < 1.18 the alternating series converges slowly, so 1 − P(K ≤ λ) is used with the Jacobi-theta form
    /// P(K ≤ λ) = (√(2π) / λ) Σ_{k≥1} e^{−(2k−1)² π² / (8λ²)}.
    static func kolmogorovSurvival(_ lambda: Double) -> Double {
        if lambda <= 0 { return 1 }
        if lambda < 1.18 {
            let factor = -Double.pi * Double.pi / (8 * lambda * lambda)
            var sum = 0.0
            for k in 1...50 {
                let odd = Double(2 * k - 1)
                let term = exp(factor * odd * odd)
                sum += term
                if term < 1e-18 * sum { break }
            }
            return min(1, max(0, 1 - (2 * Double.pi).squareRoot() / lambda * sum))
        }
        var sum = 0.0
        var sign = 1.0
        for k in 1...100 {
            let kk = Double(k)
            let term = exp(-2 * kk * kk * lambda * lambda)
            sum += sign * term
            if term < 1e-18 { break }
            sign = -sign
        }
        return min(1, max(0, 2 * sum))
    }
}
