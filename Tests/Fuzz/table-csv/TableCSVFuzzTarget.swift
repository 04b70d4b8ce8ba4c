// libFuzzer entry point for `Table(csvText:options:)` of LeptonData: the CSV reader plus type inference, missing
// tokens, thousands separators and declared column types (linked by Tests/Fuzz/run.sh against the library stack built
// with fuzzer coverage). Any input must either give a table or throw CSVError or TableError; a crash, a sanitizer
// report or another error is a finding. A table must be consistent: every column as long as the table, every
// cell readable, inferred types matching the typed accessors, and describe() must not trap.
import Foundation
import LeptonData

/// Reads one fuzzer input as a table in the options its first two bytes select.
/// - Parameters:
///   - bytes: the input.
///   - count: its length.
/// - Returns: 0, as libFuzzer requires.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTableCSV(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 1 else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: bytes + 2, count: count - 2), as: UTF8.self)
    let options = tableOptions(bytes[0], bytes[1])
    let table: Table
    do {
        table = try Table(csvText: text, name: "fuzz.csv", options: options)
    } catch is CSVError {
        return 0
    } catch is TableError {
        return 0
    } catch {
        fatalError("table-csv: untyped error \(error)")
    }
    check(table)
    return 0
}

/// The options two selector bytes pick: dialect, header, blank lines, a thousands separator, the category limit and
/// a declared type for the first column (named `a` in the seeds).
private func tableOptions(_ first: UInt8, _ second: UInt8) -> CSVReadOptions {
    let delimiters: [Unicode.Scalar] = [",", ";", "\t", "|"]
    let format = CSVFormat(
        delimiter: delimiters[Int(first & 3)], hasHeader: first & 4 == 0, skipsBlankLines: first & 8 == 0)
    let separators: [Character?] = [nil, ",", ".", "_", " ", "'", "e", "\""]
    let types: [ColumnType?] = [nil, nil, nil, nil, .numeric, .boolean, .categorical, .text]
    var options = CSVReadOptions(
        format: format, maximumCategories: [50, 0, 1, 3][Int(second & 3)],
        thousandsSeparator: separators[Int((first >> 4) & 7)])
    if let type = types[Int((second >> 2) & 7)] {
        options.columnTypes = [format.hasHeader ? "a" : "column1": type]
    }
    if second & 32 != 0 { options.missingTokens = [] }
    if second & 64 != 0 { options.missingTokens.insert("?") }
    return options
}

/// Fails when a table read without error is inconsistent.
private func check(_ table: Table) {
    for column in table.columns {
        precondition(column.count == table.rowCount, "table-csv: column \(column.name) has \(column.count) rows")
        var missing = 0
        for row in 0..<column.count where column[row].isMissing { missing += 1 }
        precondition(missing == column.missingCount, "table-csv: \(column.name) missing count")
        switch column.type {
        case .numeric:
            guard let numbers = try? table.numbers(column.name) else {
                fatalError("table-csv: numbers(\(column.name))")
            }
            precondition(!numbers.contains { $0?.isNaN == true }, "table-csv: NaN stored in \(column.name)")
        case .boolean:
            precondition((try? table.booleans(column.name)) != nil, "table-csv: booleans(\(column.name))")
        case .categorical:
            guard let values = try? table.categorical(column.name) else {
                fatalError("table-csv: categorical(\(column.name))")
            }
            precondition(
                values.codes.allSatisfy { $0.map { 0 <= $0 && Int($0) < values.categories.count } ?? true },
                "table-csv: category code out of range in \(column.name)")
        case .text:
            precondition((try? table.strings(column.name)) != nil, "table-csv: strings(\(column.name))")
        }
    }
    _ = table.describe().description
}
