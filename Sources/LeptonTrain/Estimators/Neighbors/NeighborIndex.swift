import LeptonKernels
import LeptonTensor

/// Training points for brute-force nearest-neighbour search with Euclidean distance.
///
/// The points are kept exactly (in Double) and also centred on their column means and narrowed to Float. Candidate
/// neighbours come from `‖t‖² − 2·q·t` on the centred Float values, computed for a block of queries against all
/// points with the SGEMM kernel. Every candidate whose approximate distance could still be among the `k` smallest,
/// given a bound on the Float rounding error of that expansion, is then re-ranked by its exact distance in Double,
/// ties going to the earlier training row. Centring keeps the expansion accurate for data far from the origin
/// (Unix times, amounts), and the error bound makes the result exact whatever the data: the approximation only
/// decides which points need an exact distance.
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
    /// The points, row-major, exactly as given.
    let points: [Double]
    /// The mean of each column, subtracted before narrowing to Float.
    private let means: [Double]
    /// The centred points narrowed to Float, row-major, for the SGEMM candidate search.
    private let centred: [Float]
    /// `‖t − mean‖²` of each point, from the Float centred values (in Double).
    private let squaredNorms: [Double]

    private static let queryBlock = 256

    private enum CodingKeys: String, CodingKey {
        case rows
        case columns
        case points
    }

    init(_ x: some FeatureSource) throws {
        let features = try FeatureMatrix(validating: x)
        self.init(rows: features.rows, columns: features.columns, points: features.doubleValues())
    }

    /// Indexes the training rows of a k-nearest-neighbour model after checking `neighbors` against them.
    ///
    /// - Parameters:
    ///   - x: The training features, `[rows, features]`.
    ///   - neighbors: The model's k.
    /// - Throws: ``EstimatorError`` for k < 1, bad features, or k larger than the rows.
    init(_ x: some FeatureSource, neighbors: Int) throws {
        try EstimatorError.require(neighbors >= 1, "neighbors", neighbors, "must be ≥ 1")
        try self.init(x)
        guard neighbors <= rows else {
            throw EstimatorError.tooFewSamples(what: "\(neighbors) neighbours", needed: neighbors, actual: rows)
        }
    }

    /// Builds the index from exact row-major points.
    init(rows: Int, columns: Int, points: [Double]) {
        self.rows = rows
        self.columns = columns
        self.points = points
        var means = [Double](repeating: 0, count: columns)
        for row in 0..<rows {
            for column in 0..<columns { means[column] += points[row * columns + column] }
        }
        means = means.map { $0 / Double(Swift.max(rows, 1)) }
        var centred = [Float](repeating: 0, count: rows * columns)
        var squaredNorms = [Double](repeating: 0, count: rows)
        for row in 0..<rows {
            var sum = 0.0
            for column in 0..<columns {
                let value = Float(points[row * columns + column] - means[column])
                centred[row * columns + column] = value
                sum += Double(value) * Double(value)
            }
            squaredNorms[row] = sum
        }
        self.means = means
        self.centred = centred
        self.squaredNorms = squaredNorms
    }

    /// Decodes the points and rebuilds the search structures.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try container.decode(Int.self, forKey: .rows)
        let columns = try container.decode(Int.self, forKey: .columns)
        let points = try container.decode([Double].self, forKey: .points)
        guard rows >= 0, columns >= 0, points.count == rows * columns, points.allSatisfy(\.isFinite) else {
            throw DecodingError.dataCorruptedError(
                forKey: .points, in: container,
                debugDescription: "expected \(rows)×\(columns) finite points, found \(points.count) values")
        }
        self.init(rows: rows, columns: columns, points: points)
    }

    /// Encodes the points (the search structures are rebuilt on decoding).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows, forKey: .rows)
        try container.encode(columns, forKey: .columns)
        try container.encode(points, forKey: .points)
    }

    /// The `k` nearest training points of each query row, nearest first.
    func nearest(_ queries: some FeatureSource, k: Int) throws -> [[Neighbor]] {
        let features = try FeatureMatrix(validating: queries, expectedColumns: columns, allowEmpty: true)
        return nearest(features.doubleValues(), count: features.rows, k: k)
    }

    /// The `k` nearest training points of each of `count` exact row-major query rows, nearest first.
    func nearest(_ query: [Double], count: Int, k: Int) -> [[Neighbor]] {
        let k = Swift.min(k, rows)
        var result: [[Neighbor]] = []
        result.reserveCapacity(count)
        var scores = [Float](repeating: 0, count: Self.queryBlock * rows)
        var centredQueries = [Float](repeating: 0, count: Self.queryBlock * columns)
        var queryNorms = [Double](repeating: 0, count: Self.queryBlock)
        for start in stride(from: 0, to: count, by: Self.queryBlock) {
            let block = Swift.min(Self.queryBlock, count - start)
            for offset in 0..<block {
                var sum = 0.0
                for column in 0..<columns {
                    let value = Float(query[(start + offset) * columns + column] - means[column])
                    centredQueries[offset * columns + column] = value
                    sum += Double(value) * Double(value)
                }
                queryNorms[offset] = sum
            }
            centredQueries.withUnsafeBufferPointer { q in
                centred.withUnsafeBufferPointer { p in
                    scores.withUnsafeMutableBufferPointer { s in
                        guard let qp = q.baseAddress, let pp = p.baseAddress, let sp = s.baseAddress else { return }
                        sgemm(
                            .none, .transposed, m: block, n: rows, k: columns, alpha: -2, a: qp, lda: columns,
                            b: pp, ldb: columns, c: sp, ldc: rows)
                    }
                }
            }
            for offset in 0..<block {
                let candidates = self.candidates(k, in: scores, row: offset, queryNorm: queryNorms[offset])
                var exact = candidates.map { index in
                    Neighbor(index: index, distance: exactDistance(query, row: start + offset, to: index))
                }
                exact.sort { ($0.distance, $0.index) < ($1.distance, $1.index) }
                result.append(Array(exact.prefix(k)))
            }
        }
        return result
    }

    /// The training rows that can be among the `k` nearest of one query, judged from the approximate distances
    /// `‖t‖² − 2·q·t` (offset by the constant `‖q‖²`) in one row of `scores`.
    ///
    /// The Float SGEMM and the narrowing of the centred values to Float err by at most
    /// `bound(t) = (columns + 8)·2ε·(‖q‖² + ‖t‖²)` (a standard dot-product rounding bound, doubled for safety).
    /// With `U` the k-th smallest upper bound `approx + bound`, a point whose lower bound `approx − bound` exceeds
    /// `U` has at least k points certainly nearer; every other point is returned (all of them when the Float values
    /// overflow).
    private func candidates(_ k: Int, in scores: [Float], row: Int, queryNorm: Double) -> [Int] {
        let base = row * rows
        let factor = Double(columns + 8) * 2 * Double(Float.ulpOfOne)
        var upper: [Double] = []
        upper.reserveCapacity(k + 1)
        for index in 0..<rows {
            let value = Double(scores[base + index]) + squaredNorms[index]
            let bound = factor * (queryNorm + squaredNorms[index])
            let high = value + bound
            // Values beyond Float's range make the approximation useless: rank every point exactly.
            guard high.isFinite else { return Array(0..<rows) }
            if upper.count == k, let worst = upper.last, high >= worst { continue }
            var position = upper.count
            while position > 0 && upper[position - 1] > high { position -= 1 }
            upper.insert(high, at: position)
            if upper.count > k { upper.removeLast() }
        }
        guard let threshold = upper.last else { return [] }
        var result: [Int] = []
        for index in 0..<rows {
            let value = Double(scores[base + index]) + squaredNorms[index]
            let bound = factor * (queryNorm + squaredNorms[index])
            if value - bound <= threshold { result.append(index) }
        }
        return result
    }

    private func exactDistance(_ query: [Double], row: Int, to index: Int) -> Double {
        var sum = 0.0
        for column in 0..<columns {
            let difference = query[row * columns + column] - points[index * columns + column]
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
