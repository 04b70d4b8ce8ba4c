import Foundation
import LeptonLayers
import LeptonTensor
import Testing

/// The fused LSTM/GRU operation against two independent truths: finite differences of a double-precision
/// recurrence written out in loops here, and the composed per-step tensor operations it replaced.
@Suite("Fused LSTM and GRU recurrence: finite differences and the composed path")
struct FusedRecurrenceTests {
    /// A recurrent layer of either kind with its weights, an input, a mask, initial states and loss weights.
    struct Problem {
        let isLSTM: Bool
        let batch: Int
        let time: Int
        let features: Int
        let units: Int
        var values: [String: [Float]]
        let reverse: Bool

        init(isLSTM: Bool, batch: Int, time: Int, features: Int, units: Int, reverse: Bool, masked: Bool, seed: UInt64)
        {
            (self.isLSTM, self.batch, self.time, self.features, self.units) = (isLSTM, batch, time, features, units)
            self.reverse = reverse
            var generator = RandomGenerator(seed: seed)
            let width = (isLSTM ? 4 : 3) * units
            func normal(_ count: Int, _ scale: Float = 1) -> [Float] {
                Tensor.normal([count], using: &generator).scalars.map { $0 * scale }
            }
            values = [
                "x": normal(batch * time * features), "weightIH": normal(width * features, 0.5),
                "weightHH": normal(width * units, 0.5), "biasIH": normal(width, 0.3), "biasHH": normal(width, 0.3),
                "h0": normal(batch * units, 0.5), "c0": normal(batch * units, 0.5),
                "gy": normal(batch * time * units), "gh": normal(batch * units), "gc": normal(batch * units),
            ]
            // Padding at the end of row 0, in the middle of row 1 (a general mask, not only a prefix).
            var keep = [Float](repeating: 1, count: batch * time)
            if masked {
                for t in (time - 2)..<time { keep[t] = 0 }
                if batch > 1 { keep[time + 1] = 0 }
            }
            values["keep"] = keep
        }

        /// Σ y·gy + Σ h_T·gh (+ Σ c_T·gc) of the recurrence in double precision.
        func loss(_ override: (name: String, index: Int, delta: Double)? = nil) -> Double {
            var v = values.mapValues { $0.map(Double.init) }
            if let override { v[override.name]![override.index] += override.delta }
            let (x, wih, whh, bih, bhh, keep) = (
                v["x"]!, v["weightIH"]!, v["weightHH"]!, v["biasIH"]!, v["biasHH"]!, v["keep"]!
            )
            let width = (isLSTM ? 4 : 3) * units
            func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
            var total = 0.0
            for b in 0..<batch {
                var h = Array(v["h0"]![(b * units)..<((b + 1) * units)])
                var c = Array(v["c0"]![(b * units)..<((b + 1) * units)])
                for order in 0..<time {
                    let t = reverse ? time - 1 - order : order
                    guard keep[b * time + t] != 0 else { continue }
                    var a = [Double](repeating: 0, count: width)
                    var r = [Double](repeating: 0, count: width)
                    for j in 0..<width {
                        a[j] =
                            bih[j]
                            + (0..<features).reduce(0) {
                                $0 + wih[j * features + $1] * x[(b * time + t) * features + $1]
                            }
                        r[j] = bhh[j] + (0..<units).reduce(0) { $0 + whh[j * units + $1] * h[$1] }
                    }
                    var next = h
                    for u in 0..<units {
                        if isLSTM {
                            let (i, f) = (sigmoid(a[u] + r[u]), sigmoid(a[units + u] + r[units + u]))
                            let (g, o) = (
                                tanh(a[2 * units + u] + r[2 * units + u]), sigmoid(a[3 * units + u] + r[3 * units + u])
                            )
                            c[u] = f * c[u] + i * g
                            next[u] = o * tanh(c[u])
                        } else {
                            let (reset, update) = (sigmoid(a[u] + r[u]), sigmoid(a[units + u] + r[units + u]))
                            let n = tanh(a[2 * units + u] + reset * r[2 * units + u])
                            next[u] = (1 - update) * n + update * h[u]
                        }
                        total += next[u] * v["gy"]![(b * time + t) * units + u]
                    }
                    h = next
                }
                for u in 0..<units {
                    total += h[u] * v["gh"]![b * units + u] + (isLSTM ? c[u] * v["gc"]![b * units + u] : 0)
                }
            }
            return total
        }

