import Foundation
import Testing

@testable import LeptonData

@Suite("Number, boolean and missing-token parsing of field bytes")
struct FieldParsingTests {
    private func number(_ text: String) -> Double? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { FieldParsing.number(UnsafeBufferPointer($0)) }
    }

    private func boolean(_ text: String, lenient: Bool) -> Bool? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { FieldParsing.boolean(UnsafeBufferPointer($0), lenient: lenient) }
    }

    @Test("agrees bit for bit with the standard library on generated decimals")
    func agreesWithStandardLibrary() {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            let digits = String(generator.next() % 10_000_000_000_000_000_000)
            let cut = Int(generator.next() % UInt64(digits.count + 1))
            var text = String(digits.prefix(cut)) + "." + String(digits.dropFirst(cut))
            if text == "." { text = "0." }
            if generator.next() % 3 == 0 { text += "e\(Int(generator.next() % 80) - 40)" }
            if generator.next() % 2 == 0 { text = "-" + text }
            let expected = Double(text) ?? Double(text.replacingOccurrences(of: ".e", with: ".0e"))
            #expect(number(text)?.bitPattern == expected?.bitPattern, "\(text)")
        }
        for text in [
            "0.1", "1e23", "9007199254740993", "123456789012345678901234567890", "4.9e-324", "1.7976931348623157e308",
            "2.2250738585072014e-308",
        ] {
            #expect(number(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test("bit for bit with the standard library: leading zeros, 20+ digits, subnormals, huge exponents, boundaries")
    func edgeCases() {
        let cases = [
            "000123.4500", "0000000000000000000000001", "-00.000", "+0", "-0.0", "0e999999", "1e-400", "-1e-400",
            "1e99999999999", "1e-99999999999", "9007199254740992", "9007199254740993", "18014398509481985",
            "9999999999999999999", "10000000000000000000", "12345678901234567890123", "1.00000000000000000000001",
            "0.30000000000000000000000000000001", "1e22", "1e23", "123456789012345e-22", "0.000001e+28",
            "2.4703282292062327e-324", "2.4703282292062328e-324", "4.9406564584124654e-324", "1e-320",
            "2.2250738585072011e-308", "2.2250738585072012e-308", "1.7976931348623158e308", "1.7976931348623159e308",
            "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
            "7.e3", "-.5E-2", "5e+0", "0.1e1", "1234567890123456.7", "123456789012345.67",
        ]
        for text in cases {
            #expect(number(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        var generator = SplitMix64(seed: 97)
        for _ in 0..<30_000 {
            let length = 1 + Int(generator.next() % 26)
            var digits = (0..<length).map { _ in String(generator.next() % 10) }.joined()
            if generator.next() % 4 == 0 { digits = String(repeating: "0", count: Int(generator.next() % 6)) + digits }
            let cut = Int(generator.next() % UInt64(digits.count + 1))
            var text =
                generator.next() % 3 == 0 ? digits : String(digits.prefix(cut)) + "." + String(digits.dropFirst(cut))
            if text.hasPrefix(".") || text.hasSuffix(".") { text = text.replacingOccurrences(of: ".", with: "") }
            if generator.next() % 2 == 0 {
                let sign = ["", "+", "-"][Int(generator.next() % 3)]
                text += ["e", "E"][Int(generator.next() % 2)] + sign + String(generator.next() % 700)
            }
            text = ["", "-", "+"][Int(generator.next() % 3)] + text
            #expect(number(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test("infinities and NaN in any case and sign; other words are not numbers")
    func specialValues() {
        for text in ["inf", "INF", "+Inf", "infinity", "-Infinity", "  -INFINITY "] {
            #expect(number(text)?.isInfinite == true, "\(text)")
            #expect(number(text)?.sign == (text.contains("-") ? .minus : .plus), "\(text)")
        }
        for text in ["nan", "NaN", "-nan", "+NAN"] { #expect(number(text)?.isNaN == true, "\(text)") }
        for text in ["infinit", "infx", "nan(1)", "nann", "-", "+", "in f", "i", "n"] {
            #expect(number(text) == nil, "\(text)")
        }
    }

    @Test("accepts the documented forms, rejects everything else")
    func grammar() {
        #expect(number(" 7 ") == 7 && number("+.5") == 0.5 && number("5.") == 5 && number("1E+3") == 1000)
        #expect(number("-inf") == -.infinity && number("Infinity") == .infinity && number("NaN")!.isNaN)
        #expect(number("-0")!.sign == .minus && number("1e400") == .infinity)
        for text in ["", " ", "1e", "e5", ".", "-", "1.2.3", "0x10", "1,5", "++1", "1 2", "1_000", "in", "nana", "١٢"] {
            #expect(number(text) == nil, "\(text.debugDescription)")
        }
    }

    @Test("booleans: strict for inference, lenient for declared columns")
    func booleans() {
        #expect(boolean("TRUE", lenient: false) == true && boolean(" false ", lenient: false) == false)
        #expect(boolean("yes", lenient: false) == nil && boolean("1", lenient: false) == nil)
        #expect(boolean("Yes", lenient: true) == true && boolean("n", lenient: true) == false)
        #expect(boolean("0", lenient: true) == false && boolean("truth", lenient: true) == nil)
        #expect(boolean("", lenient: true) == nil && boolean("falsey", lenient: true) == nil)
    }

    @Test("missing tokens match after trimming, case-sensitively")
    func missingTokens() {
        let matcher = MissingTokenMatcher(CSVReadOptions.defaultMissingTokens)
        func matches(_ text: String) -> Bool {
            var bytes = Array(text.utf8)
            return bytes.withUnsafeMutableBufferPointer { matcher.matches(UnsafeBufferPointer($0)) }
        }
        #expect(matches("") && matches("  ") && matches(" NA") && matches("N/A") && matches("null") && matches("<NA>"))
        #expect(!matches("na") && !matches("NAN") && !matches("0") && !matches("None of them"))
    }

    @Test("missing tokens: random token sets and fields agree with trimming and comparing strings")
    func missingTokensRandom() {
        var generator = SplitMix64(seed: 31)
        let alphabet = ["", "N", "A", "1", "-", " ", "\t", "é", "#", "/", "x"]
        func word() -> String {
            (0..<Int(generator.next() % 11)).map { _ in alphabet[Int(generator.next() % 11)] }.joined()
        }
        for _ in 0..<300 {
            let tokens = Set((0..<Int(generator.next() % 6)).map { _ in word() })
            let matcher = MissingTokenMatcher(tokens)
            for _ in 0..<50 {
                let field = generator.next() % 3 == 0 ? tokens.randomElement() ?? word() : word()
                let padded = [" ", "", "\t"][Int(generator.next() % 3)] + field + [" ", ""][Int(generator.next() % 2)]
                let trimmed = String(
                    String.UnicodeScalarView(
                        padded.unicodeScalars.drop { $0 == " " || $0 == "\t" }.reversed().drop {
                            $0 == " " || $0 == "\t"
                        }
                        .reversed()))
                var bytes = Array(padded.utf8)
                let found = bytes.withUnsafeMutableBufferPointer { matcher.matches(UnsafeBufferPointer($0)) }
                #expect(found == tokens.contains(trimmed), "\(padded.debugDescription) in \(tokens)")
            }
        }
    }
}
