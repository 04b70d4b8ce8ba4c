import Foundation
import LeptonData
import LeptonDeploy

/// Reads the inputs of `lepton predict`: CSV rows or a JSON array, one request per row or element. A row that cannot
/// even become a request (a JSON value of the wrong kind) gets its own problem; the others are validated later by the
/// predictor.
enum PredictionInputFile {
    /// A row that could not be turned into a request.
    struct Problem: Error {
        let message: String
    }

    /// Why the whole file could not be read.
    struct FileError: Error, CustomStringConvertible {
        let description: String
    }

    static func read(_ url: URL, schema: ModelSchema) throws -> [Result<PredictionRequest, Problem>] {
        switch url.pathExtension.lowercased() {
        case "csv", "tsv": return try readCSV(url, schema: schema, tabs: url.pathExtension.lowercased() == "tsv")
        case "json": return try readJSON(url, schema: schema)
        default:
            throw FileError(
                description: "\(url.path): unknown input type '.\(url.pathExtension)' (use .csv, .tsv or .json)")
        }
    }

    // MARK: CSV

    private static func readCSV(_ url: URL, schema: ModelSchema, tabs: Bool) throws -> [Result<
        PredictionRequest, Problem
    >] {
        var format = tabs ? CSVFormat.tsv : CSVFormat.csv
        switch schema.input {
        case .text:
            // One text per line, in a column named `text` when there is a header with one, else the first column.
            format.hasHeader = false
            var records = try CSVReader.read(contentsOf: url, format: format).records
            var column = 0
            if let first = records.first, let index = first.fields.firstIndex(of: "text") {
                column = index
                records.removeFirst()
            }
            return records.map { record in
                guard column < record.fields.count else {
                    return .failure(Problem(message: "the row has no column \(column + 1)"))
                }
                return .success(.text(record.fields[column]))
            }
        case .tabular(let fields):
            let (header, records) = try CSVReader.read(contentsOf: url, format: format)
            let columns = header ?? []
            return records.map { record in
                var values: [String: FeatureValue] = [:]
                for (index, name) in columns.enumerated() where index < record.fields.count {
                    let type = fields.first { $0.name == name }?.type ?? .text
                    values[name] = featureValue(record.fields[index], type: type)
                }
                return .success(.record(values))
            }
        case .tensor(let tensor):
            format.hasHeader = false
            var records = try CSVReader.read(contentsOf: url, format: format).records
            if let first = records.first, first.fields.contains(where: { parseNumber($0) == nil }) {
                records.removeFirst()  // a header row
            }
            return records.map { record in
                var values: [Float] = []
                for (index, field) in record.fields.enumerated() {
                    guard let number = parseNumber(field) else {
                        return .failure(Problem(message: "column \(index + 1): '\(field)' is not a number"))
                    }
                    values.append(Float(number))
                }
                let shape = values.count == tensor.shape.reduce(1, *) ? tensor.shape : [values.count]
                return .success(.values(values, shape: shape))
            }
        }
    }

    /// A CSV field as a feature value of the schema's type: numbers for numeric fields (text that is not a number
    /// is kept as a string so that the predictor reports the wrong type), strings otherwise; missing tokens are
    /// missing — except that a spelling of NaN (`NaN`, `nan`, `-nan`, …) in a numeric field stays a NaN number, so
    /// that the predictor answers "not finite" rather than "missing" for a value that was sent.
    private static func featureValue(_ field: String, type: ColumnType) -> FeatureValue {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        if type == .numeric, let number = parseNumber(trimmed), number.isNaN { return .number(number) }
        if CSVReadOptions.defaultMissingTokens.contains(trimmed) { return .missing }
        if type == .numeric, let number = parseNumber(trimmed) { return .number(number) }
        return .string(type == .text ? field : trimmed)
    }

    private static func parseNumber(_ text: String) -> Double? {
        Double(text.trimmingCharacters(in: .whitespaces))
    }

    // MARK: JSON

    private static func readJSON(_ url: URL, schema: ModelSchema) throws -> [Result<PredictionRequest, Problem>] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw FileError(description: "\(url.path): cannot read: \(error.localizedDescription)")
        }
        let root: JSONValue
        do {
            root = try JSONValue(parsing: data)
        } catch {
            throw FileError(
                description: "\(url.path): not valid JSON: \(DecodingErrorLocation.describe(error, root: "$").reason)")
        }
        guard case .array(let items) = root else {
            throw FileError(description: "\(url.path): expected a JSON array of inputs, found \(kind(of: root))")
        }
        return items.map { request(from: $0, schema: schema) }
    }

    private static func request(from item: JSONValue, schema: ModelSchema) -> Result<PredictionRequest, Problem> {
        switch item {
        case .string(let text) where schema.input.kindName == "text":
            return .success(.text(text))
        case .object(let object) where schema.input.kindName == "text":
            guard case .string(let text) = object["text"] else {
                return .failure(Problem(message: "a text model's input is a string or {\"text\": \"…\"}"))
            }
            return .success(.text(text))
        case .object(let object):
            if case .tensor = schema.input, let values = object["values"] {
                guard let flat = flatten(values)?.values else {
                    return .failure(Problem(message: "'values' must be an array of numbers"))
                }
                guard case .array(let dimensions) = object["shape"],
                    let shape = Optional(dimensions.compactMap(integer)), shape.count == dimensions.count
                else {
                    return .failure(Problem(message: "a {\"values\": …} input needs a \"shape\" array of integers"))
                }
                return .success(.values(flat, shape: shape))
            }
            var record: [String: FeatureValue] = [:]
            for (name, value) in object {
                guard let feature = featureValue(json: value) else {
                    return .failure(
                        Problem(
                            message: "field '\(name)' is \(kind(of: value)); expected a number, string, boolean or null"
                        ))
                }
                record[name] = feature
            }
            return .success(.record(record))
        case .array:
            guard let (values, shape) = flatten(item) else {
                return .failure(
                    Problem(message: "a tensor input must be a (nested) array of numbers with equal-length rows"))
            }
            if case .tensor(let tensor) = schema.input, shape.count == 1, values.count == tensor.shape.reduce(1, *) {
                return .success(.values(values, shape: tensor.shape))
            }
            return .success(.values(values, shape: shape))
        default:
            return .failure(
                Problem(
                    message: "an input must be an object (a record) or an array (a tensor), found \(kind(of: item))"))
        }
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let integer): return Double(integer)
        case .unsignedInteger(let integer): return Double(integer)
        case .number(let number): return number
        default: return nil
        }
    }

    private static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .integer(let integer): return Int(exactly: integer)
        default: return nil
        }
    }

    private static func featureValue(json value: JSONValue) -> FeatureValue? {
        switch value {
        case .null: return .missing
        case .string(let string): return .string(string)
        case .bool(let bool): return .string(bool ? "true" : "false")
        default: return number(value).map(FeatureValue.number)
        }
    }

    /// A nested array of numbers as row-major values and its shape; `nil` when ragged or not numeric.
    private static func flatten(_ value: JSONValue) -> (values: [Float], shape: [Int])? {
        if let number = number(value) { return ([Float(number)], []) }
        guard case .array(let array) = value else { return nil }
        var values: [Float] = []
        var innerShape: [Int]?
        for element in array {
            guard let (inner, shape) = flatten(element), innerShape == nil || innerShape == shape else { return nil }
            innerShape = shape
            values += inner
        }
        return (values, [array.count] + (innerShape ?? []))
    }

    private static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .unsignedInteger, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
