import Foundation
import Testing

@testable import LeptonData

/// A cut-off gzip file is reported as truncated, not as a corrupt Huffman code (issue 17).
@Suite("Truncated gzip input is reported as truncated")
struct GzipTruncationTests {
    @Test("a 54-byte gzip file cut to 12 bytes is truncated, as Python's gzip says")
    func cutToTwelveBytes() throws {
        // python3 -c "import gzip,io; b=io.BytesIO(); f=gzip.GzipFile(fileobj=b,mode='wb',mtime=0);
        //   f.write(b'hello hello hello world, lepton lepton lepton\n'*20); f.close(); d=b.getvalue();
        //   print(list(d[:12])); gzip.decompress(d[:12])"
        // → [31, 139, 8, 0, 0, 0, 0, 0, 2, 255, 203, 72]
        //   EOFError: Compressed file ended before the end-of-stream marker was reached
        let prefix = Data([31, 139, 8, 0, 0, 0, 0, 0, 2, 255, 203, 72])
        do {
            _ = try Gzip.decompress(prefix)
            Issue.record("a truncated file decoded")
        } catch let error as CompressionError {
            guard case .truncatedInput = error else {
                Issue.record("expected truncatedInput, got \(error)")
                return
            }
        }
    }

    @Test("every strict prefix of a one-member file is reported as truncated")
    func everyPrefixIsTruncated() throws {
        let compressed = try TestResources.data("gzip/all_flags.gz")
        for length in 0..<compressed.count {
            do {
                _ = try Gzip.decompress(compressed.prefix(length))
                Issue.record("prefix \(length) decoded")
            } catch let error as CompressionError {
                guard case .truncatedInput = error else {
                    Issue.record("prefix \(length): expected truncatedInput, got \(error)")
                    continue
                }
            }
        }
    }
}
