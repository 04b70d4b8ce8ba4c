import Foundation
import Testing

@testable import LeptonData

/// `Resources/idx/expected.json`, written by `Resources/idx/make_fixtures.py`.
struct IDXExpectations: Decodable {
    struct ValidFile: Decodable {
        let file: String
        let type: String
        let shape: [Int]
        let values: [Double]
    }
    struct BrokenFile: Decodable {
        let file: String
        let error: String
        let details: [String: Int]
    }
    struct BrokenDirectory: Decodable {
        let directory: String
        let error: String
    }
    struct MNISTSplitTruth: Decodable {
        let shape: [Int]
        let pixelSum: Int
        let pixelsSHA256: String
        let labelsSHA256: String
        let labelCounts: [Int]
        let firstLabels: [Int32]
        let firstImageRow14: [UInt8]
    }
    let valid: [ValidFile]
    let broken: [BrokenFile]
    let mnistBroken: [BrokenDirectory]
    let mnist5k: [String: MNISTSplitTruth]

    static func load() throws -> IDXExpectations {
        try JSONDecoder().decode(IDXExpectations.self, from: TestResources.data("idx/expected.json"))
    }
}

@Suite("IDX files written by Python's struct module")
struct IDXTests {
    @Test("every element type reads with its shape and values, plain and gzipped")
    func validFiles() throws {
        let expectations = try IDXExpectations.load()
        #expect(expectations.valid.count == 9)
        for entry in expectations.valid {
            let array = try IDXArray.read(contentsOf: TestResources.url("idx/" + entry.file))
            #expect(array.shape == entry.shape, "\(entry.file)")
            #expect(array.dataType.description.hasPrefix(entry.type), "\(entry.file)")
            #expect(array.count == entry.values.count, "\(entry.file)")
            #expect(array.floats() == entry.values.map { Float($0) }, "\(entry.file)")
            if array.dataType.isInteger {
                #expect(try array.int32s() == entry.values.map { Int32($0) }, "\(entry.file)")
            } else {
                #expect(throws: IDXError.self) { try array.int32s() }
            }
            if array.dataType == .uint8 {
                #expect(try array.bytes() == entry.values.map { UInt8($0) }, "\(entry.file)")
            } else {
                #expect(throws: IDXError.self) { try array.bytes() }
            }
        }
    }

    @Test("every broken file throws its IDXError naming the file")
    func brokenFiles() throws {
        let expectations = try IDXExpectations.load()
        #expect(expectations.broken.count == 8)
        for entry in expectations.broken {
            let url = TestResources.url("idx/" + entry.file)
            do {
                let array = try IDXArray.read(contentsOf: url)
                Issue.record("\(entry.file): expected \(entry.error), read shape \(array.shape)")
            } catch let error as IDXError {
                #expect(Self.matches(error, entry.error, entry.details, file: url.path), "\(entry.file): got \(error)")
                #expect(error.description.contains(url.path))
            }
        }
    }

    @Test("parsing a slice of a larger buffer (indices not starting at 0)")
    func slice() throws {
        let file = try TestResources.data("idx/int16.idx.gz")
        let padded = Data([1, 2, 3]) + file + Data([9])
        let array = try IDXArray(parsing: padded[3..<(3 + file.count)], source: "slice")
        #expect(array.shape == [3, 2] && array.floats() == [-32768, -300, 0, 1, 300, 32767])
        #expect(throws: IDXError.truncatedHeader(file: "slice", expectedBytes: 4, actualBytes: 2)) {
            try IDXArray(parsing: padded[1..<3], source: "slice")
        }
    }

    @Test("a missing file is an IDXError, not a crash")
    func missingFile() {
        let url = TestResources.url("idx/does-not-exist.idx")
        #expect {
            try IDXArray.read(contentsOf: url)
        } throws: { error in
            guard case .unreadableFile(let file, _) = error as? IDXError else { return false }
            return file == url.path
        }
    }

    private static func matches(_ error: IDXError, _ name: String, _ details: [String: Int], file: String) -> Bool {
        switch error {
        case .badMagic(let errorFile, _): return name == "badMagic" && errorFile == file
        case .unknownTypeCode(let errorFile, let code):
            return name == "unknownTypeCode" && errorFile == file && Int(code) == details["code"]
        case .truncatedHeader(let errorFile, let expected, let actual):
            return name == "truncatedHeader" && errorFile == file && expected == details["expectedBytes"]
                && actual == details["actualBytes"]
        case .sizeMismatch(let errorFile, _, let expected, let actual):
            return name == "sizeMismatch" && errorFile == file && expected == details["expectedBytes"]
                && actual == details["actualBytes"]
        case .dimensionOverflow(let errorFile, let dimensions):
            return name == "dimensionOverflow" && errorFile == file
                && dimensions == [Int](repeating: 0xFFFF_FFFF, count: 4)
        case .decompressionFailed(let errorFile, _): return name == "decompressionFailed" && errorFile == file
        case .unreadableFile, .wrongDataType: return false
        }
    }
}
