import Foundation
import LeptonTensor

/// Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's local trials).
enum KMeansPlusPlus {
    /// `count` starting centers drawn from the rows, row-major `count × columns`.
    static func centers(_ features: ClusterMatrix, count: Int, generator: inout RandomGenerator) -> [Double] {
        let (n, d) = (features.rows, features.columns)
        let trials = 2 + Int(Foundation.log(Double(count)))
        var centers = [Double]()
        centers.reserveCapacity(count * d)
        let first = Int(generator.next(upperBound: UInt64(n)))
        centers += features.values[(first * d)..<((first + 1) * d)]
        var closest = distances(features, toRow: first)
        var potential = closest.reduce(0, +)
        for _ in 1..<Swift.max(count, 1) {
            var cumulative = closest
            for index in 1..<n { cumulative[index] += cumulative[index - 1] }
            var bestCandidate = 0
            var bestPotential = Double.infinity
            var bestDistances = closest
            for _ in 0..<trials {
                let target = generator.nextUnitDouble() * potential
                var candidate = cumulative.firstIndex { $0 >= target } ?? (n - 1)
                candidate = Swift.min(candidate, n - 1)
                var candidateDistances = distances(features, toRow: candidate)
                for index in 0..<n { candidateDistances[index] = Swift.min(candidateDistances[index], closest[index]) }
                let candidatePotential = candidateDistances.reduce(0, +)
                if candidatePotential < bestPotential {
                    (bestCandidate, bestPotential, bestDistances) = (candidate, candidatePotential, candidateDistances)
                }
            }
            centers += features.values[(bestCandidate * d)..<((bestCandidate + 1) * d)]
            closest = bestDistances
            potential = bestPotential
        }
        return centers
    }

    private static func distances(_ features: ClusterMatrix, toRow center: Int) -> [Double] {
        let d = features.columns
        return features.values.withUnsafeBufferPointer { data in
            (0..<features.rows).map {
                VectorKernels.squaredDistance(data.baseAddress! + $0 * d, data.baseAddress! + center * d, count: d)
            }
        }
    }
}

/// Lloyd's algorithm from given centers, as scikit-learn's `lloyd` solver.
struct LloydIterations {
    /// The outcome of one start.
    struct Result {
        /// Centers, row-major `clusters × columns`.
        var centers: [Double]
        /// The cluster of each row.
        var labels: [Int]
        /// The sum of squared distances to the assigned centers.
        var inertia: Double
        /// Iterations run.
        var iterations: Int
    }

    /// The data (centered).
    let features: ClusterMatrix
    /// k.
    let clusters: Int
    /// The most iterations.
    let maxIterations: Int
    /// The absolute tolerance on the total squared center shift.
    let tolerance: Double

    func run(from start: [Double]) -> Result {
        var centers = start
        var labels = [Int](repeating: -1, count: features.rows)
        var distances = [Double](repeating: 0, count: features.rows)
        var strictlyConverged = false
        var iterations = 0
        for iteration in 0..<maxIterations {
            iterations = iteration + 1
            let previousLabels = labels
            assign(centers, labels: &labels, distances: &distances)
            let updated = updatedCenters(labels, distances: distances)
            var shift = 0.0
            for index in centers.indices {
                shift += (updated[index] - centers[index]) * (updated[index] - centers[index])
            }
            centers = updated
            if labels == previousLabels {
                strictlyConverged = true
                break
            }
            if shift <= tolerance { break }
        }
        if !strictlyConverged { assign(centers, labels: &labels, distances: &distances) }
        return Result(centers: centers, labels: labels, inertia: distances.reduce(0, +), iterations: iterations)
    }

    /// Labels each row with its nearest center (first on ties) and records the squared distance.
    private func assign(_ centers: [Double], labels: inout [Int], distances: inout [Double]) {
        let d = features.columns
        features.values.withUnsafeBufferPointer { data in
            centers.withUnsafeBufferPointer { centerBuffer in
                guard let x = data.baseAddress, let c = centerBuffer.baseAddress else { return }
                for row in 0..<features.rows {
                    var best = 0
                    var bestDistance = Double.infinity
                    for cluster in 0..<clusters {
                        let distance = VectorKernels.squaredDistance(x + row * d, c + cluster * d, count: d)
                        if distance < bestDistance { (best, bestDistance) = (cluster, distance) }
                    }
                    labels[row] = best
                    distances[row] = bestDistance
                }
            }
        }
    }

    /// The mean of each cluster; an empty cluster takes the row farthest from its center (the farthest first).
    private func updatedCenters(_ labels: [Int], distances: [Double]) -> [Double] {
        let d = features.columns
        var sums = [Double](repeating: 0, count: clusters * d)
        var counts = [Int](repeating: 0, count: clusters)
        for row in 0..<features.rows {
            counts[labels[row]] += 1
            for column in 0..<d { sums[labels[row] * d + column] += features.values[row * d + column] }
        }
        let empty = (0..<clusters).filter { counts[$0] == 0 }
        let farthest = features.rows > 0 ? distances.indices.sorted { distances[$0] > distances[$1] } : []
        for (cluster, row) in zip(empty, farthest) {
            for column in 0..<d { sums[cluster * d + column] = features.values[row * d + column] }
            counts[cluster] = 1
        }
        for cluster in 0..<clusters {
            for column in 0..<d { sums[cluster * d + column] /= Double(counts[cluster]) }
        }
        return sums
    }
}
