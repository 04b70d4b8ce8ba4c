import Foundation
import LeptonKernels
import LeptonLayers
import LeptonTensor
import Testing

@testable import LeptonDeploy

/// A two-layer dense model whose first step's input is the data and whose second step's input is
/// `relu(x · W + b)`, computable independently.
private func denseModel() -> Sequential {
    Sequential(inputShape: [5], seed: 21) {
        Dense(units: 4, activation: .relu)
        Dense(units: 2)
    }
}

/// `rows` rows of 5 values, mostly in [-1, 1], with a few outliers up to ±40.
private func data(rows: Int, seed: UInt64) -> [Float] {
    var random = TestRandom(seed: seed)
    return (0..<(rows * 5)).map { index in
        let value = Float(random.unit() * 2 - 1)
        return index % 97 == 13 ? value * 40 : value
    }
}

private func batches(_ values: [Float], rows: Int, size: Int) -> [Tensor] {
    stride(from: 0, to: rows, by: size).map { first in
        let count = min(size, rows - first)
        return Tensor(Array(values[(first * 5)..<((first + count) * 5)]), shape: [count, 5])
    }
}

/// The nearest-rank percentile of |x|: the ⌈p/100 · n⌉-th smallest.
private func nearestRank(_ values: [Float], _ percentile: Double) -> Float {
    let sorted = values.map(abs).sorted()
    let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up))
    return sorted[max(rank, 1) - 1]
}

