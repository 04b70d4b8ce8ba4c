import Foundation
import LeptonTensor
import Testing

/// Reads the PyTorch fixtures in Resources/ and compares tensors with them.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources")

    static func load(_ name: String) throws -> [String: Tensor] {
        try Tensor.loadSafeTensors(from: folder.appendingPathComponent("\(name).safetensors"))
    }

    /// |actual − expected| ≤ tolerance · max(1, |expected|) everywhere.
    static func expectClose(
        _ actual: Tensor?, _ expected: Tensor?, _ what: String, tolerance: Float = 1e-4,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let actual, let expected else {
            Issue.record("\(what): missing tensor", sourceLocation: sourceLocation)
            return
        }
        guard actual.elementCount == expected.elementCount else {
            Issue.record("\(what): shape \(actual.shape) vs expected \(expected.shape)", sourceLocation: sourceLocation)
            return
        }
        let worst =
            zip(actual.scalars, expected.scalars).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
        #expect(worst <= tolerance, "\(what): worst relative error \(worst)", sourceLocation: sourceLocation)
    }
}
