import Foundation
import LeptonDeploy

/// Text formatting shared by the commands: aligned tables, short numbers, byte sizes.
enum BenchFormatting {
    /// Rows padded into aligned columns (the first row is the header, underlined).
    static func table(_ rows: [[String]]) -> [String] {
        guard let header = rows.first else { return [] }
        var widths = [Int](repeating: 0, count: header.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").replacing(/\s+$/, with: "")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }
        return [line(header), line(rule)] + rows.dropFirst().map(line)
    }

    /// A number with four significant digits (integers as integers).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e12 { return String(Int64(value)) }
        return String(format: "%.4g", value)
    }

    /// A byte count in B, KB or MB.
    static func bytes(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        if count < 1 << 20 { return String(format: "%.1f KB", Double(count) / 1024) }
        return String(format: "%.1f MB", Double(count) / Double(1 << 20))
    }
}
