import Foundation
import LeptonDeploy

/// `lepton verify`: recompute the checksum, validate everything, run the model once.
enum VerifyCommand {
    static func run(_ arguments: [String], console: CommandConsole) throws -> Int32 {
        let parsed = try CommandArguments(arguments, options: [], flags: [])
        let url = URL(fileURLWithPath: try parsed.requirePositional(["model.lepton"])[0])
        do {
            let bundle = try ModelBundle(contentsOf: url)
            let predictor = try Predictor(bundle: bundle, warmUpCalls: 1)
            _ = try Predictor(bundle: bundle, quantization: .int8, warmUpCalls: 0)
            console.print(
                "OK  \(url.lastPathComponent): \(bundle.manifest.name) version \(bundle.version), "
                    + "\(predictor.stepSummaries.count) compiled steps, checksum \(bundle.checksum ?? "?")")
            return LeptonCommandLine.exitSuccess
        } catch {
            console.printError("FAILED  \(error)")
            return LeptonCommandLine.exitFailure
        }
    }
}
