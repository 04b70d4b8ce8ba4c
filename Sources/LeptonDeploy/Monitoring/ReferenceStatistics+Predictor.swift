import LeptonData
import LeptonTensor

extension ReferenceStatistics {
    /// Statistics of a tabular model's training data and of its predictions on it.
    /// - Parameters:
    ///   - table: the training data (raw fields, as the schema lists them).
    ///   - predictor: the model, to predict the training rows.
    ///   - sampleLimit: the largest numeric sample kept (raw samples only).
    ///   - rawSamples: whether to store raw numeric training values (default: sketches and counts only).
    /// - Throws: ``PredictionError`` when a training row does not pass the schema, `TableError` when a field is absent.
    public init(
        training table: Table, predictor: Predictor, sampleLimit: Int = defaultSampleLimit, rawSamples: Bool = false
    ) throws {
        let features = try Self.featureColumns(of: table, fields: predictor.schema.input.fields)
        let requests = (0..<table.rowCount).map { PredictionRequest.table(table.rows([$0])) }
        let predictions = try predictor.predict(batch: requests).map { try $0.get() }
        self.init(
            features: features, predictions: Self.predictionColumns(of: predictions, schema: predictor.schema.output),
            sampleLimit: sampleLimit, rawSamples: rawSamples)
    }

    /// Statistics of a tensor model's training inputs (per-sample mean and standard deviation) and of its
    /// predictions on them.
    /// - Parameters:
    ///   - inputs: `[count] + inputShape`.
    ///   - predictor: the model.
    ///   - sampleLimit: the largest numeric sample kept (raw samples only).
    ///   - rawSamples: whether to store raw numeric training values (default: sketches and counts only).
    /// - Throws: ``PredictionError`` when the model's outputs are not finite.
    public init(
        trainingInputs inputs: Tensor, predictor: Predictor, sampleLimit: Int = defaultSampleLimit,
        rawSamples: Bool = false
    ) throws {
        let outputs = predictor.outputs(for: inputs)
        let width = outputs.elementCount / max(inputs.shape[0], 1)
        let scalars = outputs.scalars
        let predictions = try (0..<inputs.shape[0]).map { row in
            try predictor.interpreter.prediction(
                Array(scalars[(row * width)..<((row + 1) * width)]), version: predictor.version)
        }
        self.init(
            features: Self.tensorSummaryColumns(of: inputs),
            predictions: Self.predictionColumns(of: predictions, schema: predictor.schema.output),
            sampleLimit: sampleLimit, rawSamples: rawSamples)
    }

    /// Drift columns of raw fields in a table: numeric fields as numbers (missing as NaN), categorical and boolean
    /// fields as categories (missing as empty strings); text fields are left out.
    /// - Parameters:
    ///   - table: the data.
    ///   - fields: the schema's fields.
    /// - Returns: the columns by field name.
    /// - Throws: `TableError` when a field is absent from the table.
    public static func featureColumns(of table: Table, fields: [FieldSchema]) throws -> [String: DriftColumn] {
        var columns: [String: DriftColumn] = [:]
        for field in fields where field.type != .text {
            let column = try table.column(field.name)
            let cells = (0..<column.count).map { column[$0] }
            columns[field.name] = driftColumn(cells, type: field.type)
        }
        return columns
    }

    /// Drift columns of live records, as ``featureColumns(of:fields:)`` reads a table.
    /// - Parameters:
    ///   - records: the requests' fields.
    ///   - fields: the schema's fields.
    /// - Returns: the columns by field name.
    public static func featureColumns(of records: [[String: FeatureValue]], fields: [FieldSchema]) -> [String:
        DriftColumn]
    {
        var columns: [String: DriftColumn] = [:]
        for field in fields where field.type != .text {
            columns[field.name] = driftColumn(records.map { $0[field.name] ?? .missing }, type: field.type)
        }
        return columns
    }

    /// The per-sample summaries of tensor inputs (``tensorSummaryColumns``): each sample's mean and population
    /// standard deviation.
    /// - Parameter inputs: `[count] + sampleShape`.
    /// - Returns: the columns.
    public static func tensorSummaryColumns(of inputs: Tensor) -> [String: DriftColumn] {
        let count = inputs.shape[0]
        let size = count == 0 ? 0 : inputs.elementCount / count
        var means: [Double] = []
        var deviations: [Double] = []
        inputs.withUnsafeBufferPointer { values in
            for sample in 0..<count {
                let slice = values[(sample * size)..<((sample + 1) * size)]
                let mean = slice.reduce(0.0) { $0 + Double($1) } / Double(max(size, 1))
                let squares = slice.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
                means.append(mean)
                deviations.append((squares / Double(max(size, 1))).squareRoot())
            }
        }
        return [tensorSummaryColumns[0]: .numeric(means), tensorSummaryColumns[1]: .numeric(deviations)]
    }

    /// Drift columns of predictions: a classifier's predicted label (categorical) and top probability (numeric, column
    /// ``confidenceColumn``); a regression's outputs by name.
    /// - Parameters:
    ///   - predictions: the predictions.
    ///   - schema: the output schema.
    /// - Returns: the columns.
    public static func predictionColumns(of predictions: [Prediction], schema: OutputSchema) -> [String: DriftColumn] {
        switch schema.task {
        case .classification:
            return [
                predictedLabelColumn: .categorical(predictions.map { $0.label ?? "" }),
                confidenceColumn: .numeric(predictions.map { $0.probability.map(Double.init) ?? .nan }),
            ]
        case .regression:
            var columns: [String: DriftColumn] = [:]
            for (index, name) in schema.names.enumerated() {
                columns[name] = .numeric(
                    predictions.map { $0.outputs.indices.contains(index) ? Double($0.outputs[index]) : .nan })
            }
            return columns
        }
    }

    private static func driftColumn(_ values: [FeatureValue], type: ColumnType) -> DriftColumn {
        switch type {
        case .numeric:
            return .numeric(values.map { if case .number(let number) = $0 { number } else { .nan } })
        case .boolean:
            return .categorical(
                values.map { value in
                    switch value {
                    case .bool(let bool): return bool ? "true" : "false"
                    case .number(let number): return number != 0 ? "true" : "false"
                    case .string(let string):
                        let lowered = string.lowercased()
                        return lowered == "1" ? "true" : lowered == "0" ? "false" : lowered
                    case .missing: return ""
                    }
                })
        default:
            // Numbers as the pipeline's encoders key them (integral without `.0`), missing as the empty string.
            return .categorical(values.map(\.description))
        }
    }
}
