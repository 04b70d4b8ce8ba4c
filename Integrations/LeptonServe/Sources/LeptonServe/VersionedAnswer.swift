import LeptonDeploy

/// An answer of a pinned batcher with the version that produced it.
public struct VersionedAnswer<Response: Sendable>: Sendable {
    /// The model's answer.
    public var response: Response
    /// The version that produced it.
    public var version: ModelVersion
}
