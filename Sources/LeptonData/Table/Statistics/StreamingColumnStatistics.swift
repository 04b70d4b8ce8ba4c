/// The one-pass statistics of one CSV column, for ``StreamingDescriber``.
///
/// Until the column's type is known (at the end of the file) it is tracked as a number column (while every
/// value parses), a boolean column (while every value is `true`/`false`) and a string column at once.
struct StreamingColumnStatistics {
    /// What a field did not parse as, when the column is declared numeric or boolean.
    enum Rejection {
        case notANumber
        case notABoolean
    }

    let name: String
    let declaredType: ColumnType?
    private(set) var rows = 0
    /// Missing fields (plus NaN values, which count as missing for numeric columns).
    private var missing = 0
    private var nanCount = 0
    private var nonMissing = 0
    private var allNumeric: Bool
    private var allStrictBoolean: Bool
    private var moments = RunningMoments()
    private var quantiles: QuantileSketch
    private var numberDistinct: DistinctCounter
    private var trueCount = 0
    private var falseCount = 0
    private var stringDistinct: DistinctCounter
    private var frequencies: FrequencyCounter
    /// Whether the string statistics (distinct strings, top values) are skipped while every value is a number:
    /// they are only reported for text and categorical columns, and most columns that start numeric stay so.
    private let defersStrings: Bool
    /// Fields whose string statistics were skipped.
    private var skippedStrings = 0

    /// - Parameter defersStrings: skip the string statistics while the column is numeric; if it turns out not
    ///   to be, ``needsStringPass`` says the string statistics lack the skipped fields.
    init(name: String, declaredType: ColumnType?, limits: StreamingDescriber.Limits, defersStrings: Bool = false) {
        self.name = name
        self.declaredType = declaredType
        self.defersStrings = defersStrings
        allNumeric = declaredType == nil || declaredType == .numeric
        allStrictBoolean = declaredType == nil || declaredType == .boolean
        quantiles = QuantileSketch(exactLimit: limits.exactQuantileValues, levelCapacity: limits.sketchLevelCapacity)
        numberDistinct = DistinctCounter(exactLimit: limits.exactDistinctValues)
        stringDistinct = DistinctCounter(exactLimit: limits.exactDistinctValues)
        frequencies = FrequencyCounter(capacity: limits.trackedValues)
    }

    /// Adds one field; returns why it was rejected if it does not fit the declared type.
    mutating func add(
        _ field: UnsafeBufferPointer<UInt8>, missingTokens: MissingTokenMatcher,
        numbers: NumberReader = NumberReader(separator: nil)
    ) -> Rejection? {
        rows += 1
        if missingTokens.matches(field) {
            missing += 1
            return nil
        }
        nonMissing += 1
        if allNumeric {
            if let value = numbers.number(field) {
                if value.isNaN {
                    nanCount += 1
                } else {
                    moments.add(value)
                    quantiles.add(value)
                    numberDistinct.add(StableHash.number(value))
                }
            } else {
                if declaredType == .numeric { return .notANumber }
                allNumeric = false
                quantiles = QuantileSketch(exactLimit: 0, levelCapacity: 2)
                numberDistinct = DistinctCounter(exactLimit: 0)
            }
        }
        if allStrictBoolean {
            if let value = FieldParsing.boolean(field, lenient: declaredType == .boolean) {
                if value { trueCount += 1 } else { falseCount += 1 }
            } else {
                if declaredType == .boolean { return .notABoolean }
                allStrictBoolean = false
            }
        }
        if declaredType != .numeric && declaredType != .boolean {
            if defersStrings && allNumeric {
                skippedStrings += 1
                return nil
            }
            let hash = StableHash.bytes(field)
            stringDistinct.add(hash)
            frequencies.add(hash: hash) { String(decoding: field, as: UTF8.self) }
        }
        return nil
    }

    /// Prepares the statistics of one piece of the file for ``merge(_:)`` (see
    /// `QuantileSketch.prepareForMerge()`); called on the thread that gathered them.
    mutating func prepareForMerge() {
        if allNumeric { quantiles.prepareForMerge() }
    }

    /// Adds the statistics of the rows `other` saw, which come after the rows this one saw (same column, same
    /// limits). Counts, minimum, maximum, distinct counts and (while within their limits) quartiles and top
    /// values are the same as one pass over all rows; mean and standard deviation equal up to rounding; see
    /// the merges of the sketches for the rest.
    mutating func merge(_ other: StreamingColumnStatistics) {
        rows += other.rows
        missing += other.missing
        nanCount += other.nanCount
        nonMissing += other.nonMissing
        if allNumeric && other.allNumeric {
            moments.merge(other.moments)
            quantiles.merge(other.quantiles)
            numberDistinct.merge(other.numberDistinct)
        } else if allNumeric {
            allNumeric = false
            quantiles = QuantileSketch(exactLimit: 0, levelCapacity: 2)
            numberDistinct = DistinctCounter(exactLimit: 0)
        }
        allStrictBoolean = allStrictBoolean && other.allStrictBoolean
        trueCount += other.trueCount
        falseCount += other.falseCount
        skippedStrings += other.skippedStrings
        if declaredType != .numeric && declaredType != .boolean {
            stringDistinct.merge(other.stringDistinct)
            frequencies.merge(other.frequencies)
        }
    }

    /// Whether string statistics were skipped for some fields of a column that turned out to need them (text or
    /// categorical): the file must then be read again without skipping.
    var needsStringPass: Bool { skippedStrings > 0 && !allNumeric && !allStrictBoolean }

    /// The column's description, with the type decided as ``Table/init(csv:options:)`` decides it.
    func describe(options: CSVReadOptions) -> ColumnDescription {
        let type: ColumnType
        if let declaredType {
            type = declaredType
        } else if allNumeric {
            type = .numeric
        } else if allStrictBoolean {
            type = .boolean
        } else {
            type = options.stringColumnType(distinct: stringDistinct.count, nonMissing: nonMissing)
        }
        switch type {
        case .numeric:
            return ColumnDescription(
                name: name, type: .numeric, count: nonMissing - nanCount, missing: missing + nanCount,
                distinct: numberDistinct.count, distinctIsExact: numberDistinct.isExact, numbers: numericSummary(),
                topValues: [], topCountsMaxUndercount: 0)
        case .boolean:
            let counts = [ValueCount(value: "false", count: falseCount), ValueCount(value: "true", count: trueCount)]
            let present = counts.filter { $0.count > 0 }
            return ColumnDescription(
                name: name, type: .boolean, count: nonMissing, missing: missing, distinct: present.count,
                distinctIsExact: true, numbers: nil, topValues: Table.mostFrequent(present), topCountsMaxUndercount: 0)
        case .categorical, .text:
            return ColumnDescription(
                name: name, type: type, count: nonMissing, missing: missing, distinct: stringDistinct.count,
                distinctIsExact: stringDistinct.isExact, numbers: nil,
                topValues: frequencies.top(Table.describedTopValueCount),
                topCountsMaxUndercount: frequencies.maxUndercount)
        }
    }

    private func numericSummary() -> NumericSummary? {
        guard moments.count > 0, let quartiles = quantiles.quantiles([0.25, 0.5, 0.75]) else { return nil }
        return NumericSummary(
            mean: moments.mean, standardDeviation: moments.standardDeviation, minimum: moments.minimum,
            firstQuartile: quartiles[0], median: quartiles[1], thirdQuartile: quartiles[2], maximum: moments.maximum,
            quantileRankError: quantiles.rankErrorBound)
    }
}
