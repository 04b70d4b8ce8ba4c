import Foundation

extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// The values laid out like NumPy prints them, abbreviated with `...` when the tensor has more than 1,000
    /// elements.
    public var description: String {
        let summarize = elementCount > 1_000
        let format = ValueFormat(values: withUnsafeBufferPointer { Array($0) })
        var text = ""
        describe(axis: 0, offset: 0, indent: 1, summarize: summarize, format: format, into: &text)
        return text
    }

    /// The shape followed by the values.
    public var debugDescription: String {
        "Tensor(shape: \(shape)\(requiresGradient ? ", requiresGradient" : ""))\n\(description)"
    }

    private func describe(
        axis: Int, offset: Int, indent: Int, summarize: Bool, format: ValueFormat, into text: inout String
    ) {
        if rank == 0 {
            text += format.string(storage.pointer[0])
            return
        }
        let extent = shape[axis]
        let stride = shape.dimensions[(axis + 1)...].reduce(1, *)
        let shown: [Int?] =
            summarize && extent > 6 ? Array(0..<3) + [nil] + Array((extent - 3)..<extent) : Array(0..<extent)
        text += "["
        for (position, index) in shown.enumerated() {
            if position > 0 {
                text += axis == rank - 1 ? ", " : "," + String(repeating: "\n", count: rank - 1 - axis)
                if axis < rank - 1 { text += String(repeating: " ", count: indent) }
            }
            guard let index else {
                text += "..."
                continue
            }
            if axis == rank - 1 {
                text += format.string(storage.pointer[offset + index])
            } else {
                describe(
                    axis: axis + 1, offset: offset + index * stride, indent: indent + 1, summarize: summarize,
                    format: format, into: &text)
            }
        }
        text += "]"
    }
}

/// One number format for all elements of a tensor, so columns line up.
private struct ValueFormat {
    let scientific: Bool
    let integral: Bool
    let width: Int

    init(values: [Float]) {
        let finite = values.filter(\.isFinite)
        let largest = finite.map { Swift.abs($0) }.max() ?? 0
        let smallest = finite.map { Swift.abs($0) }.filter { $0 > 0 }.min() ?? 1
        integral = finite.allSatisfy { $0 == $0.rounded() } && largest < 1e7
        scientific = !integral && (largest >= 1e5 || smallest < 1e-4)
        let sample = values.prefix(2_000)
        var widest = 1
        let plain = ValueFormat(scientific: scientific, integral: integral, width: 0)
        for value in sample { widest = Swift.max(widest, plain.string(value).count) }
        width = widest
    }

    private init(scientific: Bool, integral: Bool, width: Int) {
        self.scientific = scientific
        self.integral = integral
        self.width = width
    }

    func string(_ value: Float) -> String {
        let text: String
        if value.isNaN {
            text = "nan"
        } else if value.isInfinite {
            text = value > 0 ? "inf" : "-inf"
        } else if integral {
            text = String(format: "%.0f.", Double(value))
        } else if scientific {
            text = String(format: "%.4e", Double(value))
        } else {
            text = String(format: "%.4f", Double(value))
        }
        return String(repeating: " ", count: Swift.max(0, width - text.count)) + text
    }
}
