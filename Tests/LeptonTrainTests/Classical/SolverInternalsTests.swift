import Foundation
import LeptonData
import LeptonTensor
import Testing

@testable import LeptonTrain

/// The solvers' building blocks against closed forms, finite differences and each other.
@Suite("Solver internals")
struct SolverInternalsTests {
    static func randomMatrix(rows: Int, columns: Int, seed: UInt64, scale: Double = 1) -> FeatureMatrix {
        var generator = RandomGenerator(seed: seed)
        let values = (0..<(rows * columns)).map { _ in Float(generator.nextNormalPair().0 * scale) }
        return FeatureMatrix(rows: rows, columns: columns, values: values)
    }

    @Test("Cholesky solves a positive definite system and refuses an indefinite one")
    func cholesky() throws {
        // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = [1, −2, 3] → b = A·x.
        let a: [Double] = [4, 2, 0, 2, 5, 1, 0, 1, 3]
        let factor = try #require(Cholesky(a, size: 3))
        expectClose(factor.solve([0, -5, 7]), [1, -2, 3], tolerance: 1e-14, "solution")
        #expect(Cholesky([1, 2, 2, 1], size: 2) == nil)
    }

    @Test("pivoted QR finds the rank and a least-squares solution of a rank-deficient matrix")
    func pivotedQR() throws {
        // Column 2 = column 0 + column 1, so the rank is 2; b is not in the range.
        let rows = 6
        let c0: [Double] = [1, 2, 3, 4, 5, 6]
        let c1: [Double] = [1, -1, 2, 0, 1, 3]
        let c2 = zip(c0, c1).map { $0 + $1 }
        let b: [Double] = [1, 0, 2, 1, 3, 2]
        let qr = PivotedQR(columnMajor: c0 + c1 + c2, rows: rows, columns: 3)
        #expect(qr.rank == 2)
        let x = qr.solveLeastSquares(b)
        #expect(x.filter { $0 == 0 }.count == 1)
        // The residual is orthogonal to every column (normal equations hold).
        let residual = (0..<rows).map { b[$0] - (c0[$0] * x[0] + c1[$0] * x[1] + c2[$0] * x[2]) }
        for column in [c0, c1, c2] { #expect(Swift.abs(column.dot(residual)) < 1e-12) }
    }

    @Test("the fast Gram path with iterative refinement matches the exact Double path")
    func fastGram() throws {
        let features = Self.randomMatrix(rows: 600, columns: 12, seed: 1, scale: 3)
        var generator = RandomGenerator(seed: 2)
        let targets = (0..<600).map { row in
            (0..<12).reduce(0.0) { $0 + Double(features.storage[row, $1]) * Double($1 - 5) }
                + generator.nextUnitDouble()
        }
        let problem = CenteredRegressionProblem(features: features, targets: targets, fitIntercept: true)
        let exactGram = CenteredGram.exact(features, means: problem.featureMeans)
        let fastGram = CenteredGram.fast(features, means: problem.featureMeans)
        // Float chunks: the Gram matrix itself agrees only to about 1e-6 …
        expectClose(fastGram, exactGram, tolerance: 1e-4, "Gram")
        for alpha in [0.0, 3.0] {
            let exact = try #require(NormalEquations.solve(problem, alpha: alpha, method: .exact))
            let fast = try #require(NormalEquations.solve(problem, alpha: alpha, method: .fast))
            // … but refinement brings the solution to Double accuracy.
            expectClose(fast, exact, tolerance: 1e-12, "coefficients (alpha \(alpha))")
        }
    }

    @Test("the logistic objective's gradient matches central differences (binary and multinomial, weighted)")
    func logisticGradient() {
        let features = Self.randomMatrix(rows: 40, columns: 3, seed: 4)
        for classes in [2, 3] {
            let objective = LogisticObjective(
                features: features, classIndices: (0..<40).map { ($0 * 7) % classes },
                sampleWeights: (0..<40).map { 0.5 + Double($0 % 3) }, classCount: classes, fitIntercept: true,
                l2Strength: 0.05)
            var generator = RandomGenerator(seed: 5)
            let point = (0..<objective.parameterCount).map { _ in generator.nextNormalPair().0 }
            var gradient = [Double](repeating: 0, count: point.count)
            _ = objective.evaluate(point, gradient: &gradient)
            let numeric = Self.centralDifferences(of: objective, at: point)
            expectClose(gradient, numeric, tolerance: 1e-7, "gradient with \(classes) classes")
        }
    }

    @Test("the chunked (thread-pool) logistic pass equals a plain loop on data large enough to be split")
    func chunkedObjective() {
        let (rows, columns) = (5000, 41)
        let features = Self.randomMatrix(rows: rows, columns: columns, seed: 8)
        let labels = (0..<rows).map { ($0 * 13) % 3 }
        let objective = LogisticObjective(
            features: features, classIndices: labels, sampleWeights: nil, classCount: 3, fitIntercept: true,
            l2Strength: 0.01)
        var generator = RandomGenerator(seed: 9)
        let point = (0..<objective.parameterCount).map { _ in 0.1 * generator.nextNormalPair().0 }
        var gradient = [Double](repeating: 0, count: point.count)
        let value = objective.evaluate(point, gradient: &gradient)
        var reference = 0.0
        var referenceGradient = [Double](repeating: 0, count: point.count)
        for row in 0..<rows {
            let x = (0..<columns).map { Double(features.storage[row, $0]) }
            let scores = (0..<3).map { k in
                (0..<columns).reduce(point[3 * columns + k]) { $0 + point[k * columns + $1] * x[$1] }
            }
            let normalizer = scores.map { exp($0) }.reduce(0, +)
            reference += log(normalizer) - scores[labels[row]]
            for k in 0..<3 {
                let residual = exp(scores[k]) / normalizer - (k == labels[row] ? 1 : 0)
                for column in 0..<columns { referenceGradient[k * columns + column] += residual * x[column] / 5000 }
                referenceGradient[3 * columns + k] += residual / 5000
            }
        }
        let penalty = (0..<(3 * columns)).reduce(0.0) { $0 + point[$1] * point[$1] }
        expectClose(value, reference / 5000 + 0.005 * penalty, tolerance: 1e-12, "value")
        for index in 0..<(3 * columns) { referenceGradient[index] += 0.01 * point[index] }
        expectClose(gradient, referenceGradient, tolerance: 1e-12, "gradient")
    }

    /// The objective's gradient at `point` by central differences of step 1e-6.
    static func centralDifferences(of objective: LogisticObjective, at point: [Double]) -> [Double] {
        var scratch = point
        return point.indices.map { index -> Double in
            var plus = point
            var minus = point
            plus[index] += 1e-6
            minus[index] -= 1e-6
            return (objective.evaluate(plus, gradient: &scratch) - objective.evaluate(minus, gradient: &scratch)) / 2e-6
        }
    }

    /// A matrix whose entries are zero with probability `zeroShare`, otherwise standard normal.
    static func sparseMatrix(rows: Int, columns: Int, zeroShare: Double, seed: UInt64) -> FeatureMatrix {
        var generator = RandomGenerator(seed: seed)
        let values = (0..<(rows * columns)).map { _ -> Float in
            let value = Float(generator.nextNormalPair().0)
            return Double(generator.nextUnitFloat()) < zeroShare ? 0 : value
        }
        return FeatureMatrix(rows: rows, columns: columns, values: values)
    }

    @Test("mostly-zero features are read through their nonzero entries, with the dense pass's value and gradient")
    func sparseObjective() {
        #expect(SparseFeatureRows(Self.randomMatrix(rows: 50, columns: 20, seed: 2)) == nil)
        // 5,000 rows: two chunks, run on the thread pool.
        for (rows, classes, intercept) in [(5000, 3, true), (5000, 2, true), (300, 4, false), (301, 2, false)] {
            let features = Self.sparseMatrix(rows: rows, columns: 57, zeroShare: 0.95, seed: UInt64(rows + classes))
            let arguments = (
                labels: (0..<rows).map { ($0 * 7) % classes }, weights: (0..<rows).map { 0.5 + Double($0 % 3) }
            )
            let sparse = LogisticObjective(
                features: features, classIndices: arguments.labels, sampleWeights: arguments.weights,
                classCount: classes, fitIntercept: intercept, l2Strength: 0.02)
            let dense = LogisticObjective(
                features: features, classIndices: arguments.labels, sampleWeights: arguments.weights,
                classCount: classes, fitIntercept: intercept, l2Strength: 0.02, readsSparseRows: false)
            #expect(sparse.sparseRows != nil && dense.sparseRows == nil)
            var generator = RandomGenerator(seed: 3)
            let point = (0..<sparse.parameterCount).map { _ in 0.3 * generator.nextNormalPair().0 }
            var sparseGradient = [Double](repeating: .nan, count: point.count)
            var denseGradient = [Double](repeating: .nan, count: point.count)
            let sparseValue = sparse.evaluate(point, gradient: &sparseGradient)
            let denseValue = dense.evaluate(point, gradient: &denseGradient)
            let label = "\(rows) rows, \(classes) classes, intercept \(intercept)"
            expectClose(sparseValue, denseValue, tolerance: 1e-12, "value, \(label)")
            expectClose(sparseGradient, denseGradient, tolerance: 1e-12, "gradient, \(label)")
        }
    }

    @Test("the sparse pass's gradient matches central differences (binary and multinomial)")
    func sparseGradient() {
        let features = Self.sparseMatrix(rows: 60, columns: 30, zeroShare: 0.92, seed: 6)
        for classes in [2, 3] {
            let objective = LogisticObjective(
                features: features, classIndices: (0..<60).map { ($0 * 5) % classes },
                sampleWeights: (0..<60).map { 0.5 + Double($0 % 4) }, classCount: classes, fitIntercept: true,
                l2Strength: 0.05)
            #expect(objective.sparseRows != nil)
            var generator = RandomGenerator(seed: 7)
            let point = (0..<objective.parameterCount).map { _ in generator.nextNormalPair().0 }
            var gradient = [Double](repeating: .nan, count: point.count)
            _ = objective.evaluate(point, gradient: &gradient)
            let numeric = Self.centralDifferences(of: objective, at: point)
            expectClose(gradient, numeric, tolerance: 1e-7, "sparse gradient with \(classes) classes")
        }
    }

    @Test("L-BFGS minimises the Rosenbrock function; OWL-QN solves a one-dimensional lasso in closed form")
    func optimizers() {
        var solver = LBFGS()
        solver.gradientTolerance = 1e-10
        solver.maxIterations = 500
        let result = solver.minimize(from: [-1.2, 1]) { x, gradient in
            let (a, b) = (x[0], x[1])
            gradient[0] = -2 * (1 - a) - 400 * a * (b - a * a)
            gradient[1] = 200 * (b - a * a)
            return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a)
        }
        #expect(result.converged)
        expectClose(result.parameters, [1, 1], tolerance: 1e-6, "Rosenbrock minimum")
        // ½(x − 3)² + 2|x| is minimised at x = 1; the unpenalised y in ½(y + 1)² at −1.
        var lasso = LBFGS()
        lasso.gradientTolerance = 1e-12
        lasso.l1Strength = 2
        lasso.l1Penalized = [true, false]
        let sparse = lasso.minimize(from: [0, 0]) { x, gradient in
            gradient[0] = x[0] - 3
            gradient[1] = x[1] + 1
            return 0.5 * (x[0] - 3) * (x[0] - 3) + 0.5 * (x[1] + 1) * (x[1] + 1)
        }
        expectClose(sparse.parameters, [1, -1], tolerance: 1e-9, "lasso minimum")
    }
}
