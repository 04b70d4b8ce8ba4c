import Foundation
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

/// Reads the logger's event files back with TensorBoard's own reader (`EventAccumulator` of the `tensorboard`
/// Python package), so the format is checked by an implementation no one here wrote.
///
/// CI installs `tensorboard` and sets `LEPTON_REQUIRE_PYTHON_PEERS=1`, which turns a missing package into a
/// failure; elsewhere the test is skipped with that reason when the package cannot be imported.
@Suite("TensorBoard event files")
struct TensorBoardLoggerTests {
    static let reader = """
        import json, sys
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
        out = {}
        for run in ("train", "validation"):
            acc = EventAccumulator(sys.argv[1] + "/" + run, size_guidance={"scalars": 0, "histograms": 0})
            acc.Reload()
            tags = acc.Tags()
            out[run] = {
                "scalars": {t: [[e.step, e.value] for e in acc.Scalars(t)] for t in tags["scalars"]},
                "histograms": {t: [[e.step, e.histogram_value.num, e.histogram_value.min, e.histogram_value.max,
                                    e.histogram_value.sum, sum(e.histogram_value.bucket)]
                                   for e in acc.Histograms(t)] for t in tags["histograms"]},
            }
        print(json.dumps(out))
        """

    static let tensorBoardAvailable: Bool = {
        let probe = runPython(["-c", "import tensorboard"])
        return probe?.status == 0 || ProcessInfo.processInfo.environment["LEPTON_REQUIRE_PYTHON_PEERS"] == "1"
    }()

    static func runPython(_ arguments: [String]) -> (status: Int32, output: Data)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test(
        "TensorBoard's EventAccumulator reads back every epoch's scalars, batch scalars and weight histograms",
        .enabled(if: tensorBoardAvailable, "the tensorboard Python package is not installed (pip install tensorboard)")
    )
    func readBack() throws {
        let (x, y) = TrainingTests.blobs(count: 60, seed: 11)
        let (testX, testY) = TrainingTests.blobs(count: 30, seed: 12)
        let model = TrainingTests.model(seed: 3)
        let trainer = Trainer(
            model: model, optimizer: Adam(learningRate: 0.02), loss: .sparseCategoricalCrossentropy,
            metrics: [.accuracy])
        let directory = TrainingTests.temporaryURL("tensorboard")
        defer { try? FileManager.default.removeItem(at: directory) }
        let logger = TensorBoardLogger(logDirectory: directory, updateFrequency: .batches(2), histogramFrequency: 1)
        let history = try trainer.fit(
            x, .labels(y), epochs: 3, batchSize: 10, validation: (testX, .labels(testY)), callbacks: [logger],
            verbose: false)

        let result = try #require(Self.runPython(["-c", Self.reader, directory.path]))
        #expect(result.status == 0)
        let decoded = try JSONSerialization.jsonObject(with: result.output) as? [String: [String: [String: [[Double]]]]]
        let runs = try #require(decoded)
        let trainScalars = try #require(runs["train"]?["scalars"])
        let validationScalars = try #require(runs["validation"]?["scalars"])

        func expectCurve(_ points: [[Double]]?, equals values: [Double], name: String) {
            guard let points, points.count == values.count else {
                Issue.record("\(name): expected \(values.count) points, read \(points?.count ?? 0)")
                return
            }
            for (index, point) in points.enumerated() {
                #expect(point[0] == Double(index), "\(name) step")
                // Event files store scalars as Float32.
                #expect(abs(point[1] - values[index]) <= 1e-6 * max(1, abs(values[index])), "\(name) value")
            }
        }
        expectCurve(trainScalars["epoch_loss"], equals: history["loss"], name: "epoch_loss")
        expectCurve(trainScalars["epoch_accuracy"], equals: history["accuracy"], name: "epoch_accuracy")
        expectCurve(trainScalars["epoch_learning_rate"], equals: history["lr"], name: "epoch_learning_rate")
        expectCurve(validationScalars["epoch_loss"], equals: history["val_loss"], name: "validation epoch_loss")
        expectCurve(
            validationScalars["epoch_accuracy"], equals: history["val_accuracy"], name: "validation epoch_accuracy")

        // 6 batches per epoch, every 2nd logged: global steps 1, 3, 5, 7, …, 17.
        let batchSteps = try #require(trainScalars["batch_loss"]).map { Int($0[0]) }
        #expect(batchSteps == Array(stride(from: 1, to: 18, by: 2)))

        // One histogram per trainable parameter per epoch, describing the final weights at the last epoch.
        let histograms = try #require(runs["train"]?["histograms"])
        let parameters = model.trainableParameters
        #expect(Set(histograms.keys) == Set(parameters.map(\.path)))
        for named in parameters {
            let entries = try #require(histograms[named.path])
            #expect(entries.map { Int($0[0]) } == [0, 1, 2])
            let last = try #require(entries.last)
            let values = named.parameter.value.scalars.map(Double.init)
            #expect(last[1] == Double(values.count))
            // The reader rebuilds the range from its own float arithmetic: equal to about 1e-15.
            #expect(abs(last[2] - values.min()!) <= 1e-12 * max(1, abs(values.min()!)))
            #expect(abs(last[3] - values.max()!) <= 1e-12 * max(1, abs(values.max()!)))
            #expect(abs(last[4] - values.reduce(0, +)) <= 1e-9 * max(1, values.map(abs).reduce(0, +)))
            #expect(last[5] == Double(values.count))
        }
    }
}
