import Foundation
import LeptonCommandLine
import LeptonData
import LeptonLayers
import LeptonTensor
import Testing

@testable import LeptonDeploy

@Suite struct TextCommandLineTests {
    private static func writeTextBundle(in directory: URL) throws -> (path: String, predictor: Predictor) {
        let characters = try CharacterTokenizer(fitting: "abcdef ", unknownHandling: .error)
        let tokenizer = TextTokenizer.characters(characters)
        let model = Sequential(inputShape: [8], seed: 3) {
            PaddingMask(paddingID: Int(tokenizer.paddingID))
            Embedding(vocabularySize: tokenizer.idCount, dimension: 4)
            GlobalAveragePooling1D()
            Dense(units: 2)
        }
        let schema = ModelSchema(
            input: .text(TextSchema(tokenizer: tokenizer, maximumLength: 8)),
            output: .classification(labels: ["no", "yes"]))
        let url = directory.appendingPathComponent("text.lepton")
        let bundle = try ModelBundle(model: model, schema: schema, name: "chars", version: "c1").write(to: url)
        return (url.path, try Predictor(bundle: bundle))
    }

    @Test func predictAnswersTextsFromJSONAndCSVAndInspectDescribesTheTokenizer() async throws {
        let directory = try BundleFixtures.temporaryDirectory()
        let (path, predictor) = try Self.writeTextBundle(in: directory)
        let json = directory.appendingPathComponent("texts.json")
        try JSONSerialization.data(withJSONObject: ["bad cafe", ["text": "bad cafe"], "xyz", [1, 2]]).write(to: json)
        let captured = CapturedConsole()
        let status = await LeptonCommandLine.run(["predict", path, json.path], console: captured.console)
        #expect(status == 3)  // some inputs failed
        let lines = try captured.output.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(lines.count == 4)
        let expected = try predictor.predict(text: "bad cafe").outputs.map(Double.init)
        let first = try #require(lines.first?["outputs"] as? [Double])
        #expect(zip(first, expected).allSatisfy { abs($0 - $1) <= 1e-6 * max(abs($1), 1e-3) })
        #expect(lines[1]["outputs"] as? [Double] == first)
        #expect(lines[2]["error_kind"] as? String == "invalidText")
        #expect(lines[3]["error_kind"] as? String != nil)

        let csv = directory.appendingPathComponent("texts.csv")
        try Data("id,text\n1,bad cafe\n2,face\n".utf8).write(to: csv)
        let csvConsole = CapturedConsole()
        #expect(await LeptonCommandLine.run(["predict", path, csv.path], console: csvConsole.console) == 0)
        let csvLines = csvConsole.output.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(csvLines.count == 2)

        let inspect = CapturedConsole()
        #expect(await LeptonCommandLine.run(["inspect", path], console: inspect.console) == 0)
        #expect(inspect.output.contains("input:  text, characters tokenizer (8 ids with padding)"))
        #expect(inspect.output.contains("PaddingMask(7)"))
    }
}
