import Foundation
import LeptonData
import LeptonLayers
import LeptonTensor

/// A model ready to answer requests: immutable, `Sendable`, no gradient tape.
///
/// It validates every request against the schema (typed ``PredictionError``s, never a crash), applies the bundle's
/// fitted pipeline to tabular records or its tokenizer to texts, runs the compiled `InferenceModel` (batch norm folded, bias and ReLU fused;
/// or its int8 counterpart) and reads the outputs as the schema says (top class and probability for classifiers).
///
/// ```swift
/// let predictor = try Predictor(bundle: URL(fileURLWithPath: "credit.lepton"))   // warmed up: isReady
/// let answer = try predictor.predict(.record(["age": .number(42), "purpose": .string("car")]))
/// let answers = predictor.predict(batch: requests)     // one model call; a bad item fails alone
/// ```
public struct Predictor: Sendable {
    /// The model's name.
    public let name: String
    /// The model's version id, reported in every prediction.
    public let version: String
    /// The input and output contract.
    public let schema: ModelSchema
    /// Full precision or int8.
    public let quantization: Quantization
    /// The activation ranges static int8 uses: the bundle's, or the one given; `nil` for dynamic int8 (and float).
    public let calibration: QuantizationCalibration?
    /// Whether warm-up calls have run successfully.
    public private(set) var isReady = false

    let engine: InferenceEngine
    let pipeline: FittedPipeline?
    let interpreter: OutputInterpreter
    let recordValidator: RecordValidator?
    let tensorValidator: TensorValidator?
    let textValidator: TextValidator?
    /// The model's per-sample input shape (the feature count for tabular models).
    public let inputShape: [Int]
    /// The model's per-sample output shape.
    public let outputShape: [Int]

    /// Loads a bundle file and prepares it for serving.
    /// - Parameters:
    ///   - url: the `.lepton` file.
    ///   - quantization: `.int8` to quantise Dense and Conv2D weights.
    ///   - warmUpCalls: dummy calls to run before ``isReady`` becomes true (0 leaves it false; see ``warmUp(calls:)``).
    /// - Throws: ``BundleError`` when the bundle is invalid, ``PredictionError`` when warm-up fails.
    public init(bundle url: URL, quantization: Quantization = .none, warmUpCalls: Int = 3) throws {
        try self.init(bundle: ModelBundle(contentsOf: url), quantization: quantization, warmUpCalls: warmUpCalls)
    }

    /// Prepares a loaded bundle for serving.
    /// - Parameters:
    ///   - bundle: the bundle.
    ///   - quantization: `.int8` to quantise Dense and Conv2D weights (statically with the bundle's
    ///     ``BundleManifest/calibration`` when it has one, dynamically otherwise).
    ///   - warmUpCalls: dummy calls to run before ``isReady`` becomes true.
    /// - Throws: ``BundleError`` when the model cannot be compiled, ``PredictionError`` when warm-up fails.
    public init(bundle: ModelBundle, quantization: Quantization = .none, warmUpCalls: Int = 3) throws {
        try self.init(
            model: bundle.model, pipeline: bundle.pipeline, schema: bundle.schema, name: bundle.manifest.name,
            version: bundle.version, quantization: quantization,
            calibration: quantization == .int8 ? bundle.manifest.calibration : nil, warmUpCalls: warmUpCalls)
    }

    /// Prepares a model held in memory for serving.
    /// - Parameters:
    ///   - model: the trained, built model (its weights are copied; later changes to it do not affect the predictor).
    ///   - pipeline: the fitted preprocessing of a tabular model.
    ///   - schema: the input and output contract.
    ///   - name: the model's name.
    ///   - version: the version id reported in predictions.
    ///   - quantization: `.int8` to quantise Dense and Conv2D weights.
    ///   - calibration: with `.int8`, the activation ranges for static quantisation (see
    ///     ``QuantizationCalibration/init(model:batches:method:)``); `nil` for dynamic quantisation.
    ///   - warmUpCalls: dummy calls to run before ``isReady`` becomes true.
    /// - Throws: ``BundleError`` when schema, model and pipeline do not fit (or the calibration does not fit the
    ///   model: ``BundleError/invalidCalibration(file:reason:)``), ``PredictionError`` when warm-up fails.
    public init(
        model: Sequential, pipeline: FittedPipeline? = nil, schema: ModelSchema, name: String = "model",
        version: String, quantization: Quantization = .none, calibration: QuantizationCalibration? = nil,
        warmUpCalls: Int = 3
    ) throws {
        try BundleConsistency.check(model: model, pipeline: pipeline, schema: schema, file: "<memory>")
        self.name = name
        self.version = version
        self.schema = schema
        self.quantization = quantization
        self.calibration = quantization == .int8 ? calibration : nil
        self.pipeline = pipeline
        engine = try InferenceEngine(model: model, quantization: quantization, calibration: self.calibration)
        interpreter = OutputInterpreter(schema: schema.output, model: model)
        var validators: (RecordValidator?, TensorValidator?, TextValidator?) = (nil, nil, nil)
        switch schema.input {
        case .tabular(let fields): validators.0 = RecordValidator(fields: fields)
        case .tensor(let tensor): validators.1 = TensorValidator(schema: tensor)
        case .text(let text): validators.2 = TextValidator(schema: text)
        }
        (recordValidator, tensorValidator, textValidator) = validators
        inputShape = model.inputShape?.dimensions ?? []
        outputShape = model.outputShape?.dimensions ?? []
        if warmUpCalls > 0 { try warmUp(calls: warmUpCalls) }
    }

