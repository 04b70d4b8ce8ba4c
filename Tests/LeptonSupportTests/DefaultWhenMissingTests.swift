import Foundation
import LeptonSupport
import Testing

/// A settings type that gained two properties after its first encodings were written.
private struct Settings: Codable, Equatable {
    var name: String
    @DefaultWhenMissing<EmptyWhenMissing<[Int]>> var added: [Int]
    @DefaultWhenMissing<ZeroWhenMissing<Double>> var share: Double
    @DefaultWhenMissing<EmptyDictionaryWhenMissing<[String: Int]>> var counts: [String: Int]
}

/// The same type written out by hand, as it would be without the wrapper: the reference for the encoded form.
private struct PlainSettings: Codable, Equatable {
    var name: String
    var added: [Int]
    var share: Double
    var counts: [String: Int]
}

@Suite("DefaultWhenMissing: defaults for keys older encodings lack")
struct DefaultWhenMissingTests {
    @Test("a missing or null key decodes to the default")
    func missingKeys() throws {
        let old = try JSONDecoder().decode(Settings.self, from: Data(#"{"name":"a"}"#.utf8))
        #expect(old.name == "a" && old.added == [] && old.share == 0 && old.counts == [:])
        let null = try JSONDecoder().decode(Settings.self, from: Data(#"{"name":"a","share":null}"#.utf8))
        #expect(null.share == 0)
    }

    @Test("present keys decode, and the encoding equals that of unwrapped properties")
    func presentKeysAndEncoding() throws {
        let json = #"{"name":"b","added":[3,1],"share":0.25,"counts":{"x":2}}"#
        let settings = try JSONDecoder().decode(Settings.self, from: Data(json.utf8))
        #expect(settings.added == [3, 1] && settings.share == 0.25 && settings.counts == ["x": 2])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let plain = PlainSettings(name: "b", added: [3, 1], share: 0.25, counts: ["x": 2])
        #expect(try encoder.encode(settings) == encoder.encode(plain))
        #expect(try JSONDecoder().decode(Settings.self, from: encoder.encode(settings)) == settings)
    }

    @Test("a present key with a malformed value is an error, not the default")
    func malformedValue() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Settings.self, from: Data(#"{"name":"a","share":"half"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Settings.self, from: Data(#"{"added":[1]}"#.utf8))
        }
    }
}
