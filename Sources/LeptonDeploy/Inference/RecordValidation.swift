import LeptonData

/// Validates tabular records against a schema's fields.
struct RecordValidator: Sendable {
    let fields: [FieldSchema]
    /// Allowed categories per categorical field, for fast lookup.
    private let allowed: [Set<String>?]

    init(fields: [FieldSchema]) {
        self.fields = fields
        allowed = fields.map { $0.categories.map(Set.init) }
    }

    /// One validated value per field, in field order.
    ///
    /// The values are typed as their field says: `.number` (finite, in range) for a numeric field, `.string` (an
    /// allowed category) for a categorical or text field, `.bool` for a boolean field, `.missing` only for an
    /// optional field. `table(_:)` relies on this; the guarantee comes from this validator, not from the type (a
    /// separate validated-value enum with the same four cases guaranteed nothing more and was folded into
    /// `FeatureValue`).
    func validate(_ request: PredictionRequest) throws(PredictionError) -> [FeatureValue] {
        switch request {
        case .record(let record):
            return try validate { record[$0.name] ?? .missing }
        case .table(let table):
            guard table.rowCount == 1 else { throw .wrongRowCount(expected: 1, actual: table.rowCount) }
            return try validate { table[$0.name]?[0] ?? .missing }
        case .tensor, .values:
            throw .wrongRequestKind(expected: "a record of named fields", actual: "a tensor")
        case .text:
            throw .wrongRequestKind(expected: "a record of named fields", actual: "a text")
        }
    }

    private func validate(_ lookup: (FieldSchema) -> FeatureValue) throws(PredictionError) -> [FeatureValue] {
        var values: [FeatureValue] = []
        values.reserveCapacity(fields.count)
        for (index, field) in fields.enumerated() {
            values.append(try validate(lookup(field), field, allowed[index]))
        }
        return values
    }

    private func validate(_ raw: FeatureValue, _ field: FieldSchema, _ categories: Set<String>?)
        throws(PredictionError) -> FeatureValue
    {
        if case .missing = raw {
            if field.required { throw .missingField(field.name) }
            return .missing
        }
        switch field.type {
        case .numeric:
            guard case .number(let number) = raw else {
                throw .wrongType(field: field.name, expected: .numeric, actual: raw.summary)
            }
            guard number.isFinite else { throw .nonFinite(.field(field.name), value: number) }
            if let minimum = field.minimum, number < minimum {
                throw .outOfRange(.field(field.name), value: number, minimum: minimum, maximum: field.maximum)
            }
            if let maximum = field.maximum, number > maximum {
                throw .outOfRange(.field(field.name), value: number, minimum: field.minimum, maximum: maximum)
            }
            return .number(number)
        case .categorical:
            let key: String
            switch raw {
            case .string(let string): key = string
            case .number(let number):
                guard number.isFinite else { throw .nonFinite(.field(field.name), value: number) }
                key = raw.description
            case .bool(let bool): key = bool ? "true" : "false"
            case .missing: return .missing
            }
            if let categories, !categories.contains(key) {
                throw .unknownCategory(field: field.name, value: key, allowed: field.categories ?? [])
            }
            return .string(key)
        case .boolean:
            switch raw {
            case .bool(let bool): return .bool(bool)
            case .number(let number) where number == 0 || number == 1: return .bool(number == 1)
            case .string(let string):
                switch string.lowercased() {
                case "true", "1": return .bool(true)
                case "false", "0": return .bool(false)
                default: throw .wrongType(field: field.name, expected: .boolean, actual: raw.summary)
                }
            default: throw .wrongType(field: field.name, expected: .boolean, actual: raw.summary)
            }
        case .text:
            guard case .string(let string) = raw else {
                throw .wrongType(field: field.name, expected: .text, actual: raw.summary)
            }
            return .string(string)
        }
    }

    /// The validated rows as a table with one column per field, typed as the schema says.
    func table(_ rows: [[FeatureValue]]) throws -> Table {
        let columns = fields.enumerated().map { index, field -> Column in
            let values = rows.map { $0[index] }
            let data: LeptonData.ColumnData
            switch field.type {
            case .numeric: data = .numeric(values.map(\.number))
            case .boolean: data = .boolean(values.map(\.bool))
            case .categorical: data = .categorical(CategoricalValues(values: values.map(\.string)))
            case .text: data = .text(values.map(\.string))
            }
            return Column(name: field.name, data: data)
        }
        return try Table(columns: columns)
    }
}

extension FeatureValue {
    /// What came, for a `PredictionError.wrongType` message.
    fileprivate var summary: String {
        switch self {
        case .number(let number): return "the number \(number)"
        case .string(let string): return "the string \"\(string)\""
        case .bool(let bool): return "the boolean \(bool)"
        case .missing: return "nothing"
        }
    }
}
