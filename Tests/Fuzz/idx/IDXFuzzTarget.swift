// libFuzzer entry point for the IDX reader of LeptonData (the MNIST file format, plain or gzip-compressed), compiled
// together with Sources/LeptonData/IDX and Sources/LeptonData/Compression by Tests/Fuzz/run.sh. Any input must either
// parse or throw a typed error (IDXError, or CompressionError from a gzip member); a crash, a sanitizer report or
// another error is a finding. A parsed array is converted to every element type the reader offers.
import Foundation

/// Parses one fuzzer input as an IDX file and reads its elements.
/// - Parameters:
///   - bytes: the input.
///   - count: its length.
/// - Returns: 0, as libFuzzer requires.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    do {
        let array = try IDXArray(parsing: data)
        let elements = array.shape.contains(0) ? 0 : array.shape.reduce(1, *)
        let floats = array.floats()
        precondition(floats.count == elements, "idx: \(floats.count) floats for \(elements) elements")
        _ = try? array.bytes()
        _ = try? array.int32s()
    } catch is IDXError {
    } catch is CompressionError {
    } catch {
        fatalError("idx: untyped error \(error)")
    }
    return 0
}
