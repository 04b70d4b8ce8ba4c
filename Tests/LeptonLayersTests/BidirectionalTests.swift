import Foundation
import LeptonLayers
import LeptonTensor
import Testing

@Suite("Masked recurrences and Bidirectional against PyTorch packed sequences")
struct BidirectionalTests {
    static let names = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]

    /// The direction's parameters in PyTorch's order.
    static func parameters(_ layer: any Layer) throws -> [Parameter] {
        if let lstm = layer as? LSTM {
            return try [lstm.weightIH, lstm.weightHH, lstm.biasIH, lstm.biasHH].map { try #require($0) }
        }
        let gru = try #require(layer as? GRU)
        return try [gru.weightIH, gru.weightHH, gru.biasIH, gru.biasHH].map { try #require($0) }
    }

    /// A built layer holding the fixture's weights, with each parameter paired with its PyTorch name.
    static func layer(_ cell: Bidirectional.Cell, returnSequences: Bool, _ f: [String: Tensor]) throws -> (
        Bidirectional, [(Parameter, String)]
    ) {
        let layer = Bidirectional(cell, units: 4, returnSequences: returnSequences)
        var generator = RandomGenerator(seed: 1)
        layer.build(inputShape: [6, 3], generator: &generator)
        var pairs: [(Parameter, String)] = []
        for (direction, suffix) in [(layer.forward, ""), (layer.backward, "_reverse")] {
            for (parameter, name) in zip(try parameters(direction), names) {
                parameter.value = try #require(f[name + suffix])
                pairs.append((parameter, name + suffix))
            }
        }
        return (layer, pairs)
    }

    @Test(
        "padded outputs, final states, input and parameter gradients match packed sequences (1e-4 relative)",
        arguments: [("lstm", Bidirectional.Cell.lstm), ("gru", Bidirectional.Cell.gru)])
    func packedFixture(name: String, cell: Bidirectional.Cell) throws {
        let f = try fixtures.load("packed_bidirectional_\(name)")
        let mask = try #require(f["mask"])
        for (returnSequences, kind) in [(true, "seq"), (false, "state")] {
            let (layer, pairs) = try Self.layer(cell, returnSequences: returnSequences, f)
            #expect(layer.namedParameters().count == 8)
            let x = try #require(f["x"]).requiringGradient()
            let y = layer(x, mask: mask, context: ForwardContext(isTraining: true))
            let (expected, upstream) = returnSequences ? (f["y"], f["gy"]) : (f["h"], f["gh"])
            fixtures.expectRelativelyClose(y, expected, "\(name) \(kind) output", relative: 1e-4)
            let gradients = (y * (try #require(upstream))).sum().backward()
            fixtures.expectRelativelyClose(
                gradients[x], f["grad.\(kind).x"], "\(name) \(kind) grad.x", relative: 1e-4)
            for (parameter, parameterName) in pairs {
                fixtures.expectRelativelyClose(
                    gradients[parameter], f["grad.\(kind).\(parameterName)"], "\(name) \(kind) grad.\(parameterName)",
                    relative: 1e-4)
            }
        }
    }

    @Test("a masked LSTM equals running each row's real prefix alone; padded steps output zero")
    func maskedEqualsTruncated() throws {
        let lstm = LSTM(units: 3, returnSequences: true, inputSize: 2, seed: 4)
        var generator = RandomGenerator(seed: 8)
        let x = Tensor.normal([2, 4, 2], using: &generator)
        let mask = Tensor([1, 1, 1, 1, 1, 1, 0, 0], shape: [2, 4])
        let (masked, state) = lstm(x, mask: mask, context: .inference)
        let prefix = x.slice(axis: 0, 1..<2).slice(axis: 1, 0..<2)
        let (alone, aloneState) = lstm(prefix, initialState: nil, context: .inference)
        let row = masked.slice(axis: 0, 1..<2)
        #expect(maxDifference(row.slice(axis: 1, 0..<2), alone) < 1e-6)
        #expect(row.slice(axis: 1, 2..<4).scalars.allSatisfy { $0 == 0 })
        #expect(maxDifference(state.hidden.slice(axis: 0, 1..<2), aloneState.hidden) < 1e-6)
        // A mask of all ones changes nothing.
        let full = lstm(x, mask: Tensor.ones([2, 4]), context: .inference).output
        #expect(maxDifference(full, lstm(x)) < 1e-6)
    }

    @Test("masked mean pooling averages only real steps and gives zeros, not NaN, for an all-padding row")
    func maskedPooling() {
        let x = Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], shape: [2, 3, 2])
        let pooled = GlobalAveragePooling1D()(x, mask: Tensor([1, 1, 0, 0, 0, 0], shape: [2, 3]), context: .inference)
        #expect(pooled.scalars == [2, 3, 0, 0])
    }

    @Test("Bidirectional saves, loads and compiles; its architecture check counts both directions")
    func roundTrip() throws {
        let model = Sequential(inputShape: [5], seed: 2) {
            Embedding(vocabularySize: 7, dimension: 3)
            Bidirectional(.gru, units: 4, returnSequences: true)
            Bidirectional(.lstm, units: 2)
            Dense(units: 2)
        }
        try expectRoundTrip(model, input: Tensor([1, 2, 3, 4, 5, 6, 5, 4, 3, 2], shape: [2, 5]))
        let layer = try #require(model.layers[2] as? Bidirectional)
        #expect(layer.summaryLine == "Bidirectional(LSTM 2)" && layer.configuration.inputSize == 8)
        let step = try LayerRegistry.checkArchitecture(
            typeName: "Bidirectional", configuration: try JSONEncoder().encode(layer.configuration),
            inputShape: [5, 8],
            limits: ArchitectureLimits(maximumParameterElements: 1 << 20))
        #expect(step.outputShape == [4] && step.parameterCount == layer.parameterCounts.trainable)
    }
}
