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

    /// Averages the batch loss and the gradients over ranks, one all-reduction per ~25 MB bucket in reverse
    /// parameter order; the first bucket also carries the loss and a has-gradient flag per parameter, so a
    /// parameter no rank differentiated keeps no gradient (as on one process).
    func averagedOverRanks(
        loss: Float, gradients: Gradients, parameters: [Parameter], collective: any Collective
    ) throws -> (loss: Float, gradients: Gradients) {
        let counts = parameters.map(\.value.elementCount)
        let layout = try GradientBuckets(elementCounts: counts, capacityBytes: gradientBucketBytes)
        var reduced = [[Float]?](repeating: nil, count: parameters.count)
        var present = [Float](repeating: 0, count: parameters.count)
        var reducedLoss = loss
        for (bucketIndex, slots) in layout.buckets.enumerated() {
            let elements = layout.bucketElementCounts[bucketIndex]
            let extras = bucketIndex == 0 ? parameters.count + 1 : 0
            var buffer = [Float](repeating: 0, count: elements + extras)
            for slot in slots {
                guard let gradient = gradients[parameters[slot.parameter].id] else { continue }
                gradient.withUnsafeBufferPointer { values in
                    for index in 0..<slot.count { buffer[slot.offset + index] = values[index] }
                }
            }
            if bucketIndex == 0 {
                for (index, parameter) in parameters.enumerated() where gradients[parameter.id] != nil {
                    buffer[elements + index] = 1
                }
                buffer[elements + parameters.count] = loss
            }
            try collective.allReduce(&buffer, .mean)
            if bucketIndex == 0 {
                present = Array(buffer[elements..<(elements + parameters.count)])
                reducedLoss = buffer[elements + parameters.count]
            }
            for slot in slots { reduced[slot.parameter] = Array(buffer[slot.offset..<(slot.offset + slot.count)]) }
        }
        var averaged: [(GradientID, Tensor)] = []
        for (index, parameter) in parameters.enumerated() where present[index] > 0 {
            if let values = reduced[index] { averaged.append((parameter.id, Tensor(values, shape: parameter.shape))) }
        }
        return (reducedLoss, Gradients(averaged))
    }

    /// The logs averaged over ranks (keys in sorted order, summed in rank order in double precision).
    func averagedOverRanks(_ logs: [String: Double], collective: any Collective) throws -> [String: Double] {
        let keys = logs.keys.sorted()
        let means = try collective.averaged(keys.map { logs[$0] ?? .nan })
        return Dictionary(uniqueKeysWithValues: zip(keys, means))
    }
}
