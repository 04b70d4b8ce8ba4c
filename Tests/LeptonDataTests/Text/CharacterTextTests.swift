import Foundation
import LeptonData
import LeptonTensor
import Testing

@Suite("CharacterTokenizer and TextDataset")
struct CharacterTextTests {
    @Test("ids follow code-point order as Python's sorted(set(text)); encode then decode is the identity")
    func roundTrip() throws {
        let text = "hello, wörld!\r\n"
        let tokenizer = try CharacterTokenizer(fitting: text)
        // Python: sorted(set("hello, wörld!\r\n")) is \n \r space ! , d e h l o r w ö
        #expect(tokenizer.characters == ["\n", "\r", " ", "!", ",", "d", "e", "h", "l", "o", "r", "w", "ö"])
        #expect(tokenizer.vocabularySize == 14 && tokenizer.unknownID == 13)
        let ids = try tokenizer.encode(text)
        #expect(ids.count == 15)  // "\r\n" is two tokens, as in Python
        #expect(Array(ids.prefix(5)) == [7, 6, 8, 8, 9])
        #expect(try tokenizer.decode(ids) == text)
    }

    @Test("unknown characters are replaced, skipped or refused with their position")
    func unknownCharacters() throws {
        let replace = try CharacterTokenizer(fitting: "abc")
        #expect(try replace.encode("abzc") == [0, 1, 3, 2])
        #expect(try replace.decode([0, 3]) == "a\u{FFFD}")
        let skip = try CharacterTokenizer(fitting: "abc", unknownHandling: .skip)
        #expect(try skip.encode("abzc") == [0, 1, 2] && skip.vocabularySize == 3)
        let strict = try CharacterTokenizer(fitting: "abc", unknownHandling: .error)
        #expect(throws: TextDataError.unknownCharacter("é", position: 2)) { try strict.encode("abéc") }
        #expect(throws: TextDataError.idOutOfRange(id: 3, position: 1, vocabularySize: 3)) {
            try strict.decode([0, 3])
        }
        #expect(throws: TextDataError.emptyText) { try CharacterTokenizer(fitting: "") }
    }

    @Test("a tokenizer survives JSON and a crafted file with a repeated or multi-scalar entry is refused")
    func codable() throws {
        let tokenizer = try CharacterTokenizer(fitting: "to be or not", unknownHandling: .skip)
        let data = try JSONEncoder().encode(tokenizer)
        #expect(try JSONDecoder().decode(CharacterTokenizer.self, from: data) == tokenizer)
        for bad in [
            #"{"characters":["a","a"],"unknownHandling":"skip"}"#, #"{"characters":["ab"],"unknownHandling":"skip"}"#,
        ] {
            #expect(throws: DecodingError.self) {
                try JSONDecoder().decode(CharacterTokenizer.self, from: Data(bad.utf8))
            }
        }
    }

    @Test("batches are padded with masks and lengths; bucketing groups similar lengths and covers every row once")
    func batches() throws {
        let sequences: [[Int32]] = [[1, 2, 3, 4, 5], [6], [7, 8], [9, 9, 9, 9], [1, 1, 1], [2, 2]]
        let dataset = try TextDataset(sequences: sequences, labels: [0, 1, 2, 3, 4, 5], paddingID: 0)
        let one = try dataset.batch([1, 0])
        #expect(one.ids.shape == Shape([2, 5]))
        #expect(one.ids.scalars == [6, 0, 0, 0, 0, 1, 2, 3, 4, 5])
        #expect(one.mask.scalars == [1, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        #expect(one.lengths == [1, 5] && one.labels == [1, 0])
        let bucketed = try dataset.batches(size: 2, bucketByLength: true)
        #expect(bucketed.map(\.lengths) == [[1, 2], [2, 3], [4, 5]])
        let shuffled = try dataset.batches(size: 2, generator: RandomGenerator(seed: 4))
        #expect(shuffled.flatMap(\.indices).sorted() == Array(0..<6))
        for batch in shuffled { #expect(batch.mask.scalars.reduce(0, +) == Float(batch.lengths.reduce(0, +))) }
        // Bucketing pads less than the plain order on the same rows.
        let plain = try dataset.batches(size: 2, bucketByLength: false)
        func padding(_ batches: [TextBatch]) -> Int {
            batches.map { $0.ids.elementCount - $0.lengths.reduce(0, +) }.reduce(0, +)
        }
        #expect(padding(bucketed) < padding(plain))
        let truncated = try TextDataset(sequences: sequences, maximumLength: 2)
        #expect(truncated.sequences[0] == [1, 2])
    }

    @Test("bad dataset settings are typed errors")
    func errors() throws {
        #expect(throws: TextDataError.countMismatch(sequences: 1, labels: 2)) {
            try TextDataset(sequences: [[1]], labels: [0, 1])
        }
        #expect(throws: TextDataError.emptySequence(index: 1)) { try TextDataset(sequences: [[1], []]) }
        let dataset = try TextDataset(sequences: [[1]])
        #expect(throws: TextDataError.self) { try dataset.batches(size: 0) }
        #expect(throws: TextDataError.self) { try dataset.batch([3]) }
        #expect(throws: TextDataError.self) { try TextDataset(sequences: [[1]], maximumLength: 0) }
    }
}
