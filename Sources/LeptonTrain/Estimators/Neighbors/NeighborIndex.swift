import LeptonKernels
import LeptonTensor

/// Training points for brute-force nearest-neighbour search with Euclidean distance.
///
/// Candidate neighbours come from `‖t‖² − 2·q·t` computed for a block of queries against all points with the SGEMM
/// kernel (Float); the best candidates (a few more than asked for) are then re-ranked by their exact distances in
/// Double, ties going to the earlier training row.
struct NeighborIndex: Codable, Sendable {
    /// One neighbour of a query.
    struct Neighbor: Sendable {
        /// The training row.
        var index: Int
        /// The Euclidean distance.
        var distance: Double
    }

    /// Training rows.
    let rows: Int
    /// Features.
    let columns: Int
    /// The points, row-major.
    let points: [Float]
    /// `‖t‖²` of each point.
    let squaredNorms: [Float]

    private static let queryBlock = 256

    init(_ x: Tensor) throws {
        let (rows, columns) = try FeatureMatrix.checkShape(x, expectedColumns: nil, allowEmpty: false)
        try FeatureMatrix.checkFinite(x)
        self.rows = rows
        self.columns = columns
        let scalars = x.scalars
        points = scalars
        squaredNorms = (0..<rows).map { row in
            var sum = 0.0
            for column in 0..<columns {
                let value = Double(scalars[row * columns + column])
                sum += value * value
            }
            return Float(sum)
        }
    }

    /// The `k` nearest training points of each query row, nearest first.
    func nearest(_ queries: Tensor, k: Int) throws -> [[Neighbor]] {
        let (count, _) = try FeatureMatrix.checkShape(queries, expectedColumns: columns, allowEmpty: true)
        try FeatureMatrix.checkFinite(queries)
        let query = queries.scalars
        let candidates = Swift.min(rows, k + Swift.max(4, k))
        var result: [[Neighbor]] = []
        result.reserveCapacity(count)
        var scores = [Float](repeating: 0, count: Self.queryBlock * rows)
        for start in stride(from: 0, to: count, by: Self.queryBlock) {
            let block = Swift.min(Self.queryBlock, count - start)
            query.withUnsafeBufferPointer { q in
                points.withUnsafeBufferPointer { p in
                    scores.withUnsafeMutableBufferPointer { s in
                        guard let qp = q.baseAddress, let pp = p.baseAddress, let sp = s.baseAddress else { return }
                        sgemm(
                            .none, .transposed, m: block, n: rows, k: columns, alpha: -2, a: qp + start * columns,
                            lda: columns, b: pp, ldb: columns, c: sp, ldc: rows)
                    }
                }
            }
            for offset in 0..<block {
                let approximate = smallest(candidates, in: scores, row: offset)
                var exact = approximate.map { index in
                    Neighbor(index: index, distance: exactDistance(query, row: start + offset, to: index))
                }
                exact.sort { ($0.distance, $0.index) < ($1.distance, $1.index) }
                result.append(Array(exact.prefix(k)))
            }
        }
        return result
    }

    /// The indices of the `count` smallest approximate distances `‖t‖² − 2·q·t` in one row of `scores`.
    private func smallest(_ count: Int, in scores: [Float], row: Int) -> [Int] {
        var best: [(value: Float, index: Int)] = []
        best.reserveCapacity(count + 1)
        let base = row * rows
        for index in 0..<rows {
            let value = scores[base + index] + squaredNorms[index]
            if best.count == count, let worst = best.last, value >= worst.value { continue }
            var position = best.count
            while position > 0 && best[position - 1].value > value { position -= 1 }
            best.insert((value, index), at: position)
            if best.count > count { best.removeLast() }
        }
        return best.map(\.index)
    }

    private func exactDistance(_ query: [Float], row: Int, to index: Int) -> Double {
        var sum = 0.0
        for column in 0..<columns {
            let difference = Double(query[row * columns + column]) - Double(points[index * columns + column])
            sum += difference * difference
        }
        return sum.squareRoot()
    }
}

/// How neighbours' votes or values are weighted.
public enum NeighborWeighting: String, Sendable, Hashable, Codable {
    /// Every neighbour counts the same.
    case uniform
    /// Neighbours count by the inverse of their distance; neighbours at distance zero take all the weight.
    case distance

    /// The weight of each neighbour of one query.
    func weights(_ neighbors: [NeighborIndex.Neighbor]) -> [Double] {
        switch self {
        case .uniform:
            return [Double](repeating: 1, count: neighbors.count)
        case .distance:
            if neighbors.contains(where: { $0.distance == 0 }) { return neighbors.map { $0.distance == 0 ? 1 : 0 } }
            return neighbors.map { 1 / $0.distance }
        }
    }
}
