import LeptonData
import LeptonLayers

/// The checks that a model, its pipeline and its schema fit together, run when a bundle is assembled and when it is
/// read.
enum BundleConsistency {
    static func check(model: Sequential, pipeline: FittedPipeline?, schema: ModelSchema, file: String)
        throws(BundleError)
    {
        guard let inputShape = model.inputShape, let outputShape = model.outputShape else {
            throw .invalidArchitecture(file: file, reason: "the model has no input shape (build it first)")
        }
        do {
            _ = try InferenceModel(model)
        } catch {
            throw .invalidArchitecture(file: file, reason: String(describing: error))
        }
        switch schema.input {
        case .tensor(let tensor):
            guard tensor.shape == inputShape.dimensions else {
                throw .schemaMismatch(
                    file: file, reason: "the schema's input shape is \(tensor.shape), the model's is \(inputShape)")
            }
            guard tensor.dtype == "F32" else {
                throw .schemaMismatch(file: file, reason: "input dtype \(tensor.dtype) is not supported (F32 only)")
            }
            guard pipeline == nil else {
                throw .schemaMismatch(file: file, reason: "a tensor input cannot have a tabular preprocessing pipeline")
            }
            try checkRange(tensor.minimum, tensor.maximum, name: "the tensor input", file: file)
        case .text(let text):
            guard pipeline == nil else {
                throw .schemaMismatch(file: file, reason: "a text input cannot have a tabular preprocessing pipeline")
            }
            try checkText(text, model: model, inputShape: inputShape.dimensions, file: file)
        case .tabular(let fields):
            try checkFields(fields, file: file)
            guard let pipeline else {
                throw .schemaMismatch(
                    file: file, reason: "a tabular input needs the fitted pipeline that turns fields into features")
            }
            guard inputShape.dimensions == [pipeline.featureNames.count] else {
                throw .schemaMismatch(
                    file: file,
                    reason:
                        "the pipeline produces \(pipeline.featureNames.count) features, the model takes \(inputShape)")
            }
            try checkPipelineColumns(pipeline, fields: fields, file: file)
        }
        let output = schema.output
        guard output.shape == outputShape.dimensions else {
            throw .schemaMismatch(
                file: file, reason: "the schema's output shape is \(output.shape), the model's is \(outputShape)")
        }
        let count = output.elementCount
        let namesFit =
            output.task == .classification
            ? (output.names.count == count && count >= 2) || (count == 1 && output.names.count == 2)
            : output.names.count == count
        guard namesFit else {
            throw .schemaMismatch(
                file: file,
                reason: "\(output.names.count) output names for \(count) \(output.task) outputs "
                    + (output.task == .classification
                        ? "(one label per output, or two labels for one sigmoid output)" : ""))
        }
    }

    /// Runs the pipeline on a synthetic record of the schema's fields: a column the pipeline reads but the schema
    /// does not list would make every request fail. (Other failures, such as a placeholder category the encoder does
    /// not know, say nothing about the schema and are ignored here.)
    private static func checkPipelineColumns(_ pipeline: FittedPipeline, fields: [FieldSchema], file: String)
        throws(BundleError)
    {
        let validator = RecordValidator(fields: fields)
        guard let row = try? validator.validate(WarmUpInput.request(for: .tabular(fields))),
            let table = try? validator.table([row])
        else { return }
        do {
            _ = try pipeline.features(from: table)
        } catch TableError.unknownColumn(let name, _) {
            throw .schemaMismatch(
                file: file, reason: "the pipeline reads column '\(name)', which is not a field of the schema")
        } catch {
            return
        }
    }

    /// A text model takes `[maximumLength]` ids, starts with an `Embedding` (after an optional `PaddingMask` of
    /// the tokenizer's padding id) that has a row for every id the tokenizer can produce.
    private static func checkText(_ text: TextSchema, model: Sequential, inputShape: [Int], file: String)
        throws(BundleError)
    {
        guard inputShape == [text.maximumLength] else {
            throw .schemaMismatch(
                file: file,
                reason: "the text input is padded to \(text.maximumLength) tokens, the model takes \(inputShape)")
        }
        var layers = model.layers[...]
        if let mask = layers.first as? PaddingMask {
            guard mask.configuration.paddingID == Int(text.tokenizer.paddingID) else {
                throw .schemaMismatch(
                    file: file,
                    reason: "the model's PaddingMask masks id \(mask.configuration.paddingID), the "
                        + "\(text.tokenizer.kind) tokenizer pads with \(text.tokenizer.paddingID)")
            }
            layers = layers.dropFirst()
        }
        guard let embedding = layers.first as? Embedding else {
            throw .schemaMismatch(
                file: file, reason: "a text model must start with an Embedding (after an optional PaddingMask)")
        }
        guard text.tokenizer.idCount <= embedding.configuration.vocabularySize else {
            throw .schemaMismatch(
                file: file,
                reason: "the \(text.tokenizer.kind) tokenizer produces \(text.tokenizer.idCount) ids (padding "
                    + "included), the Embedding has \(embedding.configuration.vocabularySize) rows")
        }
    }

    private static func checkFields(_ fields: [FieldSchema], file: String) throws(BundleError) {
        guard !fields.isEmpty else { throw .schemaMismatch(file: file, reason: "the tabular input has no fields") }
        var seen = Set<String>()
        for field in fields {
            guard seen.insert(field.name).inserted else {
                throw .schemaMismatch(file: file, reason: "field '\(field.name)' appears twice")
            }
            try checkRange(field.minimum, field.maximum, name: "field '\(field.name)'", file: file)
            if let categories = field.categories, Set(categories).count != categories.count {
                throw .schemaMismatch(file: file, reason: "field '\(field.name)' lists a category twice")
            }
        }
    }

    private static func checkRange(_ minimum: Double?, _ maximum: Double?, name: String, file: String)
        throws(BundleError)
    {
        if let minimum, let maximum, !(minimum <= maximum) {
            throw .schemaMismatch(file: file, reason: "\(name) has minimum \(minimum) above maximum \(maximum)")
        }
    }

    /// Refuses a NaN or infinite weight, naming the parameter and the element: a ReLU could hide it as a dead unit.
    static func checkFiniteWeights(of model: Sequential, file: String) throws(BundleError) {
        for named in model.namedParameters() {
            if let index = named.parameter.value.scalars.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteWeight(file: file, parameter: named.path, index: index)
            }
        }
    }
}
