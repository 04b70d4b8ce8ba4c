import Foundation
import LeptonLayers
import LeptonTensor
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

    @Test("the reference CNN: PyTorch weights, logits, loss, every gradient, and three Adam steps")
    func seedCNN() throws {
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
        fixtures.expectClose(logits, f["logits"], "logits", tolerance: 1e-3)
        let value = try loss(logits, .labels(labels))
        fixtures.expectClose(value.reshaped(to: [1]), f["loss"], "loss", tolerance: 1e-3)
        let gradients = value.backward()
        let parameters = model.namedParameters()
        func gradient(_ path: String) -> Tensor? {
            parameters.first { $0.path == path }.flatMap { gradients[$0.parameter] }
        }
        fixtures.expectClose(
            gradient("0.weight"), f["grad.conv.weight"].map(PyTorchLayout.convolutionWeight), "grad conv.weight",
            tolerance: 1e-3)
        fixtures.expectClose(gradient("0.bias"), f["grad.conv.bias"], "grad conv.bias", tolerance: 1e-3)
        fixtures.expectClose(
            gradient("3.weight"),
            f["grad.fc1.weight"].map {
                PyTorchLayout.linearWeightAfterFlatten($0, channels: 32, height: 13, width: 13)
            },
            "grad fc1.weight", tolerance: 1e-3)
        fixtures.expectClose(gradient("3.bias"), f["grad.fc1.bias"], "grad fc1.bias", tolerance: 1e-3)
        fixtures.expectClose(
            gradient("4.weight"), f["grad.fc2.weight"].map(PyTorchLayout.linearWeight), "grad fc2.weight",
            tolerance: 1e-3)
        fixtures.expectClose(gradient("4.bias"), f["grad.fc2.bias"], "grad fc2.bias", tolerance: 1e-3)

        // Three full-batch Adam steps (PyTorch's ε = 1e-8), then compare the weights and the losses on the way.
        let trainer = Trainer(model: model, optimizer: Adam(learningRate: 1e-3, epsilon: 1e-8), loss: loss)
        for step in 1...3 {
            let (stepLoss, _) = try trainer.step(x, .labels(labels))
            if step > 1 {
                fixtures.expectClose(
                    Tensor([stepLoss]), f["loss.after_step\(step - 1)"], "loss after step \(step - 1)", tolerance: 1e-3)
            }
        }
        fixtures.expectClose(
            model.parameter(at: "0.weight")?.value, f["adam3.conv.weight"].map(PyTorchLayout.convolutionWeight),
            "adam3 conv", tolerance: 1e-3)
        fixtures.expectClose(
            model.parameter(at: "0.bias")?.value, f["adam3.conv.bias"], "adam3 conv bias", tolerance: 1e-3)
        fixtures.expectClose(
            model.parameter(at: "3.weight")?.value,
            f["adam3.fc1.weight"].map {
                PyTorchLayout.linearWeightAfterFlatten($0, channels: 32, height: 13, width: 13)
            },
            "adam3 fc1", tolerance: 1e-3)
        fixtures.expectClose(
            model.parameter(at: "4.weight")?.value, f["adam3.fc2.weight"].map(PyTorchLayout.linearWeight), "adam3 fc2",
            tolerance: 1e-3)
        fixtures.expectClose(
            model.parameter(at: "4.bias")?.value, f["adam3.fc2.bias"], "adam3 fc2 bias", tolerance: 1e-3)
        let after = try loss(model(x), .labels(labels))
        fixtures.expectClose(after.reshaped(to: [1]), f["loss.after_step3"], "loss after step 3", tolerance: 1e-3)
    }
}
