/// A two-way mapping between external string ids and dense indices `0..<count`, in order of first appearance.
public struct IDMap: Sendable, Equatable, Codable {
    /// The ids, indexed by their dense index.
    public let ids: [String]
    private let indexOfID: [String: Int]

    /// A map over `ids`, which must be distinct.
    /// - Parameter ids: The ids in index order.
    public init(ids: [String]) {
        var index: [String: Int] = [:]
        index.reserveCapacity(ids.count)
        for (position, id) in ids.enumerated() {
            precondition(index.updateValue(position, forKey: id) == nil, "IDMap: duplicate id '\(id)'")
        }
        self.ids = ids
        self.indexOfID = index
    }

    /// The number of ids.
    public var count: Int { ids.count }

    /// The dense index of `id`, or `nil` when the id is unknown.
    /// - Parameter id: An external id.
    public func index(of id: String) -> Int? { indexOfID[id] }

    /// The external id at dense `index`.
    /// - Parameter index: A dense index in `0..<count`.
    public func id(at index: Int) -> String { ids[index] }

    private enum CodingKeys: String, CodingKey { case ids }

    /// Decodes the ids and rebuilds the reverse index.
    /// - Parameter decoder: The decoder.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let ids = try container.decode([String].self, forKey: .ids)
        guard Set(ids).count == ids.count else {
            throw DecodingError.dataCorruptedError(forKey: .ids, in: container, debugDescription: "duplicate ids")
        }
        self.init(ids: ids)
    }

    /// Encodes the ids only; the reverse index is rebuilt on decoding.
    /// - Parameter encoder: The encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ids, forKey: .ids)
    }

    /// Two maps are equal when they hold the same ids in the same order.
    public static func == (lhs: IDMap, rhs: IDMap) -> Bool { lhs.ids == rhs.ids }
}

/// A builder that assigns dense indices to ids in order of first appearance.
struct IDMapBuilder {
    private(set) var ids: [String] = []
    private var indexOfID: [String: Int] = [:]

    /// The index of `id`, assigning the next one when it is new.
    mutating func intern(_ id: String) -> Int {
        if let index = indexOfID[id] { return index }
        indexOfID[id] = ids.count
        ids.append(id)
        return ids.count - 1
    }

    var map: IDMap { IDMap(ids: ids) }
}
