import Foundation
import LeptonCommandLine
import LeptonData
import LeptonTensor
import Testing

@testable import LeptonDeploy

private func run(_ arguments: [String]) async -> (status: Int32, output: String, error: String) {
    let captured = CapturedConsole()
    let status = await LeptonCommandLine.run(arguments, console: captured.console)
    return (status, captured.output, captured.error)
}

/// Writes the tabular fixture bundle and returns its path and raw bytes.
private func writeTabularBundle(in directory: URL) throws -> (path: String, data: Data) {
    let (model, pipeline, schema, table) = try BundleFixtures.tabularParts()
    let predictor = try Predictor(model: model, pipeline: pipeline, schema: schema, version: "credit-3")
    let url = directory.appendingPathComponent("credit.lepton")
    try ModelBundle(
        model: model, pipeline: pipeline, schema: schema, name: "credit", version: "credit-3",
        evaluationMetrics: ["accuracy": 0.8125],
        reference: try ReferenceStatistics(training: table, predictor: predictor),
        lineage: BundleLineage(parentVersion: "credit-2", trigger: "alert-42", notes: "retrained after drift")
    ).write(to: url)
    return (url.path, try Data(contentsOf: url))
}

private func writeTensorBundle(in directory: URL) throws -> String {
    let (model, schema) = BundleFixtures.tensorParts()
    let url = directory.appendingPathComponent("cnn.lepton")
    try ModelBundle(model: model, schema: schema, name: "tiny-cnn", version: "cnn-1").write(to: url)
    return url.path
}

private func jsonLines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
}

@Suite struct CommandLineTests {
    @Test func verifyAcceptsAGoodBundleAndRejectsDamagedOnesWithAClearMessage() async throws {
        let directory = try BundleFixtures.temporaryDirectory()
        let (path, data) = try writeTabularBundle(in: directory)
        let good = await run(["verify", path])
        #expect(good.status == 0)
        #expect(good.output.hasPrefix("OK"))
        #expect(good.output.contains("credit-3"))

        let truncated = directory.appendingPathComponent("truncated.lepton")
        try data.prefix(data.count / 2).write(to: truncated)
        let cut = await run(["verify", truncated.path])
        #expect(cut.status == 1)
        #expect(cut.error.contains("FAILED") && cut.error.contains("truncated"))
        #expect(cut.output.isEmpty)

        let flipped = directory.appendingPathComponent("flipped.lepton")
        var damaged = data
        damaged[damaged.count - 3] ^= 0x10  // inside the last tensor's data
        try damaged.write(to: flipped)
        let flip = await run(["verify", flipped.path])
        #expect(flip.status == 1)
        #expect(flip.error.contains("checksum mismatch") && flip.error.contains("sha256:"))

        let malformed = directory.appendingPathComponent("malformed.lepton")
        var header = data
        header[8] = UInt8(ascii: "x")  // the header's opening brace
        try header.write(to: malformed)
        let bad = await run(["verify", malformed.path])
        #expect(bad.status == 1)
        #expect(bad.error.contains("header is not valid JSON"))

        let missing = await run(["verify", directory.appendingPathComponent("absent.lepton").path])
        #expect(missing.status == 1)
        #expect(missing.error.contains("cannot read"))
    }

