// A character-level decoder-only Transformer language model (nanoGPT's Shakespeare character model, CPU
// configuration): trains on the first 90% of a text, reports train/validation loss, prints a sample, and ends with
// a JSON line holding val_loss, iterations and tokens_per_second.
//
//   swift run -c release char-lm [--data FILE] [--iterations N] [--threads N] …

import Foundation
import Lepton

do {
    let options = try CharLMOptions.parse(CommandLine.arguments.dropFirst())
    ComputeThreads.count = options.threads
    let text = try options.loadText()
    let tokenizer = try CharacterTokenizer(fitting: text, unknownHandling: .error)
    let ids = try tokenizer.encode(text)
    let cut = ids.count * 9 / 10
    let train = Array(ids[..<cut])
    let validation = Array(ids[cut...])
    let block = options.blockSize
    guard validation.count > block + 1, train.count > block + 1 else {
        throw CharLMOptions.Problem(
            description: "the text has \(ids.count) characters; its 10% validation part needs more than \(block + 1)")
    }
    let vocabulary = tokenizer.characters.count
    print(
        "data: \(ids.count) characters, vocabulary \(vocabulary), train \(train.count), validation \(validation.count)")

    let model = Sequential(inputShape: [block], seed: options.seed) {
        Embedding(vocabularySize: vocabulary, dimension: options.size.embedding)
        PositionalEmbedding(.learned, maximumLength: block)
        for _ in 0..<options.size.layers {
            TransformerDecoderBlock(
                heads: options.size.heads, feedForwardSize: 4 * options.size.embedding, dropout: options.dropout,
                activation: .gelu, normFirst: true)
        }
        LayerNorm(epsilon: 1e-5)
        Dense(units: vocabulary)
    }
    let parameterCount = model.parameterCounts.trainable
    print("model: \(parameterCount) parameters, \(options.threads) threads")

    let optimizer = AdamW(
        learningRate: options.learningRate, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: options.weightDecay,
        clipping: GradientClipping(globalNorm: options.gradientClip))
    let schedule = LinearWarmup(
        warmupSteps: Swift.min(options.warmupIterations, options.iterations),
        then: CosineDecay(
            initial: options.learningRate, decaySteps: Swift.max(options.iterations - options.warmupIterations, 1),
            alpha: options.minimumLearningRate / options.learningRate))
    let loss = TokenCrossEntropy(ignoreIndex: nil)
    var generator = RandomGenerator(seed: options.seed)

    /// `batch` random windows of `block + 1` characters of `data`: inputs and next-character targets.
    func windows(_ data: [Int32], count batch: Int, using generator: inout RandomGenerator) -> (Tensor, [Int32]) {
        var inputs = [Float](repeating: 0, count: batch * block)
        var targets = [Int32](repeating: 0, count: batch * block)
        for row in 0..<batch {
            let start = Int(generator.next() % UInt64(data.count - block))
            for position in 0..<block {
                inputs[row * block + position] = Float(data[start + position])
                targets[row * block + position] = data[start + position + 1]
            }
        }
        return (Tensor(inputs, shape: [batch, block]), targets)
    }

    /// The mean loss over `evalWindows` batches of random windows of each split (nanoGPT's `estimate_loss`).
    func evaluate(using generator: inout RandomGenerator) throws -> (train: Double, validation: Double) {
        var means: [Double] = []
        for data in [train, validation] {
            var total = 0.0
            for _ in 0..<options.evalWindows {
                let (x, y) = windows(data, count: options.batchSize, using: &generator)
                total += Double(try loss(model(x), targets: y).scalars[0])
            }
            means.append(total / Double(options.evalWindows))
        }
        return (means[0], means[1])
    }

    var trainSeconds = 0.0
    var last = (train: Double.nan, validation: Double.nan)
    var evaluationGenerator = RandomGenerator(seed: options.seed &+ 1)
    for iteration in 0...options.iterations {
        if iteration % options.evalInterval == 0 || iteration == options.iterations {
            last = try evaluate(using: &evaluationGenerator)
            print(
                String(
                    format: "step %d: train loss %.4f, val loss %.4f (%.1f s training)", iteration, last.train,
                    last.validation, trainSeconds))
        }
        if iteration == options.iterations { break }
        let started = DispatchTime.now().uptimeNanoseconds
        optimizer.learningRate = schedule.learningRate(at: iteration)
        let (x, y) = windows(train, count: options.batchSize, using: &generator)
        let context = ForwardContext.training(generator: generator.split())
        let value = try loss(model(x, context: context), targets: y)
        guard value.scalars[0].isFinite else {
            throw CharLMOptions.Problem(description: "the loss became \(value.scalars[0]) at iteration \(iteration)")
        }
        optimizer.apply(value.backward(), to: model)
        trainSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }

    // A sample: start from a newline, feed back the last `block` characters, sample from the top-k at a temperature.
    var sampleGenerator = RandomGenerator(seed: options.seed &+ 2)
    var context: [Int32] = [try tokenizer.encode("\n").first ?? 0]
    for _ in 0..<options.sampleLength {
        let window = Array(context.suffix(block))
        // The layers one by one: the model's declared input is a full block, and the first windows are shorter.
        let inference = ForwardContext.inference
        let logits = model.layers.reduce(Tensor(window.map(Float.init), shape: [1, window.count])) {
            $1($0, context: inference)
        }.scalars.suffix(vocabulary)
        context.append(
            sampleTopK(
                Array(logits), temperature: options.temperature, k: options.topK, using: &sampleGenerator))
    }
    print("sample:\n" + (try tokenizer.decode(Array(context.dropFirst()))))

    let tokens = Double(options.iterations) * Double(options.batchSize * block)
    let summary: [String: Any] = [
        "val_loss": last.validation, "train_loss": last.train, "iterations": options.iterations,
        "tokens_per_second": trainSeconds > 0 ? tokens / trainSeconds : 0, "train_seconds": trainSeconds,
        "threads": options.threads, "parameters": parameterCount, "characters": ids.count,
    ]
    let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("char-lm: \(error)\n".utf8))
    exit(1)
}
