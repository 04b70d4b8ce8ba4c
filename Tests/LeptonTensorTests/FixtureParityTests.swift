import Foundation
import LeptonKernels
import LeptonTensor
import LeptonTestSupport
import Testing

/// Operations against reference values computed by PyTorch (see Resources/README.md).
@Suite("Parity with PyTorch fixtures")
struct FixtureParityTests {
    static let fixtures = PyTorchFixtures(
        folder: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/fixtures")
    )

    /// Compares with a fixture tensor of exactly the same shape.
    static func expectClose(
        _ actual: Tensor?, _ expected: Tensor?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        fixtures.expectClose(actual, expected, what, sameShape: true, sourceLocation: sourceLocation)
    }

    static func labels(_ name: String, in file: String) throws -> [Int32] {
        try SafeTensorsFile(contentsOf: fixtures.url(file)).int32s(name)
    }

    @Test(
        "conv2d forward and backward (PyTorch weights converted to HWIO)",
        arguments: [
            ("conv2d_valid", 1, 0), ("conv2d_pad1", 1, 1), ("conv2d_stride2_pad1", 2, 1), ("conv2d_5x5_pad2", 1, 2),
        ])
    func convolution(name: String, stride: Int, pad: Int) throws {
        let f = try Self.fixtures.load(name)
        let x = try #require(f["x.nhwc"]).requiringGradient()
        let filter = try #require(f["weight"]).permuted([2, 3, 1, 0]).requiringGradient()
        let bias = try #require(f["bias"]).requiringGradient()
        let y = conv2d(
            x, filter: filter, bias: bias, strides: (stride, stride),
            padding: .explicit(top: pad, bottom: pad, left: pad, right: pad))
        Self.expectClose(y, f["y.nhwc"], "\(name) y")
        let gradients = (y * (try #require(f["gy.nhwc"]))).sum().gradients(withRespectTo: [x, filter, bias])
        Self.expectClose(gradients[0], f["grad.x.nhwc"], "\(name) grad.x")
        Self.expectClose(gradients[1].permuted([3, 2, 0, 1]), f["grad.weight"], "\(name) grad.weight")
        Self.expectClose(gradients[2], f["grad.bias"], "\(name) grad.bias")
    }

    @Test(
        "pooling forward and backward", arguments: [("maxpool2d", 2, 2), ("maxpool2d_3s2", 3, 2), ("avgpool2d", 2, 2)])
    func pooling(name: String, window: Int, stride: Int) throws {
        let f = try Self.fixtures.load(name)
        let x = try #require(f["x.nhwc"]).requiringGradient()
        let y =
            name.hasPrefix("max")
            ? maxPool2d(x, poolSize: (window, window), strides: (stride, stride))
            : avgPool2d(x, poolSize: (window, window), strides: (stride, stride))
        Self.expectClose(y, f["y.nhwc"], "\(name) y")
        let gradient = (y * (try #require(f["gy.nhwc"]))).sum().gradients(withRespectTo: [x])[0]
        Self.expectClose(gradient, f["grad.x.nhwc"], "\(name) grad.x")
    }

    @Test("activations and their derivatives")
    func activations() throws {
        let f = try Self.fixtures.load("activations")
        let x = try #require(f["x"])
        let cases: [(String, (Tensor) -> Tensor)] = [
            ("relu", { relu($0) }), ("sigmoid", { sigmoid($0) }), ("tanh", { tanh($0) }),
            ("gelu_erf", { gelu($0) }), ("gelu_tanh", { gelu($0, approximation: .tanh) }),
            ("softplus", { softplus($0) }), ("elu", { elu($0, alpha: 1) }),
            ("leaky_relu", { leakyRelu($0, slope: 0.01) }), ("silu", { silu($0) }),
        ]
        for (name, function) in cases {
            let leaf = x.requiringGradient()
            let y = function(leaf)
            Self.expectClose(y, f[name], name)
            Self.expectClose(y.sum().gradients(withRespectTo: [leaf])[0], f["grad.\(name)"], "grad.\(name)")
        }
    }

    @Test("softmax and log-softmax")
    func softmax() throws {
        let f = try Self.fixtures.load("losses")
        let logits = try #require(f["logits"])
        Self.expectClose(logits.softmax(), f["softmax"], "softmax")
        Self.expectClose(logits.logSoftmax(), f["log_softmax"], "log_softmax")
        // Cross-entropy through log-softmax: mean of −log p[label], and its gradient.
        let labels = try Self.labels("labels", in: "losses")
        let leaf = logits.requiringGradient()
        let picked = leaf.logSoftmax() * Tensor.oneHot(labels, classes: logits.shape[1])
        let loss = -picked.sum() / Float(labels.count)
        Self.expectClose(loss.reshaped(to: [1]), f["ce"], "cross-entropy")
        Self.expectClose(loss.gradients(withRespectTo: [leaf])[0], f["grad.logits"], "grad.logits")
    }

    @Test("linear: y = x·Wᵀ + b and its gradients")
    func linearLayer() throws {
        let f = try Tensor.loadSafeTensors(
            from: Self.fixtures.folder.deletingLastPathComponent().appendingPathComponent(
                "safetensors/linear.safetensors"))
        let x = try #require(f["x"]).requiringGradient()
        let weight = try #require(f["weight"]).transposed.requiringGradient()
        let bias = try #require(f["bias"]).requiringGradient()
        let y = linear(x, weight: weight, bias: bias)
        Self.expectClose(y, f["y"], "y")
        let gradients = (y * (try #require(f["gy"]))).sum().gradients(withRespectTo: [x, weight, bias])
        Self.expectClose(gradients[0], f["grad.x"], "grad.x")
        Self.expectClose(gradients[1].transposed, f["grad.weight"], "grad.weight")
        Self.expectClose(gradients[2], f["grad.bias"], "grad.bias")
    }

    @Test("embedding lookup accumulates gradients of repeated indices")
    func embedding() throws {
        let f = try Self.fixtures.load("embedding")
        let indices = try Self.labels("indices", in: "embedding")
        let table = try #require(f["weight"]).requiringGradient()
        let y = table.gathering(indices).reshaped(to: [3, 4, table.shape[1]])
        Self.expectClose(y, f["y"], "y")
        let gradient = (y * (try #require(f["gy"]))).sum().gradients(withRespectTo: [table])[0]
        Self.expectClose(gradient, f["grad.weight"], "grad.weight")
    }
}
