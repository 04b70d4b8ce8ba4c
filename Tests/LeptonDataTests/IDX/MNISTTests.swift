import Foundation
import LeptonDeploy  // SHA256Hasher, to check payloads against digests recorded by Python
import Testing

@testable import LeptonData

@Suite("MNIST directory loading")
struct MNISTTests {
    @Test("the 5k subset loads: 4,000 / 1,000 images, 400 / 100 per digit, bytes as Python read them")
    func mnist5k() throws {
        let truth = try IDXExpectations.load().mnist5k
        let files = try MNISTFiles(directory: TestResources.url("mnist_5k"))
        for (split, name) in [(files.train, "train"), (files.test, "t10k")] {
            let expected = try #require(truth[name])
            #expect(split.count == expected.shape[0])
            #expect(split.pixels.count == split.count * 784)
            var histogram = [Int](repeating: 0, count: 10)
            for label in split.labels { histogram[Int(label)] += 1 }
            #expect(histogram == expected.labelCounts)
            #expect(split.pixels.reduce(0) { $0 + Int($1) } == expected.pixelSum)
            #expect(SHA256Hasher.hex(SHA256Hasher.hash(Data(split.pixels))) == expected.pixelsSHA256)
            #expect(SHA256Hasher.hex(SHA256Hasher.hash(Data(split.labels.map { UInt8($0) }))) == expected.labelsSHA256)
            #expect(Array(split.labels.prefix(10)) == expected.firstLabels)
            #expect(Array(split.image(0).dropFirst(14 * 28).prefix(28)) == expected.firstImageRow14)
        }
        #expect(files.train.count == 4000 && files.test.count == 1000)
        #expect(files.train.labels.filter { $0 == 7 }.count == 400)
    }

    @Test("inconsistent directories throw the matching MNISTError")
    func brokenDirectories() throws {
        let cases = try IDXExpectations.load().mnistBroken
        #expect(cases.count == 4)
        for entry in cases {
            do {
                let files = try MNISTFiles(directory: TestResources.url("idx/" + entry.directory))
                Issue.record("\(entry.directory): expected \(entry.error), loaded \(files.train.count) images")
            } catch let error as MNISTError {
                let name: String
                switch error {
                case .missingFile: name = "missingFile"
                case .badImageShape: name = "badImageShape"
                case .badLabelShape: name = "badLabelShape"
                case .countMismatch(_, let images, _, let labels):
                    name = "countMismatch"
                    #expect(images == 2 && labels == 3)
                case .labelOutOfRange(_, let index, let label):
                    name = "labelOutOfRange"
                    #expect(index == 1 && label == 10)
                }
                #expect(name == entry.error, "\(entry.directory): got \(error)")
            }
        }
    }

    @Test("a directory without the files names the missing one")
    func missingFiles() throws {
        let directory = try TestResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: MNISTError.missingFile(directory: directory.path, name: "train-images-idx3-ubyte")) {
            try MNISTFiles(directory: directory)
        }
    }
}