@Suite("Static int8 calibration")
struct QuantizationCalibrationTests {
    @Test("min-max ranges are the extremes of each int8 step's input")
    func minMaxIsTheClosedForm() throws {
        let model = denseModel()
        let rows = 300
        let values = data(rows: rows, seed: 3)
        let calibration = try QuantizationCalibration(
            model: model, batches: batches(values, rows: rows, size: 64), method: .minMax)
        #expect(calibration.sampleCount == rows)
        #expect(calibration.ranges.count == 2)
        #expect(calibration.ranges[0].lowerBound == values.min()!)
        #expect(calibration.ranges[0].upperBound == values.max()!)
        // The second step's input: relu(x · W + b), from the first layer's parameters.
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.path, $0.parameter.value) })
        let weight = parameters["0.weight"]!.scalars
        let bias = parameters["0.bias"]!.scalars
        var hidden: [Double] = []
        for row in 0..<rows {
            for unit in 0..<4 {
                var sum = Double(bias[unit])
                for k in 0..<5 { sum += Double(values[row * 5 + k]) * Double(weight[k * 4 + unit]) }
                hidden.append(max(sum, 0))
            }
        }
        #expect(abs(Double(calibration.ranges[1].lowerBound) - hidden.min()!) <= 1e-5)
        #expect(abs(Double(calibration.ranges[1].upperBound) - hidden.max()!) <= 1e-5 * max(1, hidden.max()!))
        #expect(calibration.ranges[1].step == "dense 4→2")
        #expect(calibration.ranges[0].scale == max(abs(values.min()!), abs(values.max()!)) / 127)
    }

    @Test("percentile ranges are the nearest-rank percentile of |x| to 1 part in 2,048, independent of batching")
    func percentileIsTheClosedForm() throws {
        let model = denseModel()
        let rows = 401
        let values = data(rows: rows, seed: 5)
        let magnitudes = Set(values.map { abs($0) })
        for percentile in [99.99, 99.0, 50.0, 100.0] {
            let whole = try QuantizationCalibration(
                model: model, batches: batches(values, rows: rows, size: rows), method: .percentile(percentile))
            let split = try QuantizationCalibration(
                model: model, batches: batches(values, rows: rows, size: 7), method: .percentile(percentile))
            let threshold = nearestRank(values, percentile)
            let upper = whole.ranges[0].upperBound
            // The largest value seen in the percentile's bucket (the first 20 bits of the bit pattern).
            #expect(upper >= threshold && upper <= threshold * (1 + 1.0 / 2048), "\(percentile): \(upper) \(threshold)")
            #expect(upper.bitPattern >> 12 == threshold.bitPattern >> 12 && magnitudes.contains(upper))
            #expect(whole.ranges[0].lowerBound == -upper)
            #expect(split.ranges == whole.ranges)
            #expect(whole.method == .percentile(percentile))
        }
        // 99% cuts the outliers (every 97th value, about 1%): the threshold stays within the bulk.
        let trimmed = try QuantizationCalibration(
            model: model, batches: batches(values, rows: rows, size: 50), method: .percentile(98.5))
        #expect(trimmed.ranges[0].upperBound <= 1)
    }

    @Test("bad calibration inputs are typed errors")
    func badInputsAreTypedErrors() {
        let model = denseModel()
        #expect(throws: CalibrationError.invalidPercentile(0)) {
            try QuantizationCalibration(model: model, batches: [Tensor.zeros([1, 5])], method: .percentile(0))
        }
        #expect(throws: CalibrationError.noSamples) {
            try QuantizationCalibration(model: model, batches: [Tensor](), method: .minMax)
        }
        #expect(throws: CalibrationError.inputShapeMismatch(expected: [5], found: [2, 4])) {
            try QuantizationCalibration(model: model, batches: [Tensor.zeros([2, 4])], method: .minMax)
        }
        let infinite = Tensor([1, 2, .infinity, 4, 5], shape: [1, 5])
        #expect(throws: CalibrationError.nonFiniteActivation(step: "dense 5→4 + relu")) {
            try QuantizationCalibration(model: model, batches: [infinite], method: .minMax)
        }
    }

    @Test("a calibrated int8 predictor follows the float model and uses the fixed scales")
    func calibratedPredictorFollowsFloat() throws {
        let (model, schema) = BundleFixtures.tensorParts()
        let images = BundleFixtures.images(64, seed: 9)
        let calibration = try QuantizationCalibration(model: model, batches: [images], method: .minMax)
        let float = try Predictor(model: model, schema: schema, version: "v", warmUpCalls: 0)
        let dynamic = try Predictor(model: model, schema: schema, version: "v", quantization: .int8, warmUpCalls: 0)
        let calibrated = try Predictor(
            model: model, schema: schema, version: "v", quantization: .int8, calibration: calibration, warmUpCalls: 0)
        #expect(calibrated.calibration == calibration && dynamic.calibration == nil)
        #expect(calibrated.stepSummaries.allSatisfy { !$0.hasPrefix("int8") || $0.contains("calibrated") })
        let test = BundleFixtures.images(32, seed: 10)
        let expected = float.outputs(for: test).scalars
        let staticOutputs = calibrated.outputs(for: test).scalars
        let largest = zip(staticOutputs, expected).map { abs($0 - $1) }.max()!
        #expect(largest < 0.03)
        #expect(staticOutputs != dynamic.outputs(for: test).scalars)
        // The same outputs as a model quantised with the same ranges directly, on every kernel.
        for kernel in Int8Kernel.available {
            let direct = try QuantizedModel(model, kernel: kernel, calibration: calibration)
            let difference = zip(direct(test).scalars, staticOutputs).map { abs($0 - $1) }.max()!
            #expect(difference < 1e-5, "\(kernel)")
        }
    }

    @Test("the calibration round-trips through a bundle; a bundle without one runs dynamic int8")
    func bundleRoundTrip() throws {
        let (model, schema) = BundleFixtures.tensorParts()
        let directory = try BundleFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = try ModelBundle(model: model, schema: schema, name: "m", version: "1")
        let calibration = try QuantizationCalibration(
            model: model, batches: [BundleFixtures.images(20, seed: 2)], method: .percentile(99.9))
        let plainURL = directory.appendingPathComponent("plain.lepton")
        let calibratedURL = directory.appendingPathComponent("calibrated.lepton")
        try plain.write(to: plainURL)
        try plain.calibrated(calibration).write(to: calibratedURL)
        let readPlain = try ModelBundle(contentsOf: plainURL)
        let readCalibrated = try ModelBundle(contentsOf: calibratedURL)
        #expect(readPlain.manifest.calibration == nil)
        #expect(readCalibrated.manifest.calibration == calibration)
        // Without calibration the manifest JSON has no calibration key at all: old bundles are byte-identical.
        #expect(!String(decoding: try plain.manifest.jsonData(), as: UTF8.self).contains("calibration"))
        #expect(try Predictor(bundle: readPlain, quantization: .int8, warmUpCalls: 0).calibration == nil)
        #expect(try Predictor(bundle: readCalibrated, quantization: .int8, warmUpCalls: 0).calibration == calibration)
        #expect(try Predictor(bundle: readCalibrated, warmUpCalls: 0).calibration == nil)
    }

    @Test(
        "a corrupted calibration entry in a bundle is a typed error on load",
        arguments: [
            ("nan", "not finite"), ("reversed", "exceeds"), ("count", "ranges"), ("step", "is for step"),
            ("samples", "no sample"), ("percentile", "percentile"),
        ])
    func corruptedCalibrationIsRefused(corruption: String, fragment: String) throws {
        let (model, schema) = BundleFixtures.tensorParts()
        let directory = try BundleFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try QuantizationCalibration(
            model: model, batches: [BundleFixtures.images(10, seed: 4)], method: .minMax)
        var bad = good
        switch corruption {
        case "nan": bad.ranges[1].upperBound = .nan
        case "reversed": bad.ranges[0].lowerBound = bad.ranges[0].upperBound + 1
        case "count": bad.ranges.removeLast()
        case "step": bad.ranges[0].step = "dense 36→3"
        case "samples": bad.sampleCount = 0
        default: bad.method = .percentile(120)
        }
        let bundle = try ModelBundle(model: model, schema: schema, name: "m", version: "1")
        #expect(throws: BundleError.self) { try bundle.calibrated(bad) }
        // Written past the check (as a damaged or hand-edited file would be), with a valid checksum.
        var manifest = bundle.manifest
        manifest.calibration = bad
        let url = directory.appendingPathComponent("bad.lepton")
        try ModelBundle(model: model, pipeline: nil, manifest: manifest, checksum: nil).write(to: url)
        #expect {
            try ModelBundle(contentsOf: url)
        } throws: { error in
            guard case BundleError.invalidCalibration(let file, let reason) = error else { return false }
            return file == url.path && reason.contains(fragment)
        }
    }

    @Test("an unknown calibration method in the manifest is a malformed manifest")
    func unknownMethodIsMalformed() throws {
        let (model, schema) = BundleFixtures.tensorParts()
        let directory = try BundleFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let calibration = try QuantizationCalibration(
            model: model, batches: [BundleFixtures.images(10, seed: 4)], method: .minMax)
        let bundle = try ModelBundle(model: model, schema: schema, name: "m", version: "1").calibrated(calibration)
        let json = String(decoding: try bundle.manifest.jsonData(), as: UTF8.self)
            .replacingOccurrences(of: "\"kind\":\"minMax\"", with: "\"kind\":\"entropy\"")
        #expect(json.contains("entropy"))
        let manifest = try? BundleManifest(jsonData: Data(json.utf8))
        #expect(manifest == nil)
    }
}
