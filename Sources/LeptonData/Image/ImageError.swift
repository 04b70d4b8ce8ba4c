/// Why images could not be processed.
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The tensor is not a batch of NHWC images (rank 4).
    case notNHWC(shape: [Int])
    /// The images have another number of channels than expected.
    case channelMismatch(expected: Int, actual: Int)
    /// An augmentation setting outside its range (changed through a `var` or decoded from a file).
    case invalidAugmentation(setting: String, value: String, requirement: String)

    /// A one-line explanation with the shapes involved.
    public var description: String {
        switch self {
        case .notNHWC(let shape): return "expected NHWC images [batch, height, width, channels], found shape \(shape)"
        case .channelMismatch(let expected, let actual): return "expected \(expected) channels, found \(actual)"
        case .invalidAugmentation(let setting, let value, let requirement):
            return "image augmentation: \(setting) = \(value) is invalid: \(requirement)"
        }
    }
}
