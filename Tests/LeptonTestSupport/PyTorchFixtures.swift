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

    /// Records an issue unless |actual − expected| ≤ tolerance · max(1, |expected|) everywhere; a NaN on either side
    /// is a mismatch.
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
        let worst = Self.worstRelativeError(actual.scalars, expected.scalars)
        #expect(worst <= tolerance, "\(what): worst relative error \(worst)", sourceLocation: sourceLocation)
    }

    /// Records an issue unless |actual − expected| ≤ relative · (|expected| + floor · max|expected|) everywhere: a
    /// tolerance relative to each entry, with a floor a small fraction of the tensor's largest entry so entries that
    /// are zero up to rounding do not demand exact agreement. A NaN on either side is a mismatch.
    ///
    /// - Parameters:
    ///   - actual: the tensor computed by Lepton.
    ///   - expected: the fixture's tensor (`nil` when the file lacks it: an issue).
    ///   - what: names the comparison in the message.
    ///   - relative: the largest error allowed relative to each entry.
    ///   - floor: the fraction of the largest expected magnitude added to each entry's magnitude.
    ///   - sourceLocation: where the issue is reported.
    public func expectRelativelyClose(
        _ actual: Tensor?, _ expected: Tensor?, _ what: String, relative: Float, floor: Float = 1e-3,
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
        let scale = expected.scalars.reduce(Float(0)) { Swift.max($0, Swift.abs($1)) }
        var worst: (index: Int, actual: Float, expected: Float, ratio: Float)?
        for (index, (value, truth)) in zip(actual.scalars, expected.scalars).enumerated() where value != truth {
            let ratio = Swift.abs(value - truth) / (Swift.abs(truth) + floor * scale)
            let bad = !ratio.isFinite || ratio > relative
            if bad && !(worst.map { $0.ratio >= ratio } ?? false) {
                worst = (index, value, truth, ratio.isNaN ? .infinity : ratio)
            }
        }
        #expect(
            worst == nil,
            "\(what): entry \(worst?.index ?? -1) is \(worst?.actual ?? 0), expected \(worst?.expected ?? 0) (error \(worst?.ratio ?? 0) of the entry, allowed \(relative))",
            sourceLocation: sourceLocation)
    }

    /// The largest |actual − expected| / max(1, |expected|) over paired entries; `.infinity` when either side holds a
    /// NaN (or an infinity the other side does not match), so a NaN-producing bug can never pass a tolerance.
    /// - Parameters:
    ///   - actual: the computed values.
    ///   - expected: the reference values.
    /// - Returns: the worst relative error.
    public static func worstRelativeError(_ actual: [Float], _ expected: [Float]) -> Float {
        var worst: Float = 0
        for (value, truth) in zip(actual, expected) {
            if value == truth { continue }
            let error = Swift.abs(value - truth) / Swift.max(1, Swift.abs(truth))
            guard error.isFinite else { return .infinity }
            worst = Swift.max(worst, error)
        }
        return worst
    }
}
