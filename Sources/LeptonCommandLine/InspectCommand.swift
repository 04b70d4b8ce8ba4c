import Foundation
import LeptonDeploy
import LeptonLayers

/// `lepton inspect`: everything a bundle says about its model, and whether its checksum holds.
enum InspectCommand {
    static func run(_ arguments: [String], console: CommandConsole) throws -> Int32 {
        let parsed = try CommandArguments(arguments, options: [], flags: ["json"])
        let url = URL(fileURLWithPath: try parsed.requirePositional(["model.lepton"])[0])
        var checksumLine: String
        var status = LeptonCommandLine.exitSuccess
        let bundle: ModelBundle
        do {
            bundle = try ModelBundle(contentsOf: url)
            checksumLine = "OK (\(bundle.checksum ?? "?"))"
        } catch {
            guard case .checksumMismatch(_, let expected, let actual) = error else { throw error }
            bundle = try ModelBundle(contentsOf: url, verifyingChecksum: false)
            checksumLine = "MISMATCH: recorded \(expected), content hashes to \(actual)"
            status = LeptonCommandLine.exitFailure
            console.printError("lepton inspect: \(url.path): checksum mismatch (the file was modified after writing)")
        }
        if parsed.flag("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            console.print(String(decoding: try encoder.encode(bundle.manifest), as: UTF8.self))
            return status
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        let manifest = bundle.manifest
        console.print("\(url.lastPathComponent)  (\(BenchFormatting.bytes(size)))")
        console.print(
            "model:     \(manifest.name)  version \(manifest.version)  (bundle format \(manifest.formatVersion))")
        console.print("checksum:  \(checksumLine)")
        console.print()
        for line in architectureLines(bundle.model) { console.print(line) }
        console.print()
        console.print("compiled inference steps:")
        let predictor = try Predictor(bundle: bundle, warmUpCalls: 0)
        for (index, step) in predictor.stepSummaries.enumerated() { console.print("  \(index + 1). \(step)") }
        if let pipeline = bundle.pipeline {
            console.print()
            let names = pipeline.featureNames
            let shown = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", …" : "")
            console.print("preprocessing: \(pipeline.steps.count) fitted steps → \(names.count) features (\(shown))")
        }
        console.print()
        for line in schemaLines(manifest.schema) { console.print(line) }
        console.print()
        console.print("metrics:")
        console.print("  training:   " + metricsText(manifest.trainingMetrics))
        console.print("  evaluation: " + metricsText(manifest.evaluationMetrics))
        console.print()
        for line in referenceLines(manifest.reference) { console.print(line) }
        console.print()
        for line in lineageLines(manifest.lineage) { console.print(line) }
        return status
    }

    static func architectureLines(_ model: Sequential) -> [String] {
        var lines = ["architecture (input \(model.inputShape?.description ?? "?")):"]
        var rows: [[String]] = [["#", "layer", "output shape", "parameters"]]
        var total = 0
        for (index, layer) in model.layers.enumerated() {
            let parameters = layer.namedParameters().reduce(0) { $0 + $1.parameter.shape.elementCount }
            total += parameters
            let shape = model.outputShapes.indices.contains(index) ? model.outputShapes[index].description : "?"
            rows.append(["\(index)", layer.summaryLine, shape, "\(parameters)"])
        }
        lines += BenchFormatting.table(rows).map { "  " + $0 }
        lines.append("  total parameters: \(total)")
        return lines
    }

    static func schemaLines(_ schema: ModelSchema) -> [String] {
        var lines: [String] = []
        switch schema.input {
        case .tensor(let tensor):
            let range = rangeText(tensor.minimum, tensor.maximum)
            lines.append(
                "input:  tensor \(tensor.shape) \(tensor.dtype)" + (range.isEmpty ? "" : ", values in \(range)"))
        case .text(let text):
            lines.append(
                "input:  text, \(text.tokenizer.kind) tokenizer (\(text.tokenizer.idCount) ids with padding), "
                    + "padded or truncated to \(text.maximumLength) tokens")
        case .tabular(let fields):
            lines.append("input:  \(fields.count) fields")
            var rows: [[String]] = [["field", "type", "", "allowed"]]
            for field in fields {
                let allowed: String
                if let categories = field.categories {
                    allowed = categories.prefix(10).joined(separator: ", ") + (categories.count > 10 ? ", …" : "")
                } else {
                    allowed = rangeText(field.minimum, field.maximum)
                }
                rows.append([field.name, field.type.rawValue, field.required ? "required" : "optional", allowed])
            }
            lines += BenchFormatting.table(rows).map { "  " + $0 }
        }
        let output = schema.output
        lines.append(
            "output: \(output.task.rawValue), shape \(output.shape), "
                + (output.task == .classification ? "labels: " : "names: ")
                + output.names.prefix(20).joined(separator: ", ") + (output.names.count > 20 ? ", …" : ""))
        return lines
    }

    private static func rangeText(_ minimum: Double?, _ maximum: Double?) -> String {
        guard minimum != nil || maximum != nil else { return "" }
        return "[\(minimum.map { "\($0)" } ?? "-∞"), \(maximum.map { "\($0)" } ?? "∞")]"
    }

    private static func metricsText(_ metrics: [String: Double]) -> String {
        metrics.isEmpty
            ? "(none)"
            : metrics.sorted { $0.key < $1.key }.map { "\($0.key) \(BenchFormatting.number($0.value))" }.joined(
                separator: ", ")
    }

    static func referenceLines(_ reference: ReferenceStatistics?) -> [String] {
        guard let reference else { return ["reference statistics: none (drift cannot be checked against training)"] }
        var lines = ["reference statistics (\(reference.rowCount) training rows):"]
        for (title, columns) in [("features", reference.features), ("predictions", reference.predictions)] {
            for (name, column) in columns.sorted(by: { $0.key < $1.key }) {
                switch column {
                case .numeric(let numeric):
                    lines.append(
                        "  \(title) \(name): numeric, mean \(BenchFormatting.number(numeric.mean)), "
                            + "std \(BenchFormatting.number(numeric.standardDeviation)), "
                            + "range [\(BenchFormatting.number(numeric.minimum)), "
                            + "\(BenchFormatting.number(numeric.maximum))], "
                            + (numeric.sample.isEmpty
                                ? "\(numeric.sketch.count)-point quantile sketch"
                                : "\(numeric.sample.count)-value sample"))
                case .categorical(let categorical):
                    let top = categorical.frequencies.sorted { $0.value > $1.value }.prefix(5).map {
                        "\($0.key) \($0.value)"
                    }
                    let count = categorical.frequencies.count
                    lines.append(
                        "  \(title) \(name): categorical, \(count) categories (\(top.joined(separator: ", ")))")
                }
            }
        }
        return lines
    }

    static func lineageLines(_ lineage: BundleLineage) -> [String] {
        var lines = ["lineage:", "  created \(lineage.createdAt) by Lepton \(lineage.leptonVersion)"]
        if let hash = lineage.dataHash {
            lines.append("  training data \(hash)" + (lineage.dataDescription.map { " (\($0))" } ?? ""))
        }
        if let parent = lineage.parentVersion { lines.append("  parent version \(parent)") }
        if let trigger = lineage.trigger { lines.append("  triggered by \(trigger)") }
        if let start = lineage.dataWindowStart, let end = lineage.dataWindowEnd {
            lines.append("  data window \(start) – \(end)")
        }
        if !lineage.notes.isEmpty { lines.append("  notes: \(lineage.notes)") }
        return lines
    }
}
