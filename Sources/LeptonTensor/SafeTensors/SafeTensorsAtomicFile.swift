import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replaces a file atomically: write a temporary file beside it, `fsync` it, `rename` it over the
/// destination, then `fsync` the directory so that the rename itself survives a crash.
enum SafeTensorsAtomicFile {
    /// Writes the concatenation of `chunks` to `url`, atomically.
    /// - Throws: ``SafeTensorsError/Kind/writeFailed(step:reason:)`` with `file` set to `url`; the temporary
    ///   file is removed on failure.
    static func replace(_ url: URL, with chunks: [Data]) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        func failure(_ step: String) -> SafeTensorsError {
            let reason = String(cString: strerror(errno))
            return SafeTensorsError(.writeFailed(step: step, reason: reason), file: url)
        }

        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("create \(temporary.lastPathComponent)") }
        do {
            for chunk in chunks { try writeAll(chunk, to: descriptor, failure: failure) }
            guard fsync(descriptor) == 0 else { throw failure("fsync") }
        } catch {
            close(descriptor)
            unlink(temporary.path)
            throw error
        }
        guard close(descriptor) == 0 else {
            let error = failure("close")
            unlink(temporary.path)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            let error = failure("rename to \(url.lastPathComponent)")
            unlink(temporary.path)
            throw error
        }
        // Persist the directory entry. Some file systems refuse fsync on directories; the data is
        // already safe in the file then, so failures here are not reported.
        let directoryDescriptor = open(directory.path, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    private static func writeAll(
        _ chunk: Data, to descriptor: Int32, failure: (String) -> SafeTensorsError
    ) throws {
        try chunk.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("write")
                }
                offset += written
            }
        }
    }
}
