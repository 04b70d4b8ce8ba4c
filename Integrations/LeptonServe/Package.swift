// swift-tools-version: 6.0
// LeptonServe: the Open Inference Protocol (KServe v2) over HTTP for Lepton bundles, on Hummingbird 2.
// Kept out of the root package so that Lepton itself stays dependency-free.

import PackageDescription

let package = Package(
    name: "LeptonServe",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LeptonServe", targets: ["LeptonServe"]),
        .executable(name: "lepton-serve", targets: ["lepton-serve"]),
    ],
    dependencies: [
        .package(name: "Lepton", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
    ],
    targets: [
        .target(
            name: "LeptonServe",
            dependencies: [
                .product(name: "Lepton", package: "Lepton"),
                .product(name: "LeptonData", package: "Lepton"),
                .product(name: "LeptonDeploy", package: "Lepton"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .executableTarget(
            name: "lepton-serve",
            dependencies: [
                "LeptonServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "LeptonServeTests",
            dependencies: [
                "LeptonServe",
                .product(name: "Lepton", package: "Lepton"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
