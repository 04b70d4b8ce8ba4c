import LeptonLayers
import LeptonTensor
import Testing

@Suite("LSTM and GRU against PyTorch")
struct RecurrentTests {
    /// Copies PyTorch's `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0` into `parameters` (same order).
    private func load(_ parameters: [Parameter?], from f: [String: Tensor]) throws -> [Parameter] {
        let names = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
        return try zip(parameters, names).map { parameter, name in
            let parameter = try #require(parameter)
            parameter.value = try #require(f[name])
            return parameter
        }
    }

    @Test("LSTM: outputs, final state, input, initial-state and every weight gradient")
    func lstm() throws {
        let f = try fixtures.load("lstm")
        let layer = LSTM(units: 6, returnSequences: true, inputSize: 4)
        let parameters = try load([layer.weightIH, layer.weightHH, layer.biasIH, layer.biasHH], from: f)
        let x = try #require(f["x"]).requiringGradient()
        let h0 = try #require(f["h0"]).reshaped(to: [3, 6]).requiringGradient()
        let c0 = try #require(f["c0"]).reshaped(to: [3, 6]).requiringGradient()
        let (y, state) = layer(
            x, initialState: LSTM.State(hidden: h0, cell: c0), context: ForwardContext(isTraining: true))
        fixtures.expectClose(y, f["y"], "y", sameShape: true)
        fixtures.expectClose(state.hidden, f["h_n"], "h_n")
        fixtures.expectClose(state.cell, f["c_n"], "c_n")
        let gradients = (y * (try #require(f["gy"]))).sum().backward()
        fixtures.expectClose(gradients[x], f["grad.x"], "grad.x")
        fixtures.expectClose(gradients[h0], f["grad.h0"], "grad.h0")
        fixtures.expectClose(gradients[c0], f["grad.c0"], "grad.c0")
        for (parameter, name) in zip(parameters, ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]) {
            fixtures.expectClose(gradients[parameter], f["grad.\(name)"], "grad.\(name)")
        }
        // Without returnSequences the output is the last step's hidden state.
        let last = LSTM(units: 6, inputSize: 4)
        _ = try load([last.weightIH, last.weightHH, last.biasIH, last.biasHH], from: f)
        let final = last(
            x.detached, initialState: LSTM.State(hidden: h0.detached, cell: c0.detached), context: .inference)
        fixtures.expectClose(final.output, f["h_n"], "last output", sameShape: false)
        #expect(final.output.shape == [3, 6])
    }

    @Test("GRU: outputs, final state, input, initial-state and every weight gradient")
    func gru() throws {
        let f = try fixtures.load("gru")
        let layer = GRU(units: 6, returnSequences: true, inputSize: 4)
        let parameters = try load([layer.weightIH, layer.weightHH, layer.biasIH, layer.biasHH], from: f)
        let x = try #require(f["x"]).requiringGradient()
        let h0 = try #require(f["h0"]).reshaped(to: [3, 6]).requiringGradient()
        let (y, state) = layer(x, initialState: h0, context: ForwardContext(isTraining: true))
        fixtures.expectClose(y, f["y"], "y", sameShape: true)
        fixtures.expectClose(state, f["h_n"], "h_n")
        let gradients = (y * (try #require(f["gy"]))).sum().backward()
        fixtures.expectClose(gradients[x], f["grad.x"], "grad.x")
        fixtures.expectClose(gradients[h0], f["grad.h0"], "grad.h0")
        for (parameter, name) in zip(parameters, ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]) {
            fixtures.expectClose(gradients[parameter], f["grad.\(name)"], "grad.\(name)")
        }
    }

    @Test("stacked in a Sequential, saved and loaded, compiled for inference")
    func stackedRoundTrip() throws {
        let model = Sequential(inputShape: [5, 3], seed: 2) {
            LSTM(units: 4, returnSequences: true)
            GRU(units: 3)
            Dense(units: 2)
        }
        #expect(model.outputShape == [2])
        #expect(model.layers.map(\.summaryLine) == ["LSTM(4, sequences)", "GRU(3)", "Dense(2, linear)"])
        var generator = RandomGenerator(seed: 5)
        try expectRoundTrip(model, input: Tensor.normal([2, 5, 3], using: &generator))
    }

    @Test("a lazily built model refuses inputs a sequence layer cannot take with a typed error, not a trap")
    func wrongRankIsTyped() throws {
        let model = Sequential { LSTM(units: 3) }
        #expect(
            throws: ModelInputError.layerRejectsShape(
                layer: 0, type: "LSTM", inputShape: [4], reason: "needs a [time, features] input, got [4]")
        ) { try model.validateInput(Tensor.zeros([2, 4])) }
        let attention = Sequential { MultiHeadAttention(heads: 3) }
        #expect(
            throws: ModelInputError.layerRejectsShape(
                layer: 0, type: "MultiHeadAttention", inputShape: [5, 8],
                reason: "heads 3 do not divide the embedding size 8")
        ) { try attention.validateInput(Tensor.zeros([1, 5, 8])) }
        #expect(try model.validateInput(Tensor.zeros([2, 5, 4])) == [3])
    }
}
