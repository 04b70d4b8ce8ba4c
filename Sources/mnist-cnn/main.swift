// mnist-cnn: the reference CNN of Lepton's design, trained on MNIST.
//
//   swift run -c release mnist-cnn                         # the 5k subset embedded in the repository
//   swift run -c release mnist-cnn --data DIR --epochs 10   # the four IDX files (.gz or not) in DIR
//   swift run -c release mnist-cnn --augment 2              # random shifts of up to 2 pixels, from a DataLoader
//
// Prints the model summary, per-epoch progress, the test accuracy and confusion matrix, writes the training
// curves as an SVG picture, and ends with one JSON line for scripts.

import Foundation
import Lepton

let options: ExampleOptions
do {
    options = try ExampleOptions.parse(CommandLine.arguments.dropFirst())
} catch {
    FileHandle.standardError.write(Data("mnist-cnn: \(error)\n".utf8))
    exit(1)
}
ComputeThreads.count = options.threads

let mnist = try MNISTFiles(directory: options.dataDirectory)
let (trainImages, trainLabels) = (mnist.train.images, mnist.train.labels)
let (testImages, testLabels) = (mnist.test.images, mnist.test.labels)
print("MNIST: \(mnist.train.count) training and \(mnist.test.count) test images from \(options.dataDirectory.path)")

// The reference CNN: one screen, like the Keras original.
let model = Sequential(inputShape: [28, 28, 1], seed: options.seed) {
    Conv2D(filters: 32, kernelSize: 3, activation: .relu)
    MaxPool2D(poolSize: 2)
    Flatten()
    Dense(units: 64, activation: .relu)
    Dense(units: 10, activation: .softmax)
}
model.printSummary()

let trainer = Trainer(
    model: model, optimizer: Adam(learningRate: 1e-3), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy],
    seed: options.seed)
let started = Date()
let history: History
if options.augmentPixels > 0 {
    // Batches made, shifted and prefetched by a DataLoader on its own thread while the trainer computes.
    let augmentation = ImageAugmentation(cropPadding: options.augmentPixels)
    let loader = DataLoader(
        try TensorDataset(features: trainImages, labels: trainLabels), batchSize: options.batchSize,
        seed: options.seed, transform: augmentation.batchTransform)
    print("Augmentation: random shifts of up to \(options.augmentPixels) pixels")
    history = try trainer.fit(loader, epochs: options.epochs, validation: (testImages, .labels(testLabels)))
} else {
    history = try trainer.fit(
        trainImages, .labels(trainLabels), epochs: options.epochs, batchSize: options.batchSize,
        validation: (testImages, .labels(testLabels)))
}
let trainSeconds = Date().timeIntervalSince(started)

// Evaluation: accuracy, confusion matrix and per-class scores on the test images.
let predictions = try model.predict(testImages)
let confusion = ConfusionMatrix(classes: 10)
confusion.update(predictions: predictions, targets: .labels(testLabels))
let testAccuracy = confusion.result()
print(String(format: "\nTest accuracy: %.4f (%d images)\n", testAccuracy, testLabels.count))
print("Confusion matrix (rows: true digit, columns: predicted digit):")
print(confusion.rendered())
print("digit  precision  recall  f1      support")
for (digit, scores) in confusion.perClass.enumerated() {
    print(
        String(
            format: "%5d  %9.4f  %6.4f  %6.4f  %7d", digit, scores.precision, scores.recall, scores.f1, scores.support))
}

try Data(history.svg(title: "Reference CNN on MNIST").utf8).write(to: options.curveFile, options: .atomic)
print("Training curves written to \(options.curveFile.path)")

let samplesPerSecond = Double(trainLabels.count * history.epochs.count) / trainSeconds
let summary: [String: Any] = [
    "test_accuracy": testAccuracy, "epochs": history.epochs.count, "batch_size": options.batchSize,
    "train_seconds": trainSeconds, "samples_per_second": samplesPerSecond, "threads": options.threads,
    "train_samples": trainLabels.count, "test_samples": testLabels.count,
    "augment_pixels": options.augmentPixels, "final_loss": history["loss"].last ?? .nan,
    "final_val_loss": history["val_loss"].last ?? .nan,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
