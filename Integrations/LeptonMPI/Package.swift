// swift-tools-version: 6.0
// LeptonMPI: data-parallel training of Lepton models over Open MPI. A nested package, so that the root package
// stays dependency-free; needs Open MPI's headers and pkg-config file (Debian: `apt-get install libopenmpi-dev
// openmpi-bin`).

import PackageDescription

let package = Package(
    name: "LeptonMPI",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LeptonMPI", targets: ["LeptonMPI"]),
        .executable(name: "mnist-cnn-distributed", targets: ["mnist-cnn-distributed"]),
        .executable(name: "mpi-collective-check", targets: ["mpi-collective-check"]),
    ],
    dependencies: [.package(name: "Lepton", path: "../..")],
    targets: [
        // Open MPI's C API through a header of static inline wrappers (Swift cannot import MPI's handle macros
        // such as MPI_COMM_WORLD); compiler and linker flags come from pkg-config's `ompi-c`.
        .systemLibrary(
            name: "CLeptonMPI", pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"]), .brew(["open-mpi"])]),
        .target(
            name: "LeptonMPI", dependencies: ["CLeptonMPI", .product(name: "LeptonTrain", package: "Lepton")]),
        .executableTarget(
            name: "mnist-cnn-distributed",
            dependencies: ["LeptonMPI", .product(name: "Lepton", package: "Lepton")]),
        .executableTarget(
            name: "mpi-collective-check",
            dependencies: ["LeptonMPI", .product(name: "Lepton", package: "Lepton")]),
    ],
    swiftLanguageModes: [.v6]
)
