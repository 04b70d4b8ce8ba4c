import Foundation
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

@Suite("Sequence training: token cross-entropy, perplexity, clipping, AdamW, warm-up + cosine")
struct SequenceTrainingTests {
    @Test("token cross-entropy with an ignore index matches PyTorch's value and gradient")
    func tokenCrossEntropyMatchesPyTorch() throws {
        let f = try fixtures.load("token_cross_entropy")
        let logits = try #require(f["logits"]).requiringGradient()
        let targets = try #require(f["targets"]).scalars.map { Int32($0) }
        #expect(targets.filter { $0 == -100 }.count == 2)
        let loss = try TokenCrossEntropy(ignoreIndex: -100)(logits, targets: targets)
        fixtures.expectClose(loss, f["loss"], "loss", tolerance: 1e-5)
        let gradients = loss.backward()
        fixtures.expectClose(gradients[logits], f["grad.logits"], "grad.logits", tolerance: 1e-5)
    }

    @Test("token cross-entropy equals its closed form and its gradient matches finite differences")
    func tokenCrossEntropyClosedForm() throws {
        var generator = RandomGenerator(seed: 3)
        let values = Tensor.normal([2, 3, 4], using: &generator)
        let targets: [Int32] = [1, 0, 3, 2, 7, 2]  // 7 is the ignore index
        let loss = TokenCrossEntropy(ignoreIndex: 7)
        func closedForm(_ x: [Float]) -> Double {
            var total = 0.0
            var count = 0
            for position in 0..<6 where targets[position] != 7 {
                let row = (0..<4).map { Double(x[position * 4 + $0]) }
                let top = row.max()!
                let logSum = top + Foundation.log(row.map { Foundation.exp($0 - top) }.reduce(0, +))
                total += logSum - row[Int(targets[position])]
                count += 1
            }
            return total / Double(count)
        }
        let x = values.requiringGradient()
        let value = try loss(x, targets: targets)
        #expect(Swift.abs(Double(value.scalars[0]) - closedForm(values.scalars)) < 1e-5)
        let gradient = try #require(value.backward()[x]).scalars
        var scalars = values.scalars
        for index in 0..<scalars.count {
            let saved = scalars[index]
            scalars[index] = saved + 1e-2
            let plus = closedForm(scalars)
            scalars[index] = saved - 1e-2
            let minus = closedForm(scalars)
            scalars[index] = saved
            let numeric = (plus - minus) / 2e-2
            #expect(Swift.abs(Double(gradient[index]) - numeric) < 1e-3 * Swift.max(1, Swift.abs(numeric)))
        }
        // The ignored position (row 4) has exactly zero gradient.
        #expect(gradient[16..<20].allSatisfy { $0 == 0 })
    }

