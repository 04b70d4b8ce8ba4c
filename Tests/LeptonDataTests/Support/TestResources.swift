import Foundation

/// Locates the files under `Tests/LeptonDataTests/Resources`.
enum TestResources {
    /// The `Resources` folder of this test target.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources")

    /// The URL of `path` inside `Resources`.
    static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// The bytes of `path` inside `Resources`.
    static func data(_ path: String) throws -> Data { try Data(contentsOf: url(path)) }

    /// A fresh empty directory under the system's temporary folder; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("LeptonDataTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