        func tensor(_ name: String, _ shape: [Int]) -> Tensor { Tensor(values[name]!, shape: Shape(shape)) }

        /// The layer's (fused) loss and gradients by name.
        func fused() -> (loss: Float, gradients: [String: Tensor]) {
            let configuration = RecurrentConfiguration.make(units: units, returnSequences: true)
            let layer: RecurrentLayer = isLSTM ? LSTM(configuration: configuration) : GRU(configuration: configuration)
            var generator = RandomGenerator(seed: 0)
            layer.build(inputShape: [time, features], generator: &generator)
            let width = (isLSTM ? 4 : 3) * units
            let shapes = [
                "weightIH": [width, features], "weightHH": [width, units], "biasIH": [width], "biasHH": [width],
            ]
            for (name, parameter) in [
                ("weightIH", layer.weightIH), ("weightHH", layer.weightHH), ("biasIH", layer.biasIH),
                ("biasHH", layer.biasHH),
            ] {
                parameter!.value = tensor(name, shapes[name]!)
            }
            let x = tensor("x", [batch, time, features]).requiringGradient()
            let h0 = tensor("h0", [batch, units]).requiringGradient()
            let c0 = tensor("c0", [batch, units]).requiringGradient()
            let keep = tensor("keep", [batch, time])
            let context = ForwardContext(isTraining: true)
            let (y, h, c): (Tensor, Tensor, Tensor?)
            if let lstm = layer as? LSTM {
                let result = lstm(
                    x, mask: keep, initialState: LSTM.State(hidden: h0, cell: c0), reverse: reverse, context: context)
                (y, h, c) = (result.output, result.state.hidden, result.state.cell)
            } else {
                let result = (layer as! GRU)(x, mask: keep, initialState: h0, reverse: reverse, context: context)
                (y, h, c) = (result.output, result.state, nil)
            }
            var loss = (y * tensor("gy", [batch, time, units])).sum() + (h * tensor("gh", [batch, units])).sum()
            if let c { loss = loss + (c * tensor("gc", [batch, units])).sum() }
            let gradients = loss.backward()
            var byName = ["x": gradients[x], "h0": gradients[h0]]
            if isLSTM { byName["c0"] = gradients[c0] }
            for (name, parameter) in [
                ("weightIH", layer.weightIH), ("weightHH", layer.weightHH), ("biasIH", layer.biasIH),
                ("biasHH", layer.biasHH),
            ] {
                byName[name] = gradients[parameter!]
            }
            return (loss.scalars[0], byName.compactMapValues { $0 })
        }
    }

    @Test(
        "every gradient of the fused op matches central differences of a double-precision recurrence",
        arguments: [
            (true, false, 5), (true, true, 5), (false, false, 5), (false, true, 5), (true, true, 8), (false, true, 8),
        ])
    func finiteDifferences(isLSTM: Bool, reverse: Bool, units: Int) {
        // 5 units run the portable gate loops, 8 the AVX2 ones where the CPU has them.
        let problem = Problem(
            isLSTM: isLSTM, batch: 2, time: 5, features: 3, units: units, reverse: reverse, masked: true, seed: 11)
        let (loss, gradients) = problem.fused()
        let exact = problem.loss()
        #expect(abs(Double(loss) - exact) <= 1e-4 * max(1, abs(exact)), "loss \(loss) vs double \(exact)")
        let names = ["x", "weightIH", "weightHH", "biasIH", "biasHH", "h0"] + (isLSTM ? ["c0"] : [])
        #expect(Set(gradients.keys) == Set(names))
        let step = 1e-6
        for name in names {
            guard let analytic = gradients[name]?.scalars else { continue }
            var worst = 0.0
            for index in analytic.indices {
                let numeric =
                    (problem.loss((name, index, step)) - problem.loss((name, index, -step))) / (2 * step)
                let error = abs(Double(analytic[index]) - numeric) / max(1, abs(numeric))
                worst = max(worst, error.isNaN ? .infinity : error)
            }
            #expect(worst <= 2e-4, "\(isLSTM ? "LSTM" : "GRU") reverse \(reverse): d\(name) off by \(worst)")
        }
    }