    @Test("token cross-entropy refuses bad targets with typed errors; all-ignored is zero, not NaN")
    func tokenCrossEntropyErrors() throws {
        let logits = Tensor.zeros([1, 2, 3])
        let loss = TokenCrossEntropy()
        #expect(throws: TrainingError.lengthMismatch(what: "token targets", expected: 2, actual: 3)) {
            try loss(logits, targets: [0, 1, 2])
        }
        #expect(throws: TrainingError.labelOutOfRange(what: "token targets", label: 3, row: 1, classes: 3)) {
            try loss(logits, targets: [0, 3])
        }
        #expect(throws: TrainingError.self) { try loss(Tensor.zeros([3]), targets: [0, 0, 0]) }
        let ignored = try loss(logits, targets: [-100, -100])
        #expect(ignored.scalars == [0])
    }

    @Test("perplexity is exp of the token-pooled mean NLL; uniform logits give the vocabulary size")
    func perplexity() throws {
        let metric = Perplexity()
        #expect(metric.result().isNaN)
        try metric.update(logits: Tensor.zeros([2, 3, 5]), targets: [0, 1, 2, 3, 4, -100])
        #expect(Swift.abs(metric.result() - 5) < 1e-5)
        #expect(metric.tokenCount == 5)
        // Pooled over tokens: a 1-token batch with NLL 0 (a near-certain prediction) weighs 1/6.
        try metric.update(logits: Tensor([0, 100], shape: [1, 2]), targets: [1])
        #expect(Swift.abs(metric.result() - Foundation.exp(5 * Foundation.log(5.0) / 6)) < 1e-4)
        metric.reset()
        #expect(metric.tokenCount == 0)
    }

    @Test("global-norm clipping rescales all gradients jointly to the cap, and leaves smaller ones alone")
    func globalNormClipping() throws {
        let a = Parameter(Tensor([0, 0], shape: [2]))
        let b = Parameter(Tensor([0], shape: [1]))
        // Joint norm of (3, 4) and (12) is 13.
        let gradients = Gradients([(a.id, Tensor([3, 4], shape: [2])), (b.id, Tensor([12], shape: [1]))])
        SGD(learningRate: 1, clipping: GradientClipping(globalNorm: 6.5)).apply(gradients, to: [a, b])
        #expect(maxDifference(a.value, Tensor([-1.5, -2], shape: [2])) < 1e-6)
        #expect(maxDifference(b.value, Tensor([-6], shape: [1])) < 1e-6)
        let c = Parameter(Tensor([0], shape: [1]))
        SGD(learningRate: 1, clipping: GradientClipping(globalNorm: 100))
            .apply(Gradients([(c.id, Tensor([12], shape: [1]))]), to: [c])
        #expect(c.value.scalars == [-12])
    }

    @Test("AdamW decays weights decoupled from the gradient: zero gradient shrinks by lr·λ exactly")
    func adamWDecoupled() throws {
        let w = Parameter(Tensor([2, -4], shape: [2]))
        let optimizer = AdamW(learningRate: 0.1, weightDecay: 0.5)
        optimizer.apply(Gradients([(w.id, Tensor([0, 0], shape: [2]))]), to: [w])
        // Adam's step is 0 for a zero gradient, so only the decay acts: w · (1 − 0.1 · 0.5).
        #expect(maxDifference(w.value, Tensor([1.9, -3.8], shape: [2])) < 1e-6)
        // Coupled Adam folds λ·w into the gradient, and its normalised step moves each weight by lr: (1.9, −3.9).
        let v = Parameter(Tensor([2, -4], shape: [2]))
        Adam(learningRate: 0.1, weightDecay: 0.5).apply(Gradients([(v.id, Tensor([0, 0], shape: [2]))]), to: [v])
        #expect(maxDifference(v.value, Tensor([1.9, -3.9], shape: [2])) < 1e-5)
    }

    @Test("linear warm-up then cosine decay follows its closed form")
    func warmupCosine() {
        let schedule = LinearWarmup(warmupSteps: 10, then: CosineDecay(initial: 1e-3, decaySteps: 90, alpha: 0.1))
        #expect(schedule.learningRate(at: 0) == 0)
        #expect(Swift.abs(schedule.learningRate(at: 5) - 5e-4) < 1e-9)
        for step in [10, 30, 55, 99, 100, 200] {
            let t = Double(Swift.min(step - 10, 90)) / 90
            let expected = 1e-3 * (0.9 * 0.5 * (1 + Foundation.cos(Double.pi * t)) + 0.1)
            #expect(Swift.abs(Double(schedule.learningRate(at: step)) - expected) < 1e-9)
        }
    }
}

/// The largest absolute difference between two tensors' entries (infinity for a NaN).
private func maxDifference(_ x: Tensor, _ y: Tensor) -> Float {
    zip(x.scalars, y.scalars).reduce(Float(0)) { worst, pair in
        let difference = Swift.abs(pair.0 - pair.1)
        return difference.isNaN ? .infinity : Swift.max(worst, difference)
    }
}
