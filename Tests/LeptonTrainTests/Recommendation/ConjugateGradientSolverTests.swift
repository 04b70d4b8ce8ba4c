import LeptonKernels
import LeptonTensor
import Testing

@testable import LeptonTrain

/// The implicit-ALS conjugate-gradient half-step against the normal equations solved exactly in Double.
@Suite("Conjugate-gradient row solver")
struct ConjugateGradientSolverTests {
    struct Problem {
        let d = 7
        let fixedCount = 40
        var fixed: [Float] = []
        var offsets: [Int] = [0]
        var indices: [Int32] = []
        var extra: [Float] = []

        init(rows: Int, seed: UInt64) {
            var generator = RandomGenerator(seed: seed)
            fixed = Tensor.normal([fixedCount, d], standardDeviation: 0.5, using: &generator).scalars
            for row in 0..<rows {
                let picks = generator.permutation(fixedCount).prefix(3 + row % 5).sorted()
                for item in picks {
                    indices.append(Int32(item))
                    extra.append(Float(generator.next() % 4) + 1)
                }
                offsets.append(indices.count)
            }
        }

        /// `A = FᵀF + λI + Σ e_j f_j f_jᵀ` and `b = Σ (1 + e_j) f_j` of one row, in Double.
        func system(row: Int, regularization: Double) -> (a: [[Double]], b: [Double]) {
            var a = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
            var b = [Double](repeating: 0, count: d)
            for item in 0..<fixedCount {
                for i in 0..<d {
                    for j in 0..<d { a[i][j] += Double(fixed[item * d + i]) * Double(fixed[item * d + j]) }
                }
            }
            for i in 0..<d { a[i][i] += regularization }
            for entry in offsets[row]..<offsets[row + 1] {
                let item = Int(indices[entry])
                let e = Double(extra[entry])
                for i in 0..<d {
                    b[i] += (1 + e) * Double(fixed[item * d + i])
                    for j in 0..<d { a[i][j] += e * Double(fixed[item * d + i]) * Double(fixed[item * d + j]) }
                }
            }
            return (a, b)
        }
    }

    /// Gaussian elimination with partial pivoting.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
        var m = a
        var v = b
        let n = v.count
        for column in 0..<n {
            let pivot = (column..<n).max { abs(m[$0][column]) < abs(m[$1][column]) } ?? column
            m.swapAt(column, pivot)
            v.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = m[row][column] / m[column][column]
                for k in column..<n { m[row][k] -= factor * m[column][k] }
                v[row] -= factor * v[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = v[row]
            for k in (row + 1)..<n { sum -= m[row][k] * x[k] }
            x[row] = sum / m[row][row]
        }
        return x
    }

    @Test(arguments: [1, 2])
    func enoughStepsReachTheExactSolution(threads: Int) {
        let problem = Problem(rows: 150, seed: 3)
        let solver = ConjugateGradientSolver(factorCount: problem.d, regularization: 0.1, steps: 2 * problem.d)
        var rows = [Float](repeating: 0, count: 150 * problem.d)
        solver.solveRows(
            rows: &rows, fixed: problem.fixed, offsets: problem.offsets, indices: problem.indices,
            extraConfidence: problem.extra, pool: ThreadPool(threadCount: threads))
        for row in [0, 63, 64, 149] {
            let (a, b) = problem.system(row: row, regularization: 0.1)
            let exact = Self.solve(a, b)
            let scale = exact.map(abs).max() ?? 0
            for i in 0..<problem.d {
                let found = Double(rows[row * problem.d + i])
                #expect(abs(found - exact[i]) <= 1e-3 * scale, "row \(row)[\(i)]: \(found) against \(exact[i])")
            }
        }
    }

    /// One step from zero is the steepest-descent step `x = (rᵀr / rᵀAr) r` with `r = b`: checks A·v exactly.
    @Test func oneStepFromZeroIsTheExactLineSearchAlongTheResidual() {
        let problem = Problem(rows: 5, seed: 4)
        let solver = ConjugateGradientSolver(factorCount: problem.d, regularization: 0.3, steps: 1)
        var rows = [Float](repeating: 0, count: 5 * problem.d)
        solver.solveRows(
            rows: &rows, fixed: problem.fixed, offsets: problem.offsets, indices: problem.indices,
            extraConfidence: problem.extra, pool: ThreadPool(threadCount: 1))
        for row in 0..<5 {
            let (a, b) = problem.system(row: row, regularization: 0.3)
            let ab = a.map { line in zip(line, b).reduce(0) { $0 + $1.0 * $1.1 } }
            let step = b.reduce(0) { $0 + $1 * $1 } / zip(b, ab).reduce(0) { $0 + $1.0 * $1.1 }
            for i in 0..<problem.d {
                let expected = step * b[i]
                let found = Double(rows[row * problem.d + i])
                #expect(abs(found - expected) <= 1e-4 * abs(expected) + 1e-6, "row \(row)[\(i)]")
            }
        }
    }
}
