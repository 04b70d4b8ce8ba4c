/// Number-to-text conversions shared by the table code.
enum NumberFormatting {
    /// The shortest text that reads back as `value`; integral values print without `.0` (`1000`, not `1000.0`).
    static func shortest(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
