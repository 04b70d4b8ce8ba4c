import Foundation
import LeptonLayers
import LeptonTensor
import LeptonTestSupport
import LeptonTrain
import Testing

@Suite("Losses, optimizers and the reference CNN against PyTorch")
struct ParityTests {
    @Test("losses and their gradients")
    func losses() throws {
        let f = try fixtures.load("losses")
        let file = try SafeTensorsFile(contentsOf: fixtures.url("losses"))
        let labels = try file.int32s("labels")
        let logits = try #require(f["logits"]).requiringGradient()
        let ce = try Loss.sparseCategoricalCrossentropy(fromLogits: true)(logits, .labels(labels))
        fixtures.expectClose(ce.reshaped(to: [1]), f["ce"], "cross-entropy")
        fixtures.expectClose(ce.backward()[logits], f["grad.logits"], "grad.logits")
        // One-hot targets give the same loss through categorical cross-entropy.
        let oneHot = Tensor.oneHot(labels, classes: 10)
        fixtures.expectClose(
            try Loss.categoricalCrossentropy(fromLogits: true)(logits, .values(oneHot)).reshaped(to: [1]), f["ce"],
            "categorical")
        // From probabilities (a softmax output), as Keras computes it.
        fixtures.expectClose(
            try Loss.sparseCategoricalCrossentropy(logits.softmax(), .labels(labels)).reshaped(to: [1]), f["ce"],
            "from probabilities")

        let bceLogits = try #require(f["bce.logits"]).requiringGradient()
        let bce = try Loss.binaryCrossentropy(fromLogits: true)(
            bceLogits.reshaped(to: [8, 1]), .values(try #require(f["bce.targets"]).reshaped(to: [8, 1])))
        fixtures.expectClose(bce.reshaped(to: [1]), f["bce"], "bce")
        fixtures.expectClose(bce.backward()[bceLogits], f["grad.bce.logits"], "grad.bce")

        let target = try #require(f["target"])
        for (loss, key) in [(Loss.meanSquaredError, "mse"), (.meanAbsoluteError, "mae"), (.huber(delta: 1), "huber")] {
            let prediction = try #require(f["pred"]).requiringGradient()
            let value = try loss(prediction, .values(target))
            fixtures.expectClose(value.reshaped(to: [1]), f[key], key)
            fixtures.expectClose(value.backward()[prediction], f["grad.\(key)"], "grad.\(key)")
        }
    }

    @Test(
        "three steps of every optimizer",
        arguments: [
            "sgd", "sgd_momentum", "sgd_nesterov", "sgd_weight_decay", "adam", "adam_amsgrad", "adamw", "rmsprop",
            "adagrad",
        ])
    func optimizer(name: String) throws {
        let f = try fixtures.load("optimizers")
        let optimizer: any Optimizer =
            switch name {
            case "sgd": SGD(learningRate: 0.1)
            case "sgd_momentum": SGD(learningRate: 0.1, momentum: 0.9)
            case "sgd_nesterov": SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
            case "sgd_weight_decay": SGD(learningRate: 0.1, weightDecay: 0.01)
            case "adam": Adam(learningRate: 0.01, epsilon: 1e-8)
            case "adam_amsgrad": Adam(learningRate: 0.01, epsilon: 1e-8, amsgrad: true)
            case "adamw": AdamW(learningRate: 0.01, epsilon: 1e-8, weightDecay: 0.01)
            case "rmsprop": RMSprop(learningRate: 0.01, alpha: 0.99, epsilon: 1e-8)
            default: Adagrad(learningRate: 0.1)
            }
        let parameter = Parameter(try #require(f["p0"]))
        for step in 1...3 {
            let gradient = try #require(f["g\(step)"])
            // A loss whose gradient with respect to the parameter is exactly g: sum(p · g).
            let loss = (parameter.value.requiringGradient(id: parameter.id) * gradient).sum()
            optimizer.apply(loss.backward(), to: [parameter])
            fixtures.expectClose(parameter.value, f["\(name).p\(step)"], "\(name) step \(step)", tolerance: 1e-5)
        }
    }

    /// The `adam_amsgrad` fixture differs from plain Adam by only 3e-6 (below its 1e-5 tolerance), so it cannot tell
    /// AMSGrad from Adam. Here one large gradient is followed by small ones with β₂ = 0.5, so the running maximum of
    /// the second moment stays far above the decayed moment and the two optimizers separate by 0.02–0.1.
    @Test("AMSGrad against a closed form where it differs from Adam by far more than the tolerance")
    func amsgradSeparatesFromAdam() throws {
        // Reference (Python, float64, PyTorch's formulation: vmax = max(vmax, v); p -= lr/(1-b1^t) · m /
        // (sqrt(vmax)/sqrt(1-b2^t) + eps)), b1 = 0.9, b2 = 0.5, lr = 0.1, eps = 1e-8, gradients g1, g1·0.01,
        // g1·(-0.02), g1·0.005:
        //   for t,g in enumerate(gs,1): m=b1*m+(1-b1)*g; v=b2*v+(1-b2)*g*g; vm=np.maximum(vm,v)
        //       p=p-lr/(1-b1**t)*m/(np.sqrt(vm if ams else v)/np.sqrt(1-b2**t)+eps)
        let p0: [Float] = [0.5, -1.0, 0.25, 2.0, -0.75, 0.0, 1.5, -2.0, 0.125, -0.5]
        let g1: [Float] = [4.0, -3.0, 2.0, -1.0, 5.0, -2.5, 1.0, 3.0, -4.0, 2.0]
        let gradients = [g1, g1.map { $0 * 0.01 }, g1.map { $0 * -0.02 }, g1.map { $0 * 0.005 }]
        let amsgradAfter4: [Float] = [
            0.27350681734909704, -0.7735068175681946, 0.023506818006390033, 2.226493180679024, -0.9764931827823615,
            0.22649318225652718, 1.2735068193209758, -2.2264931824318053, 0.35149318265090296, -0.7264931819936099,
        ]
        let adamAfter4: [Float] = [
            0.15765023082993232, -0.6576502314673249, -0.09234976725788992, 2.3423497634335346, -1.0923497695525033,
            0.342349768022761, 1.1576502365664654, -2.3423497685326753, 0.4673497691700677, -0.8423497672578899,
        ]
        let tolerance: Float = 1e-5
        // The two references are far apart, so matching one cannot be mistaken for matching the other.
        #expect(PyTorchFixtures.worstRelativeError(amsgradAfter4, adamAfter4) > 1000 * tolerance)
        for (amsgrad, expected) in [(true, amsgradAfter4), (false, adamAfter4)] {
            let optimizer = Adam(learningRate: 0.1, beta2: 0.5, epsilon: 1e-8, amsgrad: amsgrad)
            let parameter = Parameter(Tensor(p0))
            for gradient in gradients {
                let loss = (parameter.value.requiringGradient(id: parameter.id) * Tensor(gradient)).sum()
                optimizer.apply(loss.backward(), to: [parameter])
            }
            let worst = PyTorchFixtures.worstRelativeError(parameter.value.scalars, expected)
            #expect(worst <= tolerance, "amsgrad \(amsgrad): worst relative error \(worst)")
        }
    }

    @Test("the reference CNN: PyTorch weights, logits, loss, every gradient, and three Adam steps")
    func seedCNN() throws {
        // Relative to each entry (plus a floor of 1e-3 of the tensor's largest entry), not 1e-3 absolute: the worst
        // entries measured were 2.7e-4 (grad fc2.weight, an entry of 3e-5) and 1.8e-5 (grad conv.weight).
        let relative: Float = 1e-3
        let url = fixtures.url("seed_cnn")
        let f = try fixtures.load("seed_cnn")
        let file = try SafeTensorsFile(contentsOf: url)
        let labels = try file.int32s("labels")
        // The PyTorch model ends in logits; the loss is cross-entropy from logits.
        let model = Sequential(inputShape: [28, 28, 1]) {
            Conv2D(filters: 32, kernelSize: 3, activation: .relu)
            MaxPool2D(poolSize: 2)
            Flatten()
            Dense(units: 64, activation: .relu)
            Dense(units: 10)
        }
        try model.loadPyTorchWeights(
            from: url, prefixes: [0: "init.conv", 3: "init.fc1", 4: "init.fc2"], strict: false)
        // The converted weights equal the Keras-layout copies in the fixture.
        fixtures.expectClose(
            model.parameter(at: "0.weight")?.value, f["init.conv.weight.hwio"], "conv HWIO", tolerance: 0)
        fixtures.expectClose(
            model.parameter(at: "3.weight")?.value, f["init.fc1.weight.hwc_in_out"], "fc1 NHWC order", tolerance: 0)
        fixtures.expectClose(model.parameter(at: "4.weight")?.value, f["init.fc2.weight.in_out"], "fc2", tolerance: 0)

        let x = try #require(f["x.nhwc"])
        let loss = Loss.sparseCategoricalCrossentropy(fromLogits: true)
        let context = ForwardContext(isTraining: true)
        let logits = model(x, context: context)
        fixtures.expectRelativelyClose(logits, f["logits"], "logits", relative: relative)
        let value = try loss(logits, .labels(labels))
        fixtures.expectRelativelyClose(value.reshaped(to: [1]), f["loss"], "loss", relative: relative)
        let gradients = value.backward()
        let parameters = model.namedParameters()
        func gradient(_ path: String) -> Tensor? {
            parameters.first { $0.path == path }.flatMap { gradients[$0.parameter] }
        }
        fixtures.expectRelativelyClose(
            gradient("0.weight"), f["grad.conv.weight"].map(PyTorchLayout.convolutionWeight), "grad conv.weight",
            relative: relative)
        fixtures.expectRelativelyClose(gradient("0.bias"), f["grad.conv.bias"], "grad conv.bias", relative: relative)
        fixtures.expectRelativelyClose(
            gradient("3.weight"),
            f["grad.fc1.weight"].map {
                PyTorchLayout.linearWeightAfterFlatten($0, channels: 32, height: 13, width: 13)
            },
            "grad fc1.weight", relative: relative)
        fixtures.expectRelativelyClose(gradient("3.bias"), f["grad.fc1.bias"], "grad fc1.bias", relative: relative)
        fixtures.expectRelativelyClose(
            gradient("4.weight"), f["grad.fc2.weight"].map(PyTorchLayout.linearWeight), "grad fc2.weight",
            relative: relative)
        fixtures.expectRelativelyClose(gradient("4.bias"), f["grad.fc2.bias"], "grad fc2.bias", relative: relative)

        // Three full-batch Adam steps (PyTorch's ε = 1e-8), then compare the weights and the losses on the way.
        let trainer = Trainer(model: model, optimizer: Adam(learningRate: 1e-3, epsilon: 1e-8), loss: loss)
        for step in 1...3 {
            let (stepLoss, _) = try trainer.step(x, .labels(labels))
            if step > 1 {
                fixtures.expectRelativelyClose(
                    Tensor([stepLoss]), f["loss.after_step\(step - 1)"], "loss after step \(step - 1)",
                    relative: relative)
            }
        }
        fixtures.expectRelativelyClose(
            model.parameter(at: "0.weight")?.value, f["adam3.conv.weight"].map(PyTorchLayout.convolutionWeight),
            "adam3 conv", relative: relative)
        fixtures.expectRelativelyClose(
            model.parameter(at: "0.bias")?.value, f["adam3.conv.bias"], "adam3 conv bias", relative: relative)
        fixtures.expectRelativelyClose(
            model.parameter(at: "3.weight")?.value,
            f["adam3.fc1.weight"].map {
                PyTorchLayout.linearWeightAfterFlatten($0, channels: 32, height: 13, width: 13)
            },
            // Adam divides by √v + ε, so entries whose gradient is ~1e-8 (of the order of ε) amplify Float rounding:
            // the worst entry (-6.09e-4 vs -6.15e-4) is 5e-6 off, 4e-4 of the largest weight. The floor is therefore
            // half the largest weight here, still 100× tighter than the former 1e-3 absolute.
            "adam3 fc1", relative: relative, floor: 0.5)
        fixtures.expectRelativelyClose(
            model.parameter(at: "3.bias")?.value, f["adam3.fc1.bias"], "adam3 fc1 bias", relative: relative)
        fixtures.expectRelativelyClose(
            model.parameter(at: "4.weight")?.value, f["adam3.fc2.weight"].map(PyTorchLayout.linearWeight), "adam3 fc2",
            relative: relative)
        fixtures.expectRelativelyClose(
            model.parameter(at: "4.bias")?.value, f["adam3.fc2.bias"], "adam3 fc2 bias", relative: relative)
        let after = try loss(model(x), .labels(labels))
        fixtures.expectRelativelyClose(
            after.reshaped(to: [1]), f["loss.after_step3"], "loss after step 3", relative: relative)
    }
}
