/// A first-in, first-out queue with amortised O(1) `append` and `popFirst`.
///
/// Popped slots are reclaimed in bulk once they make up more than half of the storage.
struct FIFOQueue<Element> {
    private var storage: [Element] = []
    private var head = 0

    /// The number of elements waiting.
    var count: Int { storage.count - head }

    /// Whether no element is waiting.
    var isEmpty: Bool { head == storage.count }

    /// The oldest element, if any, without removing it.
    var first: Element? { head < storage.count ? storage[head] : nil }

    /// The waiting elements, oldest first.
    var elements: ArraySlice<Element> { storage[head...] }

    /// Adds `element` at the back.
    mutating func append(_ element: Element) { storage.append(element) }

    /// Removes and returns the oldest element.
    mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 256 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }
}

/// A binary min-heap: `push` and `popMin` in O(log n), `min` in O(1).
struct MinHeap<Element: Comparable> {
    private var storage: [Element] = []

    /// The number of elements held.
    var count: Int { storage.count }

    /// The smallest element, if any.
    var min: Element? { storage.first }

    /// Inserts `element`.
    mutating func push(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest element.
    @discardableResult
    mutating func popMin() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let smallest = storage.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallestChild = parent
            if left < storage.count && storage[left] < storage[smallestChild] { smallestChild = left }
            if right < storage.count && storage[right] < storage[smallestChild] { smallestChild = right }
            guard smallestChild != parent else { break }
            storage.swapAt(parent, smallestChild)
            parent = smallestChild
        }
        return smallest
    }
}
