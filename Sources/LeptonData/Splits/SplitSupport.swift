/// Stream derivation and bookkeeping shared by the splitters.
enum SplitSupport {
    /// The indices of `0..<count` not in `excluded`, ascending.
    static func complement(of excluded: [Int], count: Int) -> [Int] {
        var isExcluded = [Bool](repeating: false, count: count)
        for index in excluded { isExcluded[index] = true }
        return (0..<count).filter { !isExcluded[$0] }
    }

    /// Rows per class in order of first appearance: `(label, rows)`.
    static func classesByFirstAppearance(_ labels: [Int32]) -> [(label: Int32, rows: [Int])] {
        var position: [Int32: Int] = [:]
        var classes: [(label: Int32, rows: [Int])] = []
        for (row, label) in labels.enumerated() {
            if let index = position[label] {
                classes[index].rows.append(row)
            } else {
                position[label] = classes.count
                classes.append((label, [row]))
            }
        }
        return classes
    }
}
