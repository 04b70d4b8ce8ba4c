import Foundation
import LeptonTensor
import Testing

@testable import LeptonData

@Suite("Interaction matrix: CSR/CSC, id maps, typed errors, splits, negative sampling")
struct InteractionMatrixTests {
    private let ratingsCSV = """
        user,item,rating,timestamp
        u1,a,4,10
        u1,b,5,30
        u2,a,3,20
        u2,c,1,5
        u2,b,2,40
        u3,c,5,50
        """

    @Test("CSR and CSC hold the same entries, ids map both ways")
    func layout() throws {
        let matrix = try InteractionMatrix(
            csvText: ratingsCSV, ratingColumn: "rating", timestampColumn: "timestamp", ratingScale: 1...5)
        #expect(matrix.users.ids == ["u1", "u2", "u3"] && matrix.items.ids == ["a", "b", "c"])
        #expect(matrix.rowOffsets == [0, 2, 5, 6])
        #expect(matrix.itemIndices == [0, 1, 0, 1, 2, 2])
        #expect(matrix.values == [4, 5, 3, 2, 1, 5])
        #expect(matrix.timestamps == [10, 30, 20, 40, 5, 50])
        #expect(matrix.columnOffsets == [0, 2, 4, 6])
        #expect(matrix.columnUserIndices == [0, 1, 0, 1, 1, 2])
        #expect(matrix.columnValues == [4, 3, 5, 2, 1, 5])
        #expect(matrix.value(user: 1, item: 2) == 1 && matrix.value(user: 2, item: 0) == nil)
        #expect(try matrix.userIndex(of: "u3") == 2 && matrix.items.id(at: 1) == "b")
        #expect(abs(matrix.globalMean - 20.0 / 6.0) < 1e-12)
        #expect(throws: InteractionError.unknownUser("zz")) { try matrix.userIndex(of: "zz") }
        #expect(throws: InteractionError.unknownItem("q")) { try matrix.itemIndex(of: "q") }
        let decoded = try JSONDecoder().decode(InteractionMatrix.self, from: JSONEncoder().encode(matrix))
        #expect(decoded == matrix)
    }

    @Test("numeric ids read from a CSV keep their text; implicit data has value 1")
    func idsAsText() throws {
        let matrix = try InteractionMatrix(csvText: "user,item\n007,12\n7,12\n")
        #expect(matrix.users.ids == ["007", "7"] && matrix.values == [1, 1])
        let table = try Table(csvText: "user,item\n1,2\n3,2\n")
        #expect(try InteractionMatrix(table: table).users.ids == ["1", "3"])
    }

