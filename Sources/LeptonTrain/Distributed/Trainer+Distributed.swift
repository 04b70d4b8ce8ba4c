import LeptonLayers
import LeptonTensor

extension Trainer {
    /// Whether this trainer writes files and prints: always without a collective, only on rank 0 with one.
    public var isLeadingRank: Bool { (collective?.rank ?? 0) == 0 }

    /// Checks that every rank passes the same settings, so that none waits for a step the others never take.
    func checkRanksAgree(_ collective: any Collective, _ settings: [(name: String, value: Int)]) throws {
        let all = try collective.allGather(settings.map { Double($0.value) })
        for (rank, values) in all.enumerated() {
            for (index, setting) in settings.enumerated() where values[index] != Double(setting.value) {
                throw CollectiveError.mismatch(
                    operation: "fit", rank: collective.rank,
                    expected: "\(setting.name) = \(Int(values[index])) (rank \(rank))",
                    found: "\(setting.value)")
            }
        }
    }

    /// Replaces every parameter and buffer by rank 0's, so all ranks start from the same weights.
    func broadcastParameters(_ collective: any Collective) throws {
        let parameters = model.namedParameters().uniqued().map(\.parameter)
        let counts = parameters.map(\.value.elementCount)
        try checkRanksAgree(collective, [("parameter count", parameters.count), ("weights", counts.reduce(0, +))])
        var flat = [Float]()
        flat.reserveCapacity(counts.reduce(0, +))
        for parameter in parameters { flat += parameter.value.scalars }
        try collective.broadcast(&flat, root: 0)
        var offset = 0
        for (parameter, count) in zip(parameters, counts) {
            parameter.value = Tensor(Array(flat[offset..<(offset + count)]), shape: parameter.shape)
            offset += count
        }
    }

    /// The logs averaged over ranks (keys in sorted order, summed in rank order in double precision).
    func averagedOverRanks(_ logs: [String: Double], collective: any Collective) throws -> [String: Double] {
        let keys = logs.keys.sorted()
        let means = try collective.averaged(keys.map { logs[$0] ?? .nan })
        return Dictionary(uniqueKeysWithValues: zip(keys, means))
    }
}
