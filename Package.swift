// swift-tools-version: 6.0
// Lepton: machine learning from the lab to production, in one dependency-free Swift package.

import PackageDescription

/// Library targets in dependency order: each depends only on those before it (see Documentation/Architecture.md).
let package = Package(
    name: "Lepton",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Lepton", targets: ["Lepton"]),
        .library(name: "LeptonTensor", targets: ["LeptonTensor"]),
        .library(name: "LeptonLayers", targets: ["LeptonLayers"]),
        .library(name: "LeptonData", targets: ["LeptonData"]),
        .library(name: "LeptonTrain", targets: ["LeptonTrain"]),
        .library(name: "LeptonDeploy", targets: ["LeptonDeploy"]),
        .executable(name: "lepton-bench", targets: ["LeptonBench"]),
        .executable(name: "lepton-classical", targets: ["LeptonClassical"]),
        .executable(name: "mnist-cnn", targets: ["mnist-cnn"]),
        .executable(name: "credit-scoring", targets: ["credit-scoring"]),
        .executable(name: "lepton", targets: ["lepton"]),
        .executable(name: "lepton-demo", targets: ["lepton-demo"]),
        .executable(name: "lepton-input-checks", targets: ["lepton-input-checks"]),
        .executable(name: "movie-recs", targets: ["movie-recs"]),
        .executable(name: "char-lm", targets: ["char-lm"]),
        .executable(name: "support-assistant", targets: ["support-assistant"]),
    ],
    targets: [
        // ISA-specific register-tile loops (AVX-512, AVX2+FMA), chosen at run time.
        .target(name: "CLeptonKernels"),
        // Small helpers written once for the whole package (checksums, seeding, quantiles); not a product.
        .target(name: "LeptonSupport"),
        .target(name: "LeptonKernels", dependencies: ["CLeptonKernels"]),
        .target(name: "LeptonTensor", dependencies: ["LeptonSupport", "LeptonKernels"]),
        .target(name: "LeptonLayers", dependencies: ["LeptonKernels", "LeptonTensor"]),
        .target(name: "LeptonData", dependencies: ["LeptonSupport", "LeptonKernels", "LeptonTensor"]),
        .target(
            name: "LeptonTrain",
            dependencies: ["LeptonSupport", "LeptonKernels", "LeptonTensor", "LeptonLayers", "LeptonData"]),
        .target(
            name: "LeptonDeploy",
            dependencies: ["LeptonSupport", "LeptonKernels", "LeptonTensor", "LeptonLayers", "LeptonData"]),
        // The `lepton` command-line tool's commands, kept out of the library products so that `import Lepton`
        // does not export them; tested as functions by LeptonDeployTests.
        .target(
            name: "LeptonCommandLine",
            dependencies: [
                "LeptonSupport", "LeptonKernels", "LeptonTensor", "LeptonLayers", "LeptonData", "LeptonTrain",
                "LeptonDeploy",
            ]
        ),
        // The command-line option reading shared by the example executables; not a product.
        .target(name: "LeptonExampleSupport"),
        .target(
            name: "Lepton",
            dependencies: ["LeptonTensor", "LeptonLayers", "LeptonData", "LeptonTrain", "LeptonDeploy"]
        ),
        .executableTarget(
            name: "LeptonBench", dependencies: ["Lepton", "LeptonKernels"], path: "Benchmarks/LeptonBench"),
        .executableTarget(name: "LeptonClassical", dependencies: ["Lepton"], path: "Benchmarks/LeptonClassical"),
        .executableTarget(
            name: "mnist-cnn", dependencies: ["Lepton", "LeptonExampleSupport"],
            resources: [.copy("Resources/mnist_5k")]),
        .executableTarget(
            name: "credit-scoring", dependencies: ["Lepton"], resources: [.copy("Resources/german_credit")]),
        .executableTarget(name: "lepton", dependencies: ["LeptonCommandLine"]),
        .executableTarget(name: "lepton-demo", dependencies: ["Lepton"], resources: [.copy("Resources/german_credit")]),
        .executableTarget(name: "movie-recs", dependencies: ["Lepton"]),
        .executableTarget(
            name: "char-lm", dependencies: ["Lepton", "LeptonExampleSupport"],
            resources: [.copy("Resources/shakespeare")]),
        .executableTarget(
            name: "support-assistant", dependencies: ["Lepton", "LeptonExampleSupport"],
            resources: [.copy("Resources/support-intents")]),
        // Calls every public entry point with bad input; CI runs it in the release build.
        .executableTarget(name: "lepton-input-checks", dependencies: ["Lepton"], path: "Tests/InputChecks"),
        // Helpers shared by the test targets (PyTorch fixture comparison); not a product.
        .target(name: "LeptonTestSupport", dependencies: ["LeptonTensor"], path: "Tests/LeptonTestSupport"),
        .testTarget(name: "LeptonSupportTests", dependencies: ["LeptonSupport"]),
        .testTarget(name: "LeptonKernelsTests", dependencies: ["LeptonKernels"]),
        .testTarget(
            name: "LeptonTensorTests", dependencies: ["LeptonKernels", "LeptonTensor", "LeptonTestSupport"],
            exclude: ["Resources"]),
        .testTarget(
            name: "LeptonLayersTests", dependencies: ["LeptonTensor", "LeptonLayers", "LeptonTestSupport"],
            exclude: ["Resources"]),
        .testTarget(
            name: "LeptonDataTests", dependencies: ["LeptonSupport", "LeptonTensor", "LeptonData", "LeptonDeploy"],
            exclude: ["Resources"]),
        .testTarget(
            name: "LeptonTrainTests",
            dependencies: [
                "LeptonKernels", "LeptonTensor", "LeptonLayers", "LeptonData", "LeptonTrain", "LeptonTestSupport",
            ],
            exclude: ["Resources"]),
        .testTarget(
            name: "LeptonDeployTests",
            dependencies: [
                "LeptonKernels", "LeptonTensor", "LeptonLayers", "LeptonData", "LeptonTrain", "LeptonDeploy",
                "LeptonCommandLine",
            ],
            exclude: ["Resources"]),
        .testTarget(name: "LeptonTests", dependencies: ["Lepton"]),
    ],
    swiftLanguageModes: [.v6]
)