    @Test("bad input gets typed errors naming the row")
    func errors() throws {
        #expect(throws: InteractionError.emptyInput) { try InteractionMatrix(interactions: []) }
        #expect(throws: InteractionError.emptyInput) { try InteractionMatrix(csvText: "user,item\n") }
        #expect(throws: InteractionError.duplicateInteraction(user: "u", item: "i", firstRow: 0, secondRow: 2)) {
            try InteractionMatrix(csvText: "user,item\nu,i\nu,j\nu,i\n")
        }
        #expect(throws: InteractionError.ratingOutOfScale(rating: 6, row: 1, scale: 1...5)) {
            try InteractionMatrix(
                csvText: "user,item,rating\nu,i,5\nu,j,6\n", ratingColumn: "rating", ratingScale: 1...5)
        }
        #expect(throws: InteractionError.missingValue(column: "rating", row: 1)) {
            try InteractionMatrix(csvText: "user,item,rating\nu,i,5\nu,j,\n", ratingColumn: "rating")
        }
        #expect(throws: InteractionError.missingValue(column: "user", row: 1)) {
            try InteractionMatrix(csvText: "user,item\nu,i\n,j\n")
        }
        #expect(throws: InteractionError.unsupportedColumnType(column: "rating", type: .categorical)) {
            try InteractionMatrix(csvText: "user,item,rating\nu,i,x\nu,j,x\nv,j,x\n", ratingColumn: "rating")
        }
        #expect(throws: InteractionError.nonFiniteValue(column: "rating", row: 0, value: .infinity)) {
            try InteractionMatrix(interactions: [Interaction(user: "u", item: "i", value: .infinity)])
        }
        #expect(throws: CSVError.self) { try InteractionMatrix(csvText: "user,thing\nu,i\n") }
    }

    @Test("duplicate policies: keep the last row, or sum the values and keep the latest time")
    func duplicatePolicies() throws {
        let rows = [
            Interaction(user: "u", item: "i", value: 2, timestamp: 5),
            Interaction(user: "u", item: "i", value: 3, timestamp: 1),
        ]
        let last = try InteractionMatrix(interactions: rows, duplicates: .keepLast)
        #expect(last.values == [3] && last.timestamps == [1])
        let summed = try InteractionMatrix(interactions: rows, duplicates: .sum)
        #expect(summed.values == [5] && summed.timestamps == [5])
    }

    @Test("random split per user: every user with two or more interactions on both sides, reproducible")
    func randomSplit() throws {
        var interactions: [Interaction] = []
        for user in 0..<20 {
            for item in 0..<(1 + user % 7) { interactions.append(Interaction(user: "u\(user)", item: "i\(item)")) }
        }
        let matrix = try InteractionMatrix(interactions: interactions)
        let split = try matrix.randomSplitPerUser(testFraction: 0.25, seed: 3)
        #expect(split.train.users == matrix.users && split.test.items == matrix.items)
        #expect(split.train.interactionCount + split.test.interactionCount == matrix.interactionCount)
        for user in 0..<matrix.userCount {
            let n = matrix.items(ofUser: user).count
            let held = n < 2 ? 0 : min(n - 1, max(1, Int((0.25 * Double(n)).rounded())))
            #expect(split.test.items(ofUser: user).count == held)
            #expect(Set(split.test.items(ofUser: user)).isDisjoint(with: split.train.items(ofUser: user)))
        }
        #expect(try matrix.randomSplitPerUser(testFraction: 0.25, seed: 3) == split)
        #expect(
            throws: InteractionError.invalidParameter(
                name: "testFraction", value: 1, expected: "a value strictly between 0 and 1")
        ) {
            try matrix.randomSplitPerUser(testFraction: 1, seed: 0)
        }
    }

    @Test("leave-last-one-out and the temporal cut follow the timestamps")
    func timeSplits() throws {
        let matrix = try InteractionMatrix(
            csvText: ratingsCSV, ratingColumn: "rating", timestampColumn: "timestamp")
        let last = try matrix.leaveLastOut()
        // u1's latest is b (30), u2's latest is b (40), u3 has one interaction and keeps it.
        #expect(last.test.items(ofUser: 0) == [1] && last.test.items(ofUser: 1) == [1])
        #expect(last.test.items(ofUser: 2).isEmpty && last.train.items(ofUser: 2) == [2])
        let cut = try matrix.temporalSplit(cutoff: 30)
        #expect(cut.train.interactionCount == 3 && cut.test.timestamps?.allSatisfy { $0 >= 30 } == true)
        #expect(throws: InteractionError.self) { try matrix.temporalSplit(cutoff: 100) }
        let untimed = try InteractionMatrix(csvText: "user,item\nu,i\nu,j\n")
        #expect(throws: InteractionError.missingTimestamps) { try untimed.leaveLastOut() }
    }

    @Test("negative samples avoid the user's items, are distinct, and are seeded")
    func negatives() throws {
        var interactions: [Interaction] = []
        for user in 0..<5 {
            for item in 0..<(2 + user) { interactions.append(Interaction(user: "u\(user)", item: "i\(item * 2)")) }
        }
        interactions.append(Interaction(user: "u0", item: "i1"))
        let matrix = try InteractionMatrix(interactions: interactions)
        var generator = RandomGenerator(seed: 1)
        for user in 0..<matrix.userCount {
            let available = matrix.itemCount - matrix.items(ofUser: user).count
            for count in [1, available] {
                let drawn = try matrix.sampleNegatives(forUser: user, count: count, using: &generator)
                #expect(drawn.count == count && Set(drawn).count == count)
                #expect(Set(drawn).isDisjoint(with: matrix.items(ofUser: user).map { Int($0) }))
            }
            #expect(
                throws: InteractionError.tooFewNegatives(
                    user: matrix.users.id(at: user), requested: available + 1, available: available)
            ) {
                try matrix.sampleNegatives(forUser: user, count: available + 1, using: &generator)
            }
        }
        let samples = try matrix.negativeSamples(ratio: 1, seed: 9)
        #expect(samples == (try matrix.negativeSamples(ratio: 1, seed: 9)))
        #expect(samples.allSatisfy { matrix.value(user: $0.user, item: $0.item) == nil })
    }
}
