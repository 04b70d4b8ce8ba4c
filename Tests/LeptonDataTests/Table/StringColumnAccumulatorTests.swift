import LeptonSupport
import Testing

@testable import LeptonData

/// The string accumulator's two storages (category codes, field bytes), the switch between them and the joining
/// of rows read again before rows read first, against the plain list of fields.
@Suite("StringColumnAccumulator: codes or bytes, switching and prepending keep every row's value")
struct StringColumnAccumulatorTests {
    private static func accumulate(_ fields: ArraySlice<String?>, limit: Int) -> StringColumnAccumulator {
        var accumulator = StringColumnAccumulator(categoryLimit: limit)
        for field in fields {
            if let field {
                Array(field.utf8).withUnsafeBufferPointer { accumulator.add($0) }
            } else {
                accumulator.add(nil)
            }
        }
        return accumulator
    }

    @Test("random columns split at every kind of point, with category limits from 0 to 12")
    func randomSplits() {
        var generator = SplitMix64(seed: 20_261_207)
        for round in 0..<2_000 {
            let rows = Int(generator.next() % 40)
            let pool = 1 + Int(generator.next() % 15)
            let fields: [String?] = (0..<rows).map { _ in
                generator.next() % 6 == 0
                    ? nil
                    : ["v\(generator.next() % UInt64(pool))", "", "true", "FALSE"][
                        Int(generator.next() % 4)]
            }
            let split = Int(generator.next() % UInt64(rows + 1))
            let limit = Int(generator.next() % 13)
            var accumulator = Self.accumulate(fields[split...], limit: limit)
            accumulator.prepend(Self.accumulate(fields[..<split], limit: limit))
            #expect(accumulator.rowCount == rows)
            #expect(accumulator.nonMissingCount == fields.compactMap { $0 }.count)
            let distinct = Set(fields.compactMap { $0 }).count
            #expect((accumulator.categories?.count ?? -1) == (distinct <= limit && limit > 0 ? distinct : -1))
            var text = accumulator
            #expect(text.takeData(as: .text) == .text(fields), "round \(round)")
            var categorical = accumulator
            #expect(
                categorical.takeData(as: .categorical) == .categorical(CategoricalValues(values: fields)),
                "round \(round)")
            let booleans = fields.map { field in field.map { $0.lowercased() == "true" } }
            if fields.allSatisfy({ $0 == nil || $0!.lowercased() == "true" || $0!.lowercased() == "false" }) {
                #expect(accumulator.allStrictBoolean)
                var boolean = accumulator
                #expect(boolean.takeData(as: .boolean) == .boolean(booleans), "round \(round)")
            } else {
                #expect(!accumulator.allStrictBoolean)
            }
        }
    }
}
