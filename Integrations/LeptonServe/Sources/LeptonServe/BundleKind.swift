import Foundation
import LeptonDeploy

/// What a `.lepton` file in the model repository holds, read from the `lepton.format` marker in its safetensors
/// header without reading the tensors.
public enum BundleKind: String, Codable, Sendable {
    /// A ``ModelBundle`` (tabular or tensor model), served by `/infer` and `/records`.
    case predictor
    /// A ``RecommenderBundle``, served by `/recommend` and `/similar`.
    case recommender

    /// The largest header read while sniffing (a larger one is left to the full reader to refuse).
    static let maxHeaderBytes = 256 << 20

    /// The kind of a bundle file; anything that is not a readable recommender header counts as a predictor bundle,
    /// so that the model bundle reader reports what is wrong with it.
    /// - Parameter url: the file.
    /// - Returns: its kind.
    public static func of(_ url: URL) -> BundleKind {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return .predictor }
        defer { try? handle.close() }
        guard let prefix = try? handle.read(upToCount: 8), prefix.count == 8 else { return .predictor }
        let length = prefix.reversed().reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        guard length >= 2, length <= UInt64(maxHeaderBytes),
            let header = try? handle.read(upToCount: Int(length)), header.count == Int(length),
            let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any],
            let metadata = object["__metadata__"] as? [String: Any],
            metadata[ModelBundle.formatMetadataKey] as? String == RecommenderBundle.formatMarker
        else { return .predictor }
        return .recommender
    }
}
