import Foundation
import LeptonData
import LeptonDeploy

/// Turns Open Inference Protocol inputs into ``PredictionRequest``s (one per row) and predictions back into outputs,
/// checking names, shapes and datatypes on the way; every problem is a ``ServeError`` (400) naming the input.
public enum InferenceCodec {
    /// The name of the single input of a tensor model.
    public static let tensorInputName = "input"
    /// The name of the single input of a text model (BYTES, one string per row).
    public static let textInputName = "text"

    /// The element types of the protocol this server accepts.
    public static let numericDatatypes: Set<String> = [
        "FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64",
    ]

    /// The inputs a model takes, as model metadata lists them.
    /// - Parameter schema: the model's schema.
    /// - Returns: one entry per input (one per column for tabular models).
    public static func inputMetadata(for schema: ModelSchema) -> [TensorMetadata] {
        switch schema.input {
        case .tensor(let tensor):
            return [TensorMetadata(name: tensorInputName, datatype: "FP32", shape: [-1] + tensor.shape)]
        case .text:
            return [TensorMetadata(name: textInputName, datatype: "BYTES", shape: [-1])]
        case .tabular(let fields):
            return fields.map { field in
                let datatype: String
                switch field.type {
                case .numeric: datatype = "FP32"
                case .boolean: datatype = "BOOL"
                case .categorical, .text: datatype = "BYTES"
                }
                return TensorMetadata(name: field.name, datatype: datatype, shape: [-1])
            }
        }
    }

    /// The outputs a model can return, as model metadata lists them.
    /// - Parameter schema: the model's schema.
    /// - Returns: `output` always; `probabilities`, `label` and `class_index` for classifiers.
    public static func outputMetadata(for schema: ModelSchema) -> [TensorMetadata] {
        var outputs = [TensorMetadata(name: "output", datatype: "FP32", shape: [-1] + schema.output.shape)]
        if schema.output.task == .classification {
            outputs.append(
                TensorMetadata(name: "probabilities", datatype: "FP32", shape: [-1, max(schema.output.names.count, 2)]))
            outputs.append(TensorMetadata(name: "label", datatype: "BYTES", shape: [-1]))
            outputs.append(TensorMetadata(name: "class_index", datatype: "INT64", shape: [-1]))
        }
        return outputs
    }

    /// Splits a request into one prediction request per row.
    /// - Parameters:
    ///   - request: the decoded request.
    ///   - schema: the schema of the version that will answer.
    ///   - maxRows: the most rows one request may carry.
    /// - Returns: the rows, and for tabular models the raw features of each row (for the prediction log).
    /// - Throws: ``ServeError`` (400) naming the bad input.
    public static func rows(of request: InferRequest, schema: ModelSchema, maxRows: Int) throws(ServeError)
        -> [(request: PredictionRequest, features: [String: FeatureValue])]
    {
        guard !request.inputs.isEmpty else { throw .badRequest("the request has no inputs") }
        switch schema.input {
        case .tensor(let tensor): return try tensorRows(request.inputs, shape: tensor.shape, maxRows: maxRows)
        case .tabular(let fields): return try tabularRows(request.inputs, fields: fields, maxRows: maxRows)
        case .text: return try textRows(request.inputs, maxRows: maxRows)
        }
    }

