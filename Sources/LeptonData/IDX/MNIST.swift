import Foundation

/// One split of MNIST-format data: images as bytes and labels as `Int32`.
public struct MNISTSplit: Sendable, Equatable {
    /// Image height and width in pixels.
    public static let imageSide = 28
    /// Pixels per image (28 × 28).
    public static let pixelsPerImage = imageSide * imageSide

    /// All images, row-major, `count × 28 × 28` bytes (0 = background, 255 = ink).
    public let pixels: [UInt8]
    /// One label in 0...9 per image.
    public let labels: [Int32]

    /// Number of images.
    public var count: Int { labels.count }

    /// The 784 pixels of image `index`.
    /// - Parameter index: an image index in `0..<count`.
    public func image(_ index: Int) -> ArraySlice<UInt8> {
        precondition(index >= 0 && index < count, "MNISTSplit.image: index \(index) out of range 0..<\(count)")
        return pixels[(index * MNISTSplit.pixelsPerImage)..<((index + 1) * MNISTSplit.pixelsPerImage)]
    }
}

/// Why a directory of MNIST files could not be loaded.
public enum MNISTError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Neither `name` nor `name.gz` exists in the directory.
    case missingFile(directory: String, name: String)
    /// An image file is not `uint8` with shape `[n, 28, 28]`.
    case badImageShape(file: String, shape: [Int], dataType: IDXDataType)
    /// A label file is not `uint8` with shape `[n]`.
    case badLabelShape(file: String, shape: [Int], dataType: IDXDataType)
    /// The image and label files of a split hold different numbers of items.
    case countMismatch(imagesFile: String, images: Int, labelsFile: String, labels: Int)
    /// A label is outside 0...9.
    case labelOutOfRange(file: String, index: Int, label: Int)

    /// A one-line explanation naming the file, what was expected and what was found.
    public var description: String {
        switch self {
        case .missingFile(let directory, let name):
            return "\(directory): neither \(name) nor \(name).gz exists"
        case .badImageShape(let file, let shape, let type):
            return "\(file): expected uint8 images of shape [n, 28, 28], found \(type) with shape \(shape)"
        case .badLabelShape(let file, let shape, let type):
            return "\(file): expected uint8 labels of shape [n], found \(type) with shape \(shape)"
        case .countMismatch(let imagesFile, let images, let labelsFile, let labels):
            return "\(imagesFile) has \(images) images but \(labelsFile) has \(labels) labels"
        case .labelOutOfRange(let file, let index, let label):
            return "\(file): label \(index) is \(label), expected 0...9"
        }
    }
}

/// The four standard MNIST files of a directory, loaded and checked for consistency.
///
/// Reads `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
/// `t10k-labels-idx1-ubyte`, each optionally with a `.gz` suffix (the uncompressed file wins if both exist).
/// Fashion-MNIST and other drop-in replacements use the same names and load the same way.
public struct MNISTFiles: Sendable, Equatable {
    /// The training split (`train-*` files; 60,000 images in the full MNIST).
    public let train: MNISTSplit
    /// The test split (`t10k-*` files; 10,000 images in the full MNIST).
    public let test: MNISTSplit

    /// Loads and validates both splits.
    /// - Parameter directory: the folder holding the four files.
    /// - Throws: ``MNISTError`` for a missing or inconsistent file, ``IDXError`` for an unreadable one.
    public init(directory: URL) throws {
        train = try MNISTFiles.loadSplit(
            directory, images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte")
        test = try MNISTFiles.loadSplit(directory, images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte")
    }

    private static func loadSplit(_ directory: URL, images imagesName: String, labels labelsName: String) throws
        -> MNISTSplit
    {
        let images = try IDXArray.read(contentsOf: locate(imagesName, in: directory))
        let side = MNISTSplit.imageSide
        guard images.dataType == .uint8, images.shape.count == 3, images.shape[1] == side, images.shape[2] == side
        else {
            throw MNISTError.badImageShape(file: images.source, shape: images.shape, dataType: images.dataType)
        }
        let labels = try IDXArray.read(contentsOf: locate(labelsName, in: directory))
        guard labels.dataType == .uint8, labels.shape.count == 1 else {
            throw MNISTError.badLabelShape(file: labels.source, shape: labels.shape, dataType: labels.dataType)
        }
        guard images.shape[0] == labels.shape[0] else {
            throw MNISTError.countMismatch(
                imagesFile: images.source, images: images.shape[0], labelsFile: labels.source, labels: labels.shape[0])
        }
        let labelBytes = try labels.bytes()
        if let bad = labelBytes.firstIndex(where: { $0 > 9 }) {
            throw MNISTError.labelOutOfRange(file: labels.source, index: bad, label: Int(labelBytes[bad]))
        }
        return MNISTSplit(pixels: try images.bytes(), labels: labelBytes.map { Int32($0) })
    }

    /// `name` in `directory`, or `name.gz` if only that exists.
    private static func locate(_ name: String, in directory: URL) throws -> URL {
        let plain = directory.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: plain.path) { return plain }
        let compressed = directory.appendingPathComponent(name + ".gz")
        if FileManager.default.fileExists(atPath: compressed.path) { return compressed }
        throw MNISTError.missingFile(directory: directory.path, name: name)
    }
}
