import Foundation
import LeptonData
import Testing

@Suite struct WordTokenizerTests {
    @Test func idsFollowFrequencyThenCodePointOrderAfterPaddingAndUnknown() throws {
        let tokenizer = try WordTokenizer(fitting: ["b a a", "c b a", "Zed"])
        // a ×3, b ×2, then c and zed once each (code-point order).
        #expect(tokenizer.tokens == ["a", "b", "c", "zed"])
        #expect(tokenizer.vocabularySize == 6)
        #expect(tokenizer.encode("A b, unknown!") == [2, 3, WordTokenizer.unknownID])
        #expect(tokenizer.encode("?!") == [WordTokenizer.unknownID])
    }

    @Test func subwordTrigramsFollowEachWord() throws {
        let tokenizer = try WordTokenizer(fitting: ["lock"], subwordTrigrams: true)
        #expect(tokenizer.pieces("Lock") == ["lock", "0lo", "loc", "ock", "ck0"])
        // An unseen word still shares trigrams with a seen one.
        let ids = tokenizer.encode("locks")
        #expect(ids.count == 6 && ids[0] == WordTokenizer.unknownID && ids.filter { $0 > 1 }.count == 3)
    }

    @Test func limitsAndSettingsAreChecked() throws {
        let limited = try WordTokenizer(fitting: ["a a b c"], minimumCount: 2)
        #expect(limited.tokens == ["a"])
        #expect(try WordTokenizer(fitting: ["a a b b c"], maximumTokens: 2).tokens == ["a", "b"])
        #expect(throws: TextDataError.self) { try WordTokenizer(fitting: ["a"], maximumTokens: 0) }
        #expect(throws: TextDataError.self) { try WordTokenizer(fitting: ["a"], minimumCount: 0) }
        #expect(throws: TextDataError.self) {
            try WordTokenizer(fitting: ["a"], tokenizer: Tokenizer(ngrams: 1...2))
        }
    }

    @Test func aStoredTokenizerRoundTripsAndBadOnesAreRefused() throws {
        let tokenizer = try WordTokenizer(fitting: ["where is my parcel"], subwordTrigrams: true)
        let data = try JSONEncoder().encode(tokenizer)
        #expect(try JSONDecoder().decode(WordTokenizer.self, from: data) == tokenizer)
        let tokenizerJSON = String(decoding: try JSONEncoder().encode(Tokenizer(minimumLength: 1)), as: UTF8.self)
        for tokens in [#"["a","a"]"#, #"[""]"#, "[\"\(String(repeating: "x", count: 2000))\"]"] {
            let json = #"{"tokenizer":\#(tokenizerJSON),"subwordTrigrams":false,"tokens":\#(tokens)}"#
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(WordTokenizer.self, from: Data(json.utf8)) }
        }
    }
}
