import LeptonData

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

extension TopKSelection {
    /// The top `k` of one scored row over a catalogue, skipping `seen` (ascending) and, when given, items outside
    /// `candidates` (ascending); `offset` is added to the reported scores only (it does not change the order).
    static func select(
        k: Int, row: UnsafePointer<Float>, offset: Float, seen: ArraySlice<Int32>, candidates: [Int]?, items: IDMap
    ) -> [Recommendation] {
        // k may be huge (Int.max for "everything"); the heap never needs more than the catalogue.
        var selection = TopKSelection(k: min(k, items.count))
        var seenCursor = seen.startIndex
        // Both the candidates and the seen items are ascending, so one merge pass skips the seen ones.
        func isSeen(_ item: Int) -> Bool {
            while seenCursor < seen.endIndex, Int(seen[seenCursor]) < item { seenCursor += 1 }
            return seenCursor < seen.endIndex && Int(seen[seenCursor]) == item
        }
        if let candidates {
            for item in candidates where !isSeen(item) { selection.offer(score: row[item], index: item) }
        } else {
            for item in 0..<items.count where !isSeen(item) { selection.offer(score: row[item], index: item) }
        }
        return selection.sorted().map {
            Recommendation(item: items.id(at: $0.index), itemIndex: $0.index, score: $0.score + offset)
        }
    }
}