    /// The compiled steps, one line each (`conv2d 3x3x32 + relu + maxpool 2x2 (per image)`…).
    public var stepSummaries: [String] { engine.stepSummaries }

    /// Answers one request.
    /// - Parameter request: the request.
    /// - Returns: the prediction.
    /// - Throws: ``PredictionError`` naming what is wrong with the request.
    public func predict(_ request: PredictionRequest) throws(PredictionError) -> Prediction {
        try predict(batch: [request])[0].get()
    }

    /// Answers a tabular record.
    /// - Parameter record: raw field values by name.
    /// - Returns: the prediction.
    /// - Throws: ``PredictionError``.
    public func predict(record: [String: FeatureValue]) throws(PredictionError) -> Prediction {
        try predict(.record(record))
    }

    /// Answers one tensor sample.
    /// - Parameter tensor: the per-sample shape, or `[1]` followed by it.
    /// - Returns: the prediction.
    /// - Throws: ``PredictionError``.
    public func predict(tensor: Tensor) throws(PredictionError) -> Prediction {
        try predict(.tensor(tensor))
    }

    /// Answers many requests with one model call: every request is validated on its own, the valid ones run
    /// together, and a bad request fails alone.
    /// - Parameter batch: the requests.
    /// - Returns: one result per request, in order.
    public func predict(batch: [PredictionRequest]) -> [Result<Prediction, PredictionError>] {
        var results = [Result<Prediction, PredictionError>?](repeating: nil, count: batch.count)
        let (features, rows) = prepare(batch, results: &results)
        if !rows.isEmpty {
            let outputs = engine(features)
            let width = outputs.elementCount / max(rows.count, 1)
            outputs.withUnsafeBufferPointer { buffer in
                for (position, requestIndex) in rows.enumerated() {
                    let row = Array(buffer[(position * width)..<((position + 1) * width)])
                    results[requestIndex] = Result { () throws(PredictionError) -> Prediction in
                        try interpreter.prediction(row, version: version)
                    }
                }
            }
        }
        return results.map { $0! }
    }

    /// Runs the model on a batch of already valid inputs, without validation or interpretation (for evaluation and
    /// benchmarks).
    /// - Parameter inputs: `[batch] + inputShape`.
    /// - Returns: `[batch] + outputShape`.
    public func outputs(for inputs: Tensor) -> Tensor {
        precondition(
            Array(inputs.shape.dimensions.dropFirst()) == inputShape,
            "Predictor.outputs(for:): input shape \(inputs.shape) does not match [batch] + \(inputShape)")
        return engine(inputs)
    }

    /// Runs dummy requests through the whole path (validation, preprocessing, model) and marks the predictor ready.
    /// - Parameter calls: how many calls (batches of 1 and of 8 alternate).
    /// - Throws: ``PredictionError/nonFiniteOutput(index:)`` when the model does not produce finite outputs.
    public mutating func warmUp(calls: Int = 3) throws(PredictionError) {
        let sample = WarmUpInput.request(for: schema.input)
        for call in 0..<max(calls, 1) {
            let requests = [PredictionRequest](repeating: sample, count: call % 2 == 0 ? 1 : 8)
            for result in predict(batch: requests) {
                if case .failure(let error) = result {
                    // The synthetic record may not suit the pipeline (an encoder that knows no placeholder value);
                    // the model itself is still warmed up on zero features.
                    if case .nonFiniteOutput = error { throw error }
                    try warmUpEngineOnly()
                }
            }
        }
        isReady = true
    }

    /// Warms up the model alone on zero features, for pipelines that reject the synthetic record.
    private func warmUpEngineOnly() throws(PredictionError) {
        let outputs = engine(Tensor(repeating: 0, shape: Shape([1] + inputShape))).scalars
        if let index = outputs.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteOutput(index: index) }
    }

    /// Validates each request, records failures in `results`, and stacks the valid ones into one feature tensor.
    private func prepare(_ batch: [PredictionRequest], results: inout [Result<Prediction, PredictionError>?])
        -> (features: Tensor, rows: [Int])
    {
        if let textValidator { return textValidator.prepare(batch, results: &results) }
        if let tensorValidator {
            var scalars: [Float] = []
            scalars.reserveCapacity(batch.count * tensorValidator.elementCount)
            var rows: [Int] = []
            for (index, request) in batch.enumerated() {
                do throws(PredictionError) {
                    scalars.append(contentsOf: try tensorValidator.validate(request))
                    rows.append(index)
                } catch {
                    results[index] = .failure(error)
                }
            }
            return (Tensor(scalars, shape: Shape([rows.count] + inputShape)), rows)
        }
        guard let recordValidator, let pipeline else { preconditionFailure("Predictor: no validator for the input") }
        var validated: [[FeatureValue]] = []
        var rows: [Int] = []
        for (index, request) in batch.enumerated() {
            do throws(PredictionError) {
                validated.append(try recordValidator.validate(request))
                rows.append(index)
            } catch {
                results[index] = .failure(error)
            }
        }
        return TabularFeatures.matrix(
            validated, rows: rows, validator: recordValidator, pipeline: pipeline, results: &results)
    }
}
