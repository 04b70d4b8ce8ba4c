import LeptonKernels
import LeptonLayers

/// Checks an architecture read from a file before the layer registry builds it, so that values the layers treat as
/// programmer errors (a zero-unit dense layer, a kernel larger than its input, a dropout rate of 2) become a typed
/// error instead of a trap, and so that a damaged architecture cannot ask for more parameters than the file holds.
///
/// Built-in layer types are checked and their output shapes followed; a custom registered type is trusted and ends
/// the shape walk.
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

    /// The largest number of parameter elements the file can hold.
    let parameterLimit: Int

    func check(_ architecture: JSONValue) throws(Problem) {
        let parsed: Architecture
        do {
            parsed = try architecture.decoded(as: Architecture.self)
        } catch {
            throw Problem(reason: DecodingErrorLocation.describe(error, root: "architecture").reason)
        }
        guard var shape = parsed.inputShape else { return }
        guard !shape.isEmpty, shape.allSatisfy({ $0 >= 1 }) else {
            throw Problem(reason: "input shape \(shape) must have positive dimensions")
        }
        var parameters = 0
        for (index, layer) in parsed.layers.enumerated() {
            do throws(Problem) {
                let step = try self.step(layer, input: shape)
                let (sum, overflow) = parameters.addingReportingOverflow(step.parameters)
                guard !overflow, sum <= parameterLimit else {
                    throw Problem(
                        reason: "the layers need more parameters than the file's \(parameterLimit) bytes hold")
                }
                parameters = sum
                guard let next = step.output else { return }
                shape = next
            } catch {
                throw Problem(reason: "layer \(index) (\(layer.type)): \(error.reason)")
            }
        }
    }

    private func step(_ layer: LayerEntry, input: [Int]) throws(Problem) -> (output: [Int]?, parameters: Int) {
        let configuration = layer.configuration ?? .object([:])
        switch layer.type {
        case Dense.typeName:
            let settings = try decode(Dense.Configuration.self, configuration)
            guard settings.units >= 1 else { throw Problem(reason: "units must be positive, got \(settings.units)") }
            let inputSize = input[input.count - 1]
            return (Array(input.dropLast()) + [settings.units], try product([inputSize + 1, settings.units]))
        case Conv2D.typeName:
            let settings = try decode(Conv2D.Configuration.self, configuration)
            guard settings.filters >= 1 else {
                throw Problem(reason: "filters must be positive, got \(settings.filters)")
            }
            try requirePairs([
                "kernelSize": settings.kernelSize, "strides": settings.strides, "dilation": settings.dilation,
            ])
            try requireImage(input)
            let geometry = Conv2DGeometry(
                batch: 1, height: input[0], width: input[1], inChannels: input[2], outChannels: settings.filters,
                kernelHeight: settings.kernelSize[0], kernelWidth: settings.kernelSize[1],
                strideHeight: settings.strides[0], strideWidth: settings.strides[1],
                dilationHeight: settings.dilation[0], dilationWidth: settings.dilation[1],
                padding: try padding(settings.padding, window: nil))
            guard geometry.outHeight >= 1, geometry.outWidth >= 1 else {
                throw Problem(reason: "the kernel does not fit the \(input) input")
            }
            let weights = try product([settings.kernelSize[0], settings.kernelSize[1], input[2], settings.filters])
            return ([geometry.outHeight, geometry.outWidth, settings.filters], weights + settings.filters)
        case MaxPool2D.typeName, AvgPool2D.typeName:
            let settings = try decode(PoolingConfiguration.self, configuration)
            try requirePairs(["poolSize": settings.poolSize, "strides": settings.strides])
            try requireImage(input)
            let geometry = Pool2DGeometry(
                batch: 1, height: input[0], width: input[1], channels: input[2], windowHeight: settings.poolSize[0],
                windowWidth: settings.poolSize[1], strideHeight: settings.strides[0], strideWidth: settings.strides[1],
                padding: try padding(settings.padding, window: (settings.poolSize[0], settings.poolSize[1])))
            guard geometry.outHeight >= 1, geometry.outWidth >= 1 else {
                throw Problem(reason: "the window does not fit the \(input) input")
            }
            return ([geometry.outHeight, geometry.outWidth, input[2]], 0)
        case GlobalAvgPool2D.typeName:
            try requireImage(input)
            return ([input[2]], 0)
        case Flatten.typeName:
            return ([try product(input, limit: Self.shapeLimit)], 0)
        case Dropout.typeName:
            let settings = try decode(Dropout.Configuration.self, configuration)
            guard settings.rate >= 0 && settings.rate < 1 else {
                throw Problem(reason: "rate \(settings.rate) is outside [0, 1)")
            }
            return (input, 0)
        case BatchNorm.typeName:
            let settings = try decode(BatchNorm.Configuration.self, configuration)
            guard settings.momentum >= 0 && settings.momentum <= 1 else {
                throw Problem(reason: "momentum \(settings.momentum) is outside [0, 1]")
            }
            return (input, try product([4, input[input.count - 1]]))
        case LayerNorm.typeName:
            return (input, try product([2, input[input.count - 1]]))
        case ActivationLayer.typeName:
            return (input, 0)
        default:
            return (nil, 0)
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ configuration: JSONValue) throws(Problem) -> T {
        do {
            return try configuration.decoded(as: type)
        } catch {
            throw Problem(
                reason: "configuration: " + DecodingErrorLocation.describe(error, root: "configuration").reason)
        }
    }

    private func requirePairs(_ values: [String: [Int]]) throws(Problem) {
        for (name, pair) in values.sorted(by: { $0.key < $1.key })
        where pair.count != 2 || pair.contains(where: { $0 < 1 }) {
            throw Problem(reason: "\(name) must be two positive integers, got \(pair)")
        }
    }

    private func requireImage(_ input: [Int]) throws(Problem) {
        guard input.count == 3 else { throw Problem(reason: "needs a [height, width, channels] input, got \(input)") }
    }

    private func padding(_ mode: PaddingMode, window: (Int, Int)?) throws(Problem) -> Conv2DGeometry.Padding {
        switch mode {
        case .valid: return .valid
        case .same: return .same
        case .explicit(let top, let bottom, let left, let right):
            guard min(top, bottom, left, right) >= 0 else { throw Problem(reason: "padding must not be negative") }
            if let window, max(top, bottom) >= window.0 || max(left, right) >= window.1 {
                throw Problem(reason: "padding must be smaller than the window")
            }
            return .explicit(top: top, bottom: bottom, left: left, right: right)
        }
    }

    /// The largest element count of one sample's activations.
    private static let shapeLimit = 1 << 40

    private func product(_ values: [Int], limit: Int? = nil) throws(Problem) -> Int {
        var result = 1
        for value in values {
            let (next, overflow) = result.multipliedReportingOverflow(by: value)
            guard !overflow, next <= limit ?? parameterLimit else {
                throw Problem(reason: "sizes \(values) exceed what the file can hold")
            }
            result = next
        }
        return result
    }
}
