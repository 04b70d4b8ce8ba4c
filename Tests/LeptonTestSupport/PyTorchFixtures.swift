import Foundation
import LeptonTensor
import Testing

/// Reference tensors computed by PyTorch, stored as safetensors files in one folder of a test target, and the
/// comparison the parity tests make with them.
public struct PyTorchFixtures: Sendable {
    /// The folder holding `<name>.safetensors` files.
    public let folder: URL

    /// Fixtures in a folder.
    /// - Parameter folder: the folder holding `<name>.safetensors` files.
    public init(folder: URL) { self.folder = folder }

    /// The URL of one fixture file.
    /// - Parameter name: the file name without `.safetensors`.
    /// - Returns: the file's URL.
    public func url(_ name: String) -> URL { folder.appendingPathComponent("\(name).safetensors") }

    /// Every tensor of one fixture file, by name.
    /// - Parameter name: the file name without `.safetensors`.
    /// - Returns: the tensors.
    /// - Throws: the safetensors reader's error when the file is missing or malformed.
    public func load(_ name: String) throws -> [String: Tensor] { try Tensor.loadSafeTensors(from: url(name)) }

    /// Records an issue unless |actual − expected| ≤ tolerance · max(1, |expected|) everywhere.
    ///
    /// - Parameters:
    ///   - actual: the tensor computed by Lepton.
    ///   - expected: the fixture's tensor (`nil` when the file lacks it: an issue).
    ///   - what: names the comparison in the message.
    ///   - tolerance: the largest relative error allowed.
    ///   - sameShape: whether the shapes must be equal; otherwise equal element counts suffice (PyTorch stores
    ///     scalars and vectors where Lepton may keep `[1]` or a batch axis).
    ///   - sourceLocation: where the issue is reported.
    public func expectClose(
        _ actual: Tensor?, _ expected: Tensor?, _ what: String, tolerance: Float = 1e-4, sameShape: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let actual, let expected else {
            Issue.record("\(what): missing tensor", sourceLocation: sourceLocation)
            return
        }
        let comparable = sameShape ? actual.shape == expected.shape : actual.elementCount == expected.elementCount
        guard comparable else {
            Issue.record("\(what): shape \(actual.shape) vs expected \(expected.shape)", sourceLocation: sourceLocation)
            return
        }
        let worst =
            zip(actual.scalars, expected.scalars).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
        #expect(worst <= tolerance, "\(what): worst relative error \(worst)", sourceLocation: sourceLocation)
    }
}
