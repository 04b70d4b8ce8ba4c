import Foundation
import LeptonData
import LeptonDeploy
import LeptonLayers
import LeptonTensor
import LeptonTrain

/// `lepton mnist-bundle`: trains the reference CNN on MNIST IDX files and writes it as a bundle, with schema, metrics,
/// reference statistics and lineage — the model `lepton bench --mnist` measures.
enum MNISTBundleCommand {
    static func run(_ arguments: [String], console: CommandConsole) throws -> Int32 {
        let parsed = try CommandArguments(
            arguments, options: ["data", "output", "epochs", "seed", "version", "calibration", "calibration-images"],
            flags: [])
        _ = try parsed.requirePositional([])
        guard let data = parsed.option("data"), let output = parsed.option("output") else {
            throw CommandArguments.UsageError(message: "--data DIR and --output FILE are required")
        }
        let epochs = try parsed.positiveInteger("epochs", default: 1)
        let seed = UInt64(try parsed.positiveInteger("seed", default: 1))
        let calibrationMethod = try calibrationMethod(parsed.option("calibration") ?? "minmax")
        let calibrationImages = try parsed.positiveInteger("calibration-images", default: 1000)
        let directory = URL(fileURLWithPath: data)
        let mnist = try MNISTFiles(directory: directory)
        console.print("MNIST: \(mnist.train.count) training and \(mnist.test.count) test images from \(directory.path)")

        let model = Sequential(inputShape: [28, 28, 1], seed: seed) {
            Conv2D(filters: 32, kernelSize: 3, activation: .relu)
            MaxPool2D(poolSize: 2)
            Flatten()
            Dense(units: 64, activation: .relu)
            Dense(units: 10, activation: .softmax)
        }
        let trainer = Trainer(
            model: model, optimizer: Adam(learningRate: 1e-3), loss: .sparseCategoricalCrossentropy,
            metrics: [.accuracy], seed: seed)
        let trainImages = mnist.train.images
        let testImages = mnist.test.images
        let history = try trainer.fit(
            trainImages, .labels(mnist.train.labels), epochs: epochs, batchSize: 32,
            validation: (testImages, .labels(mnist.test.labels)), verbose: false)
        let last = history.epochs.last?.values ?? [:]
        console.print(
            "trained \(epochs) epoch(s): "
                + last.sorted { $0.key < $1.key }.map { "\($0.key) \(BenchFormatting.number($0.value))" }
                .joined(separator: ", "))

        let schema = ModelSchema(
            input: .tensor(shape: [28, 28, 1], range: 0...1),
            output: .classification(labels: (0..<10).map(String.init)))
        let version = parsed.option("version") ?? "mnist-cnn-\(epochs)ep"
        let predictor = try Predictor(model: model, schema: schema, name: "mnist-cnn", version: version)
        let calibration = try calibrationMethod.map { method in
            let count = min(calibrationImages, mnist.train.count)
            let batches = stride(from: 0, to: count, by: 256).map { trainImages[$0..<min(count, $0 + 256)] }
            return try QuantizationCalibration(model: model, batches: batches, method: method)
        }
        if let calibration {
            let ranges = calibration.ranges.map {
                "[\(BenchFormatting.number(Double($0.lowerBound))), "
                    + "\(BenchFormatting.number(Double($0.upperBound)))]"
            }
            console.print(
                "int8 calibration (\(calibration.method)) on the first \(calibration.sampleCount) training images: "
                    + ranges.joined(separator: ", "))
        }
        let referenceCount = min(mnist.train.count, ReferenceStatistics.defaultSampleLimit)
        let reference = try ReferenceStatistics(trainingInputs: trainImages[0..<referenceCount], predictor: predictor)
        var hasher = SHA256Hasher()
        for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"] {
            let file = try [name + ".gz", name].map { directory.appendingPathComponent($0) }
                .first { FileManager.default.fileExists(atPath: $0.path) }
                .map { try Data(contentsOf: $0) }
            if let file { hasher.update(file) }
        }
        let bundle = try ModelBundle(
            model: model, schema: schema, name: "mnist-cnn", version: version,
            trainingMetrics: history.epochs.last?.values.filter { !$0.key.hasPrefix("val_") } ?? [:],
            evaluationMetrics: ["accuracy": last["val_accuracy"] ?? .nan, "loss": last["val_loss"] ?? .nan],
            reference: reference,
            lineage: BundleLineage(
                dataHash: "sha256:" + hasher.finalizeHex(),
                dataDescription:
                    "MNIST training images then labels (the files' bytes as stored) in \(directory.lastPathComponent)",
                notes: "reference CNN, Adam 1e-3, batch 32, \(epochs) epoch(s), seed \(seed)"),
            calibration: calibration
        )
        .write(to: URL(fileURLWithPath: output))
        console.print("wrote \(output): \(bundle.manifest.name) \(bundle.version), checksum \(bundle.checksum ?? "?")")
        return LeptonCommandLine.exitSuccess
    }

    /// `minmax`, `percentile:P` or `none` (no calibration: int8 runs with dynamic scales).
    private static func calibrationMethod(_ text: String) throws(CommandArguments.UsageError)
        -> QuantizationCalibration.Method?
    {
        if text == "none" { return nil }
        if text == "minmax" { return .minMax }
        if text.hasPrefix("percentile:"), let value = Double(text.dropFirst("percentile:".count)), value > 0,
            value <= 100
        {
            return .percentile(value)
        }
        throw CommandArguments.UsageError(
            message: "--calibration must be minmax, percentile:P (0 < P <= 100) or none, got '\(text)'")
    }
}