    @Test func wrongArgumentsPrintTheUsageAndExitWith2() async {
        for arguments in [
            [], ["frobnicate"], ["verify"], ["verify", "a", "b"], ["inspect", "x.lepton", "--colour"],
            ["bench", "x.lepton", "--seconds", "-1"], ["predict", "m.lepton", "in.csv", "--batch-size", "zero"],
        ] {
            let result = await run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.error.contains("usage: lepton"), "\(arguments)")
        }
        let help = await run(["help"])
        #expect(
            help.status == 0 && help.output.contains("lepton verify") == false
                && help.output.contains("verify <model.lepton>"))
    }

    @Test func inspectShowsArchitectureStepsSchemaMetricsAndLineage() async throws {
        let directory = try BundleFixtures.temporaryDirectory()
        let (path, data) = try writeTabularBundle(in: directory)
        let result = await run(["inspect", path])
        #expect(result.status == 0)
        for expected in [
            "model:     credit  version credit-3", "checksum:  OK (sha256:", "Dense(8, relu)", "[8]",
            "Dense(2, softmax)",
            "total parameters: 74", "compiled inference steps:", "dense 6→8 + relu", "4 fitted steps → 6 features",
            "purpose", "business, car, education", "[18.0, 100.0]",
            "output: classification, shape [2], labels: bad, good",
            "accuracy 0.8125", "parent version credit-2", "triggered by alert-42", "notes: retrained after drift",
            "features age: numeric", "predictions predicted_label: categorical",
        ] {
            #expect(result.output.contains(expected), "missing '\(expected)' in:\n\(result.output)")
        }
        let json = await run(["inspect", path, "--json"])
        let manifest = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect(manifest?["version"] as? String == "credit-3")

        var damaged = data
        damaged[damaged.count - 3] ^= 0x10
        let flipped = directory.appendingPathComponent("flipped.lepton")
        try damaged.write(to: flipped)
        let mismatch = await run(["inspect", flipped.path])
        #expect(mismatch.status == 1)
        #expect(mismatch.output.contains("checksum:  MISMATCH"))
        #expect(mismatch.output.contains("Dense(8, relu)"))
    }

    @Test func predictWritesOneJSONLinePerCSVRowWithTheErrorOfABadRow() async throws {
        let directory = try BundleFixtures.temporaryDirectory()
        let (path, _) = try writeTabularBundle(in: directory)
        let csv = directory.appendingPathComponent("input.csv")
        try """
        age,income,purpose,owns_home
        30,45,car,true
        51,,education,false
        40,50,boat,true
        abc,50,car,true
        """.write(to: csv, atomically: true, encoding: .utf8)
        let result = await run(["predict", path, csv.path])
        #expect(result.status == 3)
        #expect(result.error.contains("2 of 4 inputs rejected"))
        let lines = try jsonLines(result.output)
        #expect(lines.count == 4)
        #expect(lines.map { $0["row"] as? Int } == [1, 2, 3, 4])
        let predictor = try Predictor(bundle: URL(fileURLWithPath: path))
        let first = try predictor.predict(record: [
            "age": .number(30), "income": .number(45), "purpose": .string("car"),
            "owns_home": .string("true"),
        ])
        #expect(lines[0]["label"] as? String == first.label)
        #expect(abs((lines[0]["probability"] as? Double ?? -1) - Double(first.probability!)) < 1e-6)
        #expect(lines[0]["version"] as? String == "credit-3")
        #expect(lines[1]["label"] != nil)
        #expect(lines[2]["error_kind"] as? String == "unknownCategory")
        #expect((lines[2]["error"] as? String ?? "").contains("'boat'"))
        #expect(lines[3]["error_kind"] as? String == "wrongType")
    }

    @Test func predictReportsANaNFieldAsNotFiniteAndAnEmptyFieldAsMissing() async throws {
        let directory = try BundleFixtures.temporaryDirectory()
        let (path, _) = try writeTabularBundle(in: directory)
        let csv = directory.appendingPathComponent("input.csv")
        try """
        age,income,purpose,owns_home
        NaN,45,car,true
        -nan,45,car,true
        ,45,car,true
        """.write(to: csv, atomically: true, encoding: .utf8)
        let result = await run(["predict", path, csv.path])
        let lines = try jsonLines(result.output)
        #expect(lines.count == 3)
        #expect(lines[0]["error_kind"] as? String == "nonFinite")
        #expect(lines[1]["error_kind"] as? String == "nonFinite")
        // `age` is required in the fixture's schema, so an empty cell is a missing field, not a NaN.
        #expect(lines[2]["error_kind"] as? String == "missingField")
    }

    @Test func predictReadsJSONRecordsAndTensorsInEveryForm() async throws {
        let directory = try BundleFixtures.temporaryDirectory()
        let path = try writeTensorBundle(in: directory)
        let image = (0..<36).map { Double($0) / 36 }
        let nested = (0..<6).map { row in (0..<6).map { [image[row * 6 + $0]] } }
        let items: [Any] = [
            image, nested, ["shape": [6, 6, 1], "values": image], [1, 2, 3], "text", ["shape": [36], "values": image],
        ]
        let json = directory.appendingPathComponent("input.json")
        try JSONSerialization.data(withJSONObject: items).write(to: json)
        let result = await run(["predict", path, json.path, "--batch-size", "2"])
        #expect(result.status == 3)
        let lines = try jsonLines(result.output)
        #expect(lines.count == 6)
        let first = lines[0]["outputs"] as? [Double]
        #expect(first != nil && first == lines[1]["outputs"] as? [Double] && first == lines[2]["outputs"] as? [Double])
        #expect(lines[3]["error_kind"] as? String == "wrongShape")
        #expect(lines[4]["error_kind"] as? String == "unreadableInput")
        #expect(lines[5]["error_kind"] as? String == "wrongShape")
        let notAnArray = directory.appendingPathComponent("object.json")
        try Data("{\"a\": 1}".utf8).write(to: notAnArray)
        let bad = await run(["predict", path, notAnArray.path])
        #expect(bad.status == 1 && bad.error.contains("expected a JSON array of inputs"))
    }

    @Test func benchReportsLatencyAndThroughputForBothPrecisionsAndModes() async throws {
        let directory = try BundleFixtures.temporaryDirectory()
        let path = try writeTensorBundle(in: directory)
        let result = await run([
            "bench", path, "--seconds", "0.02", "--batch-sizes", "1,4", "--concurrency", "1,4", "--max-delay-ms", "0.2",
        ])
        #expect(result.status == 0, "\(result.error)")
        let lines = try jsonLines(result.output)
        let batches = lines.filter { $0["benchmark"] as? String == "batch" }
        let concurrent = lines.filter { $0["benchmark"] as? String == "concurrency" }
        // Per precision and batch size: predict(batch:) ("direct") and outputs(for:) on stacked tensors ("tensor").
        #expect(batches.count == 8 && concurrent.count == 12)
        #expect(batches.filter { $0["mode"] as? String == "tensor" }.count == 4)
        #expect(
            batches.filter { $0["precision"] as? String == "int8" }.allSatisfy {
                $0["int8_scales"] as? String == "dynamic"
            })
        #expect(Set(concurrent.compactMap { $0["mode"] as? String }) == ["batcher", "direct", "one-at-a-time"])
        #expect(Set(lines.compactMap { $0["precision"] as? String }) == ["float32", "int8"])
        for line in batches + concurrent {
            let p50 = line["p50_ms"] as? Double ?? -1
            let p99 = line["p99_ms"] as? Double ?? -1
            #expect(p50 > 0 && p99 >= p50 && (line["throughput"] as? Double ?? 0) > 0)
        }
        let accuracy = lines.first { $0["benchmark"] as? String == "int8_accuracy" }
        #expect((accuracy?["agreement"] as? Double ?? 0) > 0.5)
        #expect(result.output.contains("dynamic batching gives"))
        #expect(result.output.contains("the throughput of float32"))
    }
}
