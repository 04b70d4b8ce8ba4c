// mnist-cnn-distributed: the reference CNN of Lepton's `mnist-cnn` example, trained data-parallel over MPI.
//
//   mpirun -np 2 .build/debug/mnist-cnn-distributed --steps 50 --batch-size 64    # 2 ranks, 32 samples each
//   .build/debug/mnist-cnn-distributed --no-mpi --steps 50 --batch-size 64        # the same run in one process
//
// (add --allow-run-as-root to mpirun inside a container that runs as root; see Documentation/Distributed.md).
// Rank 0 prints `step N loss X` for every step and ends with one JSON line for scripts; every rank writes
// `rank R of P: pid X` to standard error when it starts.

import Foundation
import Lepton
import LeptonMPI

do {
    let options = try DistributedOptions.parse(CommandLine.arguments.dropFirst())
    ComputeThreads.count = options.threads
    let mpi = options.useMPI ? try MPICollective(timeout: options.collectiveTimeout) : nil
    let rank = mpi?.rank ?? 0
    let ranks = mpi?.size ?? 1
    FileHandle.standardError.write(Data("rank \(rank) of \(ranks): pid \(getpid())\n".utf8))
    guard options.batchSize % ranks == 0 else {
        throw DistributedOptions.Problem(
            description: "--batch-size \(options.batchSize) does not split evenly among \(ranks) ranks")
    }

    let mnist = try MNISTFiles(directory: options.dataDirectory)
    let (trainImages, trainLabels) = (mnist.train.images, mnist.train.labels)
    let (testImages, testLabels) = (mnist.test.images, mnist.test.labels)

    // The reference CNN, as in Sources/mnist-cnn/main.swift. Every rank builds it from the same seed; the trainer
    // broadcasts rank 0's weights anyway.
    let model = Sequential(inputShape: [28, 28, 1], seed: options.seed) {
        Conv2D(filters: 32, kernelSize: 3, activation: .relu)
        MaxPool2D(poolSize: 2)
        Flatten()
        Dense(units: 64, activation: .relu)
        Dense(units: 10, activation: .softmax)
    }
    let trainer = Trainer(
        model: model, optimizer: Adam(learningRate: 1e-3), loss: .sparseCategoricalCrossentropy,
        metrics: [.accuracy], seed: options.seed, collective: mpi)
    trainer.gradientBucketBytes = options.bucketBytes
    let sampler = try DistributedSampler(count: trainLabels.count, rank: rank, size: ranks)
    let log = StepLog(
        globalBatch: options.batchSize, epochSamples: sampler.samplesPerRank * ranks, stepLimit: options.steps,
        prints: rank == 0)
    let started = Date()
    let history = try trainer.fit(
        trainImages, .labels(trainLabels), epochs: options.epochs, batchSize: options.batchSize / ranks,
        callbacks: [log], verbose: false)
    let trainSeconds = Date().timeIntervalSince(started)
    let communicationSeconds = mpi?.communicationSeconds ?? 0
    let results = try trainer.evaluate(testImages, .labels(testLabels))
    let gradientElements = model.trainableParameters.reduce(0) { $0 + $1.parameter.value.elementCount }

    if rank == 0 {
        let summary: [String: Any] = [
            "ranks": ranks, "threads": options.threads, "global_batch": options.batchSize, "steps": log.steps,
            "epochs": history.epochs.count, "train_seconds": trainSeconds,
            "seconds_per_step": trainSeconds / Double(Swift.max(log.steps, 1)),
            "samples_per_second": Double(log.steps * options.batchSize) / trainSeconds,
            "test_accuracy": results["accuracy"] ?? .nan, "test_loss": results["loss"] ?? .nan,
            "final_loss": history["loss"].last ?? .nan, "gradient_elements": gradientElements,
            "gradient_bytes": gradientElements * MemoryLayout<Float>.size,
            "communication_seconds_per_step": communicationSeconds / Double(Swift.max(log.steps, 1)),
        ]
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
    try mpi?.finalize()
} catch {
    FileHandle.standardError.write(Data("mnist-cnn-distributed: error: \(error)\n".utf8))
    exit(1)
}
