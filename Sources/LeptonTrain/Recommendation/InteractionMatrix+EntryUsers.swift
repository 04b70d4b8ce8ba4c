import LeptonData

extension InteractionMatrix {
    /// The user of every stored interaction in row (CSR) order, so that a shuffled or sampled entry index finds its
    /// row.
    var entryUsers: [Int32] {
        var users = [Int32](repeating: 0, count: interactionCount)
        for user in 0..<userCount {
            for position in rowOffsets[user]..<rowOffsets[user + 1] { users[position] = Int32(user) }
        }
        return users
    }
}
