import Foundation
import LeptonLayers

/// Checks an architecture read from a file before the layer registry builds it: each layer checks its own settings
/// (``Layer/checkArchitecture(_:inputShape:limits:)``) with overflow-safe arithmetic against
/// ``ArchitectureLimits``, so that values the layers treat as programmer errors (a zero-unit dense layer, a kernel
/// larger than its input, a dropout rate of 2) become a typed error instead of a trap, no activation exceeds the
/// limits, and a damaged architecture cannot ask for more parameters than the file holds.
///
/// A custom registered type that does not check itself is trusted and ends the shape walk.
struct ArchitectureScreen {
    struct Problem: Error {
        let reason: String
    }

    private struct Architecture: Decodable {
        let inputShape: [Int]?
        let layers: [LayerEntry]
    }

    private struct LayerEntry: Decodable {
        let type: String
        let configuration: JSONValue?
    }

    /// The sizes the architecture may use; the parameter limit is what the file's weights hold.
    let limits: ArchitectureLimits

    /// Creates a screen for a file holding `parameterLimit` parameter bytes (so at most that many elements).
    init(parameterLimit: Int) {
        limits = ArchitectureLimits(maximumParameterElements: parameterLimit)
    }

    func check(_ architecture: JSONValue) throws(Problem) {
        let parsed: Architecture
        do {
            parsed = try architecture.decoded(as: Architecture.self)
        } catch {
            throw Problem(reason: DecodingErrorLocation.describe(error, root: "architecture").reason)
        }
        guard var shape = parsed.inputShape else { return }
        do {
            try limits.activation(shape, "input shape")
        } catch {
            throw Problem(reason: error.reason)
        }
        var parameters = 0
        for (index, layer) in parsed.layers.enumerated() {
            do throws(Problem) {
                let step = try self.step(layer, input: shape)
                let (sum, overflow) = parameters.addingReportingOverflow(step.parameterCount)
                guard !overflow, sum <= limits.maximumParameterElements else {
                    throw Problem(
                        reason: "the layers need more parameters than the file's "
                            + "\(limits.maximumParameterElements) bytes hold")
                }
                parameters = sum
                guard let next = step.outputShape else { return }
                shape = next
            } catch {
                throw Problem(reason: "layer \(index) (\(layer.type)): \(error.reason)")
            }
        }
    }

    private func step(_ layer: LayerEntry, input: [Int]) throws(Problem) -> ArchitectureStep {
        do {
            let json = try (layer.configuration ?? .object([:])).jsonData()
            return try LayerRegistry.checkArchitecture(
                typeName: layer.type, configuration: json, inputShape: input, limits: limits)
        } catch let error as ArchitectureError {
            throw Problem(reason: error.reason)
        } catch {
            throw Problem(
                reason: "configuration: " + DecodingErrorLocation.describe(error, root: "configuration").reason)
        }
    }
}
