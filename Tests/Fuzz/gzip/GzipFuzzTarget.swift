// libFuzzer entry point for the gzip/DEFLATE inflater of LeptonData (compiled together with
// Sources/LeptonData/Compression by Tests/Fuzz/run.sh). Any input must either decompress or throw
// CompressionError; a crash, a sanitizer report or another error is a finding.
import Foundation

/// Decodes one fuzzer input as gzip and as raw DEFLATE.
/// - Parameters:
///   - bytes: the input.
///   - count: its length.
/// - Returns: 0, as libFuzzer requires.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    do {
        let output = try Gzip.decompress(data)
        // A successful decode must be reproducible.
        let again = try Gzip.decompress(data)
        precondition(again == output, "gzip: two decodes of one input differ")
    } catch is CompressionError {
    } catch {
        fatalError("gzip: untyped error \(error)")
    }
    do {
        _ = try Deflate.inflate(data)
    } catch is CompressionError {
    } catch {
        fatalError("deflate: untyped error \(error)")
    }
    return 0
}
