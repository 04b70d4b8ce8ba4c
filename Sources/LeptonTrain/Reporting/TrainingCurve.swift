import Foundation

extension History {
    /// The training curves as a standalone SVG picture: one panel per quantity (loss, then each metric), the
    /// training series solid and the validation series dashed, epochs on the horizontal axis.
    ///
    /// - Parameters:
    ///   - title: A title drawn above the panels.
    ///   - width: Picture width in pixels.
    ///   - panelHeight: Height of each panel in pixels.
    /// - Returns: The SVG document.
    public func svg(title: String = "Training", width: Int = 640, panelHeight: Int = 220) -> String {
        let quantities = keys.filter { !$0.hasPrefix("val_") && $0 != "lr" }
        let margin = (left: 64.0, right: 16.0, top: 28.0, bottom: 36.0)
        let height = 40 + quantities.count * panelHeight
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="24" text-anchor="middle" font-size="16">\(Self.escaped(title))</text>

            """
        for (panel, quantity) in quantities.enumerated() {
            let top = 40.0 + Double(panel * panelHeight)
            let plot = (
                x: margin.left, y: top + margin.top, width: Double(width) - margin.left - margin.right,
                height: Double(panelHeight) - margin.top - margin.bottom
            )
            let series = [(quantity, self[quantity], ""), ("val_" + quantity, self["val_" + quantity], "6,4")]
                .filter { !$0.1.isEmpty }
            let all = series.flatMap(\.1).filter(\.isFinite)
            guard let low = all.min(), let high = all.max() else { continue }
            let span = high > low ? high - low : Swift.max(Swift.abs(high), 1)
            let epochsShown = Swift.max(epochs.count, 2)
            func point(_ index: Int, _ value: Double) -> String {
                let x = plot.x + plot.width * Double(index) / Double(epochsShown - 1)
                let y = plot.y + plot.height * (1 - (value - low) / span)
                return String(format: "%.1f,%.1f", x, y)
            }
            svg +=
                "<text x=\"\(Int(plot.x))\" y=\"\(Int(top + 18))\" font-size=\"13\">\(Self.escaped(quantity))</text>\n"
            svg += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>\n",
                plot.x, plot.y, plot.width, plot.height)
            for (fraction, value) in [(0.0, high), (0.5, (high + low) / 2), (1.0, low)] {
                let y = plot.y + plot.height * fraction + 4
                svg +=
                    "<text x=\"\(Self.number(plot.x - 6))\" y=\"\(Self.number(y))\" text-anchor=\"end\">"
                    + String(format: "%.4g", value) + "</text>\n"
            }
            for epoch in [0, epochs.count - 1] where epoch >= 0 {
                let x = plot.x + plot.width * Double(epoch) / Double(epochsShown - 1)
                svg += String(
                    format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">epoch %d</text>\n", x,
                    plot.y + plot.height + 18, epoch + 1)
            }
            for (index, (name, values, dash)) in series.enumerated() {
                let color = index == 0 ? "#1f77b4" : "#d62728"
                let points = values.enumerated().map { point($0.offset, $0.element) }.joined(separator: " ")
                svg +=
                    "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") points=\"\(points)\"/>\n"
                let legendX = plot.x + plot.width - 150 + Double(index) * 75
                svg +=
                    "<text x=\"\(Self.number(legendX))\" y=\"\(Self.number(top + 18))\" fill=\"\(color)\">"
                    + Self.escaped(name) + "</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    private static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
