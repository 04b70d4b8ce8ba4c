import Foundation
import LeptonData
import Testing

@Suite("InteractionMatrix.adding, ItemFeatures from movies.csv, synthetic recommendation data")
struct InteractionAddingTests {
    @Test("adding keeps known indices, appends new ids, and applies the duplicate policy")
    func adding() throws {
        let base = try InteractionMatrix(
            interactions: [
                Interaction(user: "u1", item: "a", value: 4), Interaction(user: "u2", item: "b", value: 2),
            ], ratingScale: 1...5)
        let added = try base.adding(
            [Interaction(user: "u3", item: "a", value: 5), Interaction(user: "u1", item: "c", value: 1)])
        #expect(added.users.ids == ["u1", "u2", "u3"] && added.items.ids == ["a", "b", "c"])
        #expect(added.interactionCount == 4 && added.value(user: 2, item: 0) == 5 && added.value(user: 0, item: 2) == 1)
        #expect(throws: InteractionError.duplicateInteraction(user: "u1", item: "a", firstRow: -1, secondRow: 0)) {
            try base.adding([Interaction(user: "u1", item: "a", value: 3)])
        }
        #expect(
            try base.adding([Interaction(user: "u1", item: "a", value: 3)], duplicates: .keepLast).value(
                user: 0, item: 0) == 3)
        #expect(throws: InteractionError.ratingOutOfScale(rating: 9, row: 0, scale: 1...5)) {
            try base.adding([Interaction(user: "u1", item: "z", value: 9)])
        }
        #expect(throws: InteractionError.emptyInput) { try base.adding([]) }
    }

    @Test("ItemFeatures reads movies.csv: title then genres, '(no genres listed)' dropped")
    func moviesCSV() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("movies-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(
            "movieId,title,genres\n1,Harbour Lights (2031),Drama|Mystery\n2,\"Orchard, The\",(no genres listed)\n".utf8
        ).write(to: url)
        let features = try ItemFeatures(moviesCSV: url)
        #expect(features.items == ["1", "2"])
        #expect(features.texts == ["Harbour Lights (2031) Drama Mystery", "Orchard, The"])
    }

    @Test("synthetic data is seeded and its genres follow the item factors")
    func synthetic() throws {
        let a = try SyntheticRecommendationData.ratings(users: 30, items: 40, seed: 3)
        #expect(try SyntheticRecommendationData.ratings(users: 30, items: 40, seed: 3) == a)
        #expect(a.values.allSatisfy { (1...5).contains($0) && $0 == $0.rounded() })
        let features = try SyntheticRecommendationData.itemFeatures(users: 30, items: 40, seed: 3)
        #expect(features.items.count == 40 && features.texts[0].hasPrefix("Item 0"))
        #expect(throws: InteractionError.invalidParameter(name: "users", value: 0, expected: "at least 1")) {
            try SyntheticRecommendationData.ratings(users: 0)
        }
    }
}