    /// The strings of a text model's single BYTES input `text`, one request per row.
    private static func textRows(_ inputs: [InferInput], maxRows: Int)
        throws(ServeError) -> [(request: PredictionRequest, features: [String: FeatureValue])]
    {
        let rows = try tabularRows(inputs, fields: [.text(textInputName)], maxRows: maxRows)
        var result: [(request: PredictionRequest, features: [String: FeatureValue])] = []
        result.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            guard case .string(let text)? = row.features[textInputName] else {
                throw .badRequest("input '\(textInputName)' row \(index) is not a string")
            }
            result.append((PredictionRequest.text(text), row.features))
        }
        return result
    }

    private static func tensorRows(_ inputs: [InferInput], shape sampleShape: [Int], maxRows: Int)
        throws(ServeError) -> [(request: PredictionRequest, features: [String: FeatureValue])]
    {
        guard inputs.count == 1, let input = inputs.first else {
            throw .badRequest("this model takes exactly one input '\(tensorInputName)', got \(inputs.count)")
        }
        guard input.name == tensorInputName else {
            throw .badRequest("unknown input '\(input.name)'; this model takes one input named '\(tensorInputName)'")
        }
        guard numericDatatypes.contains(input.datatype) else {
            throw .badRequest(
                "input '\(input.name)' has datatype \(input.datatype); this model takes FP32 (or another numeric type)")
        }
        let rowCount: Int
        if input.shape == sampleShape {
            rowCount = 1
        } else if input.shape.count == sampleShape.count + 1, Array(input.shape.dropFirst()) == sampleShape {
            rowCount = input.shape[0]
        } else {
            throw .badRequest(
                "input '\(input.name)' has shape \(input.shape); this model takes [batch] + \(sampleShape)")
        }
        try checkRowCount(rowCount, maxRows: maxRows)
        let values = try numbers(of: input)
        let width = sampleShape.reduce(1, *)
        return (0..<rowCount).map { row in
            let slice = values[(row * width)..<((row + 1) * width)].map { Float($0) }
            return (PredictionRequest.values(slice, shape: sampleShape), [:])
        }
    }

    private static func tabularRows(_ inputs: [InferInput], fields: [FieldSchema], maxRows: Int)
        throws(ServeError) -> [(request: PredictionRequest, features: [String: FeatureValue])]
    {
        var byName: [String: FieldSchema] = [:]
        for field in fields { byName[field.name] = field }
        var rowCount: Int?
        var columns: [(name: String, values: [FeatureValue])] = []
        var seen = Set<String>()
        for input in inputs {
            guard let field = byName[input.name] else {
                let known = fields.map { "'\($0.name)'" }.joined(separator: ", ")
                throw .badRequest("unknown input '\(input.name)'; this model takes the columns \(known)")
            }
            guard seen.insert(input.name).inserted else { throw .badRequest("input '\(input.name)' is given twice") }
            guard input.shape.count == 1 || (input.shape.count == 2 && input.shape[1] == 1) else {
                throw .badRequest("input '\(input.name)' has shape \(input.shape); a column is [rows] or [rows, 1]")
            }
            let rows = input.shape[0]
            if let rowCount, rowCount != rows {
                throw .badRequest("input '\(input.name)' has \(rows) rows, but an earlier input has \(rowCount)")
            }
            rowCount = rows
            columns.append((input.name, try columnValues(of: input, field: field)))
        }
        let rows = rowCount ?? 0
        try checkRowCount(rows, maxRows: maxRows)
        return (0..<rows).map { row in
            var record: [String: FeatureValue] = [:]
            for column in columns { record[column.name] = column.values[row] }
            return (PredictionRequest.record(record), record)
        }
    }

    private static func checkRowCount(_ rows: Int, maxRows: Int) throws(ServeError) {
        guard rows >= 1 else { throw .badRequest("the batch axis is \(rows); send at least one row") }
        guard rows <= maxRows else {
            throw .badRequest("the request has \(rows) rows; at most \(maxRows) are allowed per request")
        }
    }

    /// The values of one tabular column as features, checked against the field's type.
    private static func columnValues(of input: InferInput, field: FieldSchema) throws(ServeError) -> [FeatureValue] {
        let leaves = try elements(of: input)
        switch field.type {
        case .numeric, .boolean:
            let acceptsBool = field.type == .boolean
            guard numericDatatypes.contains(input.datatype) || (acceptsBool && input.datatype == "BOOL") else {
                let wanted = acceptsBool ? "BOOL or a numeric type" : "a numeric type (FP32, FP64, INT…)"
                throw .badRequest("input '\(input.name)' has datatype \(input.datatype); column is \(wanted)")
            }
            var values: [FeatureValue] = []
            values.reserveCapacity(leaves.count)
            for (index, leaf) in leaves.enumerated() {
                switch leaf {
                case .null: values.append(.missing)
                case .bool(let flag): values.append(.number(flag ? 1 : 0))
                default: values.append(.number(try number(leaf, datatype: input.datatype, input: input.name, index)))
                }
            }
            return values
        case .categorical, .text:
            guard input.datatype == "BYTES" else {
                throw .badRequest("input '\(input.name)' has datatype \(input.datatype); a text column is BYTES")
            }
            return leaves.map { leaf in
                if case .string(let text) = leaf { return .string(text) }
                return .missing
            }
        }
    }

    /// The flat numbers of a numeric input, checked against its datatype.
    private static func numbers(of input: InferInput) throws(ServeError) -> [Double] {
        let leaves = try elements(of: input)
        var values: [Double] = []
        values.reserveCapacity(leaves.count)
        for (index, leaf) in leaves.enumerated() {
            values.append(try number(leaf, datatype: input.datatype, input: input.name, index))
        }
        return values
    }

    /// The flat elements of an input, their count checked against its shape and each checked against its datatype.
    static func elements(of input: InferInput) throws(ServeError) -> [JSONValue] {
        var expected = 1
        for dimension in input.shape {
            guard dimension >= 0 else {
                throw .badRequest("input '\(input.name)' has a negative dimension in shape \(input.shape)")
            }
            let (product, overflow) = expected.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= 1 << 28 else {
                throw .badRequest("input '\(input.name)' has shape \(input.shape), too many elements")
            }
            expected = product
        }
        let leaves = try flatten(input.data, name: input.name)
        guard leaves.count == expected else {
            throw .badRequest(
                "input '\(input.name)' has shape \(input.shape) (\(expected) elements) but \(leaves.count) data elements"
            )
        }
        for (index, leaf) in leaves.enumerated() {
            try check(leaf, datatype: input.datatype, input: input.name, index)
        }
        return leaves
    }

    /// Row-major leaves of flat or nested data, without recursion (deep nesting cannot exhaust the stack).
    static func flatten(_ data: JSONValue, name: String) throws(ServeError) -> [JSONValue] {
        guard case .array = data else { throw .badRequest("input '\(name)': data must be an array") }
        var leaves: [JSONValue] = []
        var stack: [(array: [JSONValue], next: Int)] = []
        if case .array(let top) = data { stack.append((top, 0)) }
        while let last = stack.indices.last {
            let position = stack[last].next
            guard position < stack[last].array.count else {
                stack.removeLast()
                continue
            }
            stack[last].next += 1
            let element = stack[last].array[position]
            if case .array(let nested) = element {
                guard stack.count < 32 else { throw .badRequest("input '\(name)': data is nested too deeply") }
                stack.append((nested, 0))
            } else if case .object = element {
                throw .badRequest("input '\(name)': data element \(leaves.count) is an object, not a value")
            } else {
                leaves.append(element)
            }
        }
        return leaves
    }

    private static func check(_ leaf: JSONValue, datatype: String, input: String, _ index: Int) throws(ServeError) {
        switch datatype {
        case "BOOL":
            guard case .bool = leaf else { throw mismatch(leaf, datatype, input, index) }
        case "BYTES":
            switch leaf {
            case .string, .null: break
            default: throw mismatch(leaf, datatype, input, index)
            }
        case _ where numericDatatypes.contains(datatype):
            if case .null = leaf { return }  // a missing value of a tabular column; tensors reject it below
            _ = try number(leaf, datatype: datatype, input: input, index)
        default:
            throw .badRequest("input '\(input)' has unknown datatype '\(datatype)'")
        }
    }

    /// One element as a number, checked to be representable in `datatype`.
    private static func number(_ leaf: JSONValue, datatype: String, input: String, _ index: Int) throws(ServeError)
        -> Double
    {
        let value: Double
        let isInteger: Bool
        switch leaf {
        case .integer(let integer):
            value = Double(integer)
            isInteger = true
        case .unsignedInteger(let integer):
            value = Double(integer)
            isInteger = true
        case .number(let number):
            value = number
            isInteger = number == number.rounded(.towardZero)
        default: throw mismatch(leaf, datatype, input, index)
        }
        let range: ClosedRange<Double>?
        switch datatype {
        case "INT8": range = -128...127
        case "INT16": range = -32768...32767
        case "INT32": range = -2_147_483_648...2_147_483_647
        case "INT64": range = -9.223_372_036_854_775_808e18...9.223_372_036_854_775_807e18
        case "UINT8": range = 0...255
        case "UINT16": range = 0...65535
        case "UINT32": range = 0...4_294_967_295
        case "UINT64": range = 0...1.844_674_407_370_955_161_5e19
        case "FP16": range = -65504...65504
        case "FP32": range = -Double(Float.greatestFiniteMagnitude)...Double(Float.greatestFiniteMagnitude)
        default: range = nil
        }
        if datatype.hasPrefix("INT") || datatype.hasPrefix("UINT"), !isInteger {
            throw .badRequest("input '\(input)' element \(index) is \(value), not an integer as \(datatype) needs")
        }
        if let range, !range.contains(value) {
            throw .badRequest("input '\(input)' element \(index) is \(value), outside the range of \(datatype)")
        }
        return value
    }

    private static func mismatch(_ leaf: JSONValue, _ datatype: String, _ input: String, _ index: Int) -> ServeError {
        let kind: String
        switch leaf {
        case .null: kind = "null"
        case .bool: kind = "a boolean"
        case .string: kind = "a string"
        case .integer, .unsignedInteger, .number: kind = "a number"
        case .array: kind = "an array"
        case .object: kind = "an object"
        }
        return .badRequest("input '\(input)' element \(index) is \(kind), which is not a \(datatype) value")
    }

    /// The names of the outputs a model can return.
    /// - Parameter schema: the model's schema.
    /// - Returns: the output names.
    public static func outputNames(for schema: ModelSchema) -> [String] {
        outputMetadata(for: schema).map(\.name)
    }

    /// Builds the requested outputs from one prediction per row.
    /// - Parameters:
    ///   - predictions: the predictions, in row order.
    ///   - schema: the model's schema.
    ///   - requested: the names asked for (all when `nil`); validate them first with ``checkRequestedOutputs(_:schema:)``.
    /// - Returns: the outputs.
    public static func outputs(_ predictions: [Prediction], schema: ModelSchema, requested: [String]?)
        -> [InferOutput]
    {
        let rows = predictions.count
        var result: [InferOutput] = []
        for name in requested ?? outputNames(for: schema) {
            switch name {
            case "output":
                let width = predictions.first?.outputs.count ?? 0
                let shape = width == schema.output.elementCount ? [rows] + schema.output.shape : [rows, width]
                result.append(
                    InferOutput(
                        name: name, shape: shape, datatype: "FP32", data: predictions.flatMap { $0.outputs.map(json) }))
            case "probabilities":
                let width = predictions.first?.probabilities?.count ?? 0
                result.append(
                    InferOutput(
                        name: name, shape: [rows, width], datatype: "FP32",
                        data: predictions.flatMap { ($0.probabilities ?? []).map(json) }))
            case "label":
                result.append(
                    InferOutput(
                        name: name, shape: [rows], datatype: "BYTES",
                        data: predictions.map { .string($0.label ?? "") }))
            case "class_index":
                result.append(
                    InferOutput(
                        name: name, shape: [rows], datatype: "INT64",
                        data: predictions.map { .integer(Int64($0.classIndex ?? -1)) }))
            default: break
            }
        }
        return result
    }

    /// Checks that every requested output exists.
    /// - Parameters:
    ///   - requested: the requested outputs.
    ///   - schema: the model's schema.
    /// - Returns: their names, or `nil` for all.
    /// - Throws: ``ServeError`` (400) naming an unknown output.
    public static func checkRequestedOutputs(_ requested: [RequestedOutput]?, schema: ModelSchema) throws(ServeError)
        -> [String]?
    {
        guard let requested, !requested.isEmpty else { return nil }
        let known = outputNames(for: schema)
        for output in requested where !known.contains(output.name) {
            throw .badRequest(
                "unknown output '\(output.name)'; this model has \(known.map { "'\($0)'" }.joined(separator: ", "))")
        }
        return requested.map(\.name)
    }

    /// A float as a JSON number in its shortest decimal form.
    static func json(_ value: Float) -> JSONValue {
        .number(Double(value.description) ?? Double(value))
    }
}
