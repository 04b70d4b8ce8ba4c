import LeptonTensor

extension Sequential {
    /// A table of the layers with their output shapes and parameter counts, like Keras' `model.summary()`.
    public var summary: String {
        var rows: [(String, String, String)] = [("Layer (type)", "Output Shape", "Param #")]
        for (index, layer) in layers.enumerated() {
            let shape =
                index < outputShapes.count
                ? "(None, " + outputShapes[index].dimensions.map(String.init).joined(separator: ", ") + ")" : "?"
            let count = layer.namedParameters().reduce(0) { $0 + $1.parameter.value.elementCount }
            rows.append(("\(index) \(layer.typeName)", shape, Self.grouped(count)))
        }
        let widths = (0..<3).map { column in
            rows.map { [$0.0, $0.1, $0.2][column].count }.max() ?? 0
        }
        func line(_ row: (String, String, String)) -> String {
            row.0.padding(toLength: widths[0] + 3, withPad: " ", startingAt: 0)
                + row.1.padding(toLength: widths[1] + 3, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: widths[2] - row.2.count) + row.2
        }
        let ruleWidth = widths.reduce(6, +)
        var text = "Model: \"sequential\"\n" + String(repeating: "━", count: ruleWidth) + "\n"
        text += line(rows[0]) + "\n" + String(repeating: "━", count: ruleWidth) + "\n"
        for row in rows.dropFirst() { text += line(row) + "\n" }
        text += String(repeating: "━", count: ruleWidth) + "\n"
        let counts = parameterCounts
        text += " Total params: \(Self.grouped(counts.trainable + counts.nonTrainable))\n"
        text += " Trainable params: \(Self.grouped(counts.trainable))\n"
        text += " Non-trainable params: \(Self.grouped(counts.nonTrainable))\n"
        return text
    }

    /// Prints ``summary``.
    public func printSummary() {
        print(summary, terminator: "")
    }

    private static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return result
    }
}
