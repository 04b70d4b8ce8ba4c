// libFuzzer entry point for the CSV reader of LeptonData (compiled together with Sources/LeptonData/CSV by
// Tests/Fuzz/run.sh). Any input must either parse or throw CSVError; a crash, a sanitizer report or another error
// is a finding. The first byte picks the dialect (delimiter, header, blank lines) so that every parser path is
// reached; the rest is the file.
import Foundation

/// Reads one fuzzer input as CSV, record by record, in the dialect its first byte selects.
/// - Parameters:
///   - bytes: the input.
///   - count: its length.
/// - Returns: 0, as libFuzzer requires.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let selector = bytes[0]
    let delimiters: [Unicode.Scalar] = [",", ";", "\t", "|"]
    let format = CSVFormat(
        delimiter: delimiters[Int(selector & 3)], hasHeader: selector & 4 == 0, skipsBlankLines: selector & 8 == 0)
    let data = Data(bytes: bytes + 1, count: count - 1)
    do {
        let reader = try CSVReader(data: data, format: format)
        var records = 0
        while let record = try reader.next() {
            records += 1
            precondition(records <= count, "csv: more records than input bytes")
            _ = record
        }
    } catch is CSVError {
    } catch {
        fatalError("csv: untyped error \(error)")
    }
    return 0
}
