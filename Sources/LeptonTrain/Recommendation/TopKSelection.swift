/// Partial sort: the `k` best (score, index) pairs of a scored row, best first, ties broken by the lower index.
struct TopKSelection {
    private var heap: [(score: Float, index: Int)] = []
    let k: Int

    init(k: Int) {
        self.k = k
        heap.reserveCapacity(k)
    }

    /// Whether `a` ranks below `b`.
    private static func worse(_ a: (score: Float, index: Int), _ b: (score: Float, index: Int)) -> Bool {
        a.score < b.score || (a.score == b.score && a.index > b.index)
    }

    /// Offers one candidate; NaN scores are never kept.
    mutating func offer(score: Float, index: Int) {
        guard !score.isNaN else { return }
        let candidate = (score: score, index: index)
        if heap.count < k {
            heap.append(candidate)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.worse(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        } else if k > 0, Self.worse(heap[0], candidate) {
            heap[0] = candidate
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count, Self.worse(heap[left], heap[smallest]) { smallest = left }
                if right < heap.count, Self.worse(heap[right], heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    /// The kept candidates, best first.
    func sorted() -> [(score: Float, index: Int)] {
        heap.sorted { Self.worse($1, $0) }
    }
}
