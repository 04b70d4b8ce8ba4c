import Foundation

/// Raw DEFLATE (RFC 1951) decompression: stored, fixed-Huffman and dynamic-Huffman blocks.
public enum Deflate {
    /// Decompresses one raw DEFLATE stream (no zlib or gzip wrapper).
    ///
    /// Bytes after the stream's final block are ignored.
    /// - Parameter data: the compressed stream.
    /// - Returns: the decompressed bytes.
    /// - Throws: ``CompressionError`` when the stream is truncated or malformed.
    public static func inflate(_ data: Data) throws -> Data {
        try data.withUnsafeBytes { input in
            let output = OutputBuffer(initialCapacity: min(input.count * 4, 1 << 30))
            var inflater = Inflater(input: input, start: 0, output: output)
            _ = try inflater.inflateStream()
            return output.takeData()
        }
    }
}