    /// The largest difference between two tensors relative to the larger magnitude (NaN counts as infinite).
    static func relativeDifference(_ a: Tensor?, _ b: Tensor?) -> Float {
        guard let a, let b, a.shape == b.shape else { return .infinity }
        let scale = max(1, a.scalars.map(abs).max() ?? 0)
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
        return worst.isNaN ? .infinity : worst / scale
    }

    @Test(
        "outputs, final states and every gradient equal the composed per-step path (masked, reversed, threaded)",
        arguments: [(true, 3, 9), (false, 3, 9), (true, 32, 128), (false, 48, 128)])
    func equalsComposedPath(isLSTM: Bool, batch: Int, units: Int) {
        for (reverse, masked) in [(false, false), (true, true), (false, true)] {
            let problem = Problem(
                isLSTM: isLSTM, batch: batch, time: 6, features: 7, units: units, reverse: reverse, masked: masked,
                seed: 3)
            let (_, fused) = problem.fused()
            let x = problem.tensor("x", [batch, 6, 7]).requiringGradient()
            let width = (isLSTM ? 4 : 3) * units
            let weights = [
                problem.tensor("weightIH", [width, 7]), problem.tensor("weightHH", [width, units]),
                problem.tensor("biasIH", [width]), problem.tensor("biasHH", [width]),
            ].map { $0.requiringGradient() }
            let h0 = problem.tensor("h0", [batch, units]).requiringGradient()
            let c0 = problem.tensor("c0", [batch, units]).requiringGradient()
            let keep = problem.tensor("keep", [batch, 6])
            var loss: Tensor
            if isLSTM {
                let r = ComposedRecurrence.lstm(x, weights: weights, hidden: h0, cell: c0, keep: keep, reverse: reverse)
                loss =
                    (r.output * problem.tensor("gy", [batch, 6, units])).sum()
                    + (r.hidden * problem.tensor("gh", [batch, units])).sum()
                    + (r.cell * problem.tensor("gc", [batch, units])).sum()
            } else {
                let r = ComposedRecurrence.gru(x, weights: weights, hidden: h0, keep: keep, reverse: reverse)
                loss =
                    (r.output * problem.tensor("gy", [batch, 6, units])).sum()
                    + (r.hidden * problem.tensor("gh", [batch, units])).sum()
            }
            let gradients = loss.backward()
            var composed = ["x": gradients[x], "h0": gradients[h0]]
            if isLSTM { composed["c0"] = gradients[c0] }
            for (name, weight) in zip(["weightIH", "weightHH", "biasIH", "biasHH"], weights) {
                composed[name] = gradients[weight]
            }
            for (name, expected) in composed {
                let difference = Self.relativeDifference(fused[name], expected)
                #expect(
                    difference <= 1e-5,
                    "\(isLSTM ? "LSTM" : "GRU") batch \(batch) reverse \(reverse) masked \(masked): d\(name) differs by \(difference)"
                )
            }
        }
    }

    @Test("without returnSequences the output is the final hidden state, and inference needs no gradient")
    func lastOutputAndInference() {
        let problem = Problem(
            isLSTM: true, batch: 4, time: 5, features: 3, units: 6, reverse: false, masked: true, seed: 5)
        let layer = LSTM(units: 6, inputSize: 3, seed: 1)
        let sequences = LSTM(units: 6, returnSequences: true, inputSize: 3, seed: 1)
        let x = problem.tensor("x", [4, 5, 3])
        let keep = problem.tensor("keep", [4, 5])
        let last = layer(x, mask: keep, context: .inference)
        let full = sequences(x, mask: keep, context: .inference)
        #expect(last.output.shape == [4, 6])
        #expect(Self.relativeDifference(last.output, full.state.hidden) == 0)
        #expect(Self.relativeDifference(layer(x), sequences(x).slice(axis: 1, 4..<5).reshaped(to: [4, 6])) == 0)
        #expect(!last.output.requiresGradient)
    }
}

extension RecurrentConfiguration {
    /// Settings from their values (the memberwise initializer is not public).
    static func make(units: Int, returnSequences: Bool) -> RecurrentConfiguration {
        LSTM(units: units, returnSequences: returnSequences).configuration
    }
}
