// libFuzzer entry point for the model-file architecture decoder of LeptonLayers (`Sequential.fromArchitectureJSON`,
// what `Sequential.load(from:)` reads) and the bundle reader's architecture screen in front of it (linked by
// Tests/Fuzz/run.sh against the library stack built with fuzzer coverage and `-enable-testing`). The first byte picks
// the mode: bit 0 clear decodes the JSON directly, as a plain model file is read; bit 0 set runs `ArchitectureScreen`
// first, as a bundle is read, and requires a screened architecture to build. A model that builds with a small input
// runs one forward pass on zeros. Any failure must be a ModelFileError or ArchitectureError (or the screen's
// problem); a crash, a sanitizer report or another error is a finding.
import Foundation
import LeptonLayers
import LeptonTensor

@testable import LeptonDeploy

/// Decodes one fuzzer input as architecture JSON in the mode its first byte selects.
/// - Parameters:
///   - bytes: the input.
///   - count: its length.
/// - Returns: 0, as libFuzzer requires.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelJSON(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let screened = bytes[0] & 1 != 0
    let json = Data(bytes: bytes + 1, count: count - 1)
    if screened {
        guard let tree = try? JSONValue(parsing: json) else { return 0 }
        do {
            try ArchitectureScreen(parameterLimit: 1 << 22).check(tree)
        } catch {
            return 0  // typed: ArchitectureScreen.Problem
        }
    }
    let model: Sequential
    do {
        model = try Sequential.fromArchitectureJSON(json, file: "fuzz.json")
    } catch is ModelFileError {
        return 0
    } catch is ArchitectureError {
        return 0
    } catch {
        fatalError("model-json: untyped error \(error)")
    }
    run(model)
    return 0
}

/// One inference forward pass on zeros when the model is built and its input is small.
private func run(_ model: Sequential) {
    guard let inputShape = model.inputShape else { return }
    var elements = 1
    for dimension in inputShape.dimensions {
        let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
        guard !overflow, product <= 4096 else { return }
        elements = product
    }
    let parameters = model.namedParameters().reduce(0) { $0 + $1.parameter.shape.elementCount }
    guard parameters <= 1 << 20 else { return }
    let input = Tensor(repeating: 0, shape: Shape([1] + inputShape.dimensions))
    guard (try? model.validateInput(input)) != nil else { return }
    let output = model(input, context: .inference)
    if let outputShape = model.outputShape {
        precondition(output.shape.dimensions == [1] + outputShape.dimensions, "model-json: output shape")
    }
}
