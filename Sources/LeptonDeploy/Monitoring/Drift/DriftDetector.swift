/// Settings of a ``DriftDetector``. The defaults are Evidently's documented defaults (docs.evidentlyai.com,
/// "Data drift algorithm"): for a reference of ≤ 1,000 rows, numeric columns (more than 5 distinct values) use the
/// two-sample Kolmogorov–Smirnov test and categorical columns (or numeric ones with ≤ 5 distinct values) the
/// chi-square test, both at a 0.95 confidence level (drift when p < 0.05); for larger references, numeric columns
/// use the normed Wasserstein distance and categorical ones the Jensen–Shannon distance, both with threshold 0.1.
/// PSI (threshold 0.1, Evidently's `psi` default) is available through the overrides. Dataset drift is declared
/// when at least half of the columns drift (the documented example rule "at least 50% of all features drifted",
/// Evidently's default `drift_share` of 0.5).
///
/// Departures from Evidently, on purpose: the chi-square test here is the two-sample test of homogeneity (Evidently
/// runs a goodness-of-fit test of the current counts against reference proportions); binary categorical columns
/// use it too, which equals Evidently's pooled two-proportion z-test; PSI and numeric Jensen–Shannon use the
/// reference's quantile bins (Evidently uses Sturges bins over both samples).
public struct DriftDetectorConfiguration: Codable, Sendable, Equatable {
    /// References with at most this many rows use statistical tests; larger ones use distances.
    public var smallReferenceLimit: Int = 1000
    /// Numeric columns whose reference has at most this many distinct values are treated as categorical.
    public var categoricalDistinctLimit: Int = 5
    /// Drift when a test's p-value is below this.
    public var pValueThreshold: Double = 0.05
    /// Drift when the normed Wasserstein distance is at least this.
    public var wassersteinThreshold: Double = 0.1
    /// Drift when the Jensen–Shannon distance is at least this.
    public var jensenShannonThreshold: Double = 0.1
    /// Drift when the PSI is at least this.
    public var psiThreshold: Double = 0.1
    /// The number of reference quantile bins for PSI and numeric Jensen–Shannon.
    public var binCount: Int = 10
    /// A method to use for every column instead of the automatic choice (for example PSI).
    public var methodForAllColumns: DriftMethod?
    /// Methods for particular columns, overriding everything else.
    public var methodOverrides: [String: DriftMethod] = [:]
    /// Dataset drift when the share of drifted columns is at least this.
    public var datasetDriftShare: Double = 0.5

    /// Creates the default configuration (Evidently's defaults).
    public init() {}
}

/// Compares current data with a reference, column by column, choosing the test per column type and reference
/// size (see ``DriftDetectorConfiguration``), and reports the share of drifted columns.
///
/// The reference is prepared once (sorted, binned, counted), so checking many windows is cheap.
public struct DriftDetector: Sendable {
    private enum PreparedColumn: Sendable {
        case numeric(NumericReference)
        case categorical([String: Int], count: Int)
    }

    private struct Plan: Sendable {
        let kind: ColumnKind
        let treatedAs: ColumnKind
        let method: DriftMethod
        let threshold: Double
        let reference: PreparedColumn
    }

    /// The settings in force.
    public let configuration: DriftDetectorConfiguration
    private let plans: [String: Plan]

    /// Prepares a detector for a reference data set.
    /// - Parameters:
    ///   - reference: the reference columns by name (for example the training features).
    ///   - configuration: thresholds, method choice and overrides.
    /// - Throws: ``DriftError/emptySample(sample:column:)`` for a column without usable values,
    ///   ``DriftError/methodNotApplicable(column:method:kind:)`` for an override that cannot handle its column, or
    ///   ``DriftError/invalidConfiguration(setting:reason:)``.
    public init(reference: [String: DriftColumn], configuration: DriftDetectorConfiguration = .init())
        throws(DriftError)
    {
        guard configuration.binCount >= 1 else {
            throw .invalidConfiguration(
                setting: "binCount", reason: "must be at least 1, got \(configuration.binCount)")
        }
        self.configuration = configuration
        var plans: [String: Plan] = [:]
        for (name, column) in reference {
            plans[name] = try Self.plan(name, column, configuration)
        }
        self.plans = plans
    }

    /// Checks current data against the reference.
    /// - Parameter current: the current columns by name; columns absent from the reference are ignored.
    /// - Returns: one verdict per reference column and the dataset-level verdict.
    /// - Throws: ``DriftError/missingColumn(_:)``, ``DriftError/columnKindMismatch(column:reference:current:)`` or
    ///   ``DriftError/emptySample(sample:column:)``.
    public func detect(current: [String: DriftColumn]) throws(DriftError) -> DriftReport {
        var results: [ColumnDriftResult] = []
        for name in plans.keys.sorted() {
            guard let column = current[name] else { throw .missingColumn(name) }
            results.append(try check(name, plans[name]!, column))
        }
        let drifted = results.filter(\.drifted).count
        let share = results.isEmpty ? 0 : Double(drifted) / Double(results.count)
        return DriftReport(
            columns: results, driftedColumnCount: drifted, driftShare: share,
            datasetDrift: !results.isEmpty && share >= configuration.datasetDriftShare)
    }

    private static func plan(_ name: String, _ column: DriftColumn, _ configuration: DriftDetectorConfiguration)
        throws(DriftError) -> Plan
    {
        // The automatic choice: by kind (few distinct numbers count as categories), then by reference size.
        var numericReference: NumericReference?
        var looksCategorical = column.kind == .categorical
        if case .numeric(let values) = column {
            let reference = try NumericReference(values, column: name, binCount: configuration.binCount)
            numericReference = reference
            looksCategorical = distinctCount(reference.sorted) <= configuration.categoricalDistinctLimit
        }
        let small = column.count <= configuration.smallReferenceLimit
        let automatic: DriftMethod =
            looksCategorical
            ? (small ? .chiSquare : .jensenShannon) : (small ? .kolmogorovSmirnov : .normalizedWasserstein)
        let method = configuration.methodOverrides[name] ?? configuration.methodForAllColumns ?? automatic

        let treatedAs: ColumnKind
        switch method {
        case .kolmogorovSmirnov, .normalizedWasserstein:
            guard column.kind == .numeric else {
                throw .methodNotApplicable(column: name, method: method, kind: column.kind)
            }
            treatedAs = .numeric
        case .chiSquare: treatedAs = .categorical
        case .jensenShannon, .populationStabilityIndex: treatedAs = looksCategorical ? .categorical : .numeric
        }
        let prepared: PreparedColumn
        switch (treatedAs, column) {
        case (.numeric, _): prepared = .numeric(numericReference!)
        case (.categorical, .categorical(let values)):
            guard !values.isEmpty else { throw .emptySample(sample: "reference", column: name) }
            prepared = .categorical(Binning.counts(values), count: values.count)
        case (.categorical, .numeric):
            let labels = numericReference!.sorted.map(categoryLabel)
            prepared = .categorical(Binning.counts(labels), count: labels.count)
        }
        return Plan(
            kind: column.kind, treatedAs: treatedAs, method: method, threshold: threshold(of: method, configuration),
            reference: prepared)
    }

    private static func threshold(of method: DriftMethod, _ configuration: DriftDetectorConfiguration) -> Double {
        switch method {
        case .kolmogorovSmirnov, .chiSquare: return configuration.pValueThreshold
        case .normalizedWasserstein: return configuration.wassersteinThreshold
        case .jensenShannon: return configuration.jensenShannonThreshold
        case .populationStabilityIndex: return configuration.psiThreshold
        }
    }

    private func check(_ name: String, _ plan: Plan, _ column: DriftColumn) throws(DriftError) -> ColumnDriftResult {
        guard column.kind == plan.kind else {
            throw .columnKindMismatch(column: name, reference: plan.kind, current: column.kind)
        }
        var testStatistic: Double?
        let statistic: Double
        let currentCount: Int
        let referenceCount: Int
        switch (plan.reference, column) {
        case (.numeric(let reference), .numeric(let values)):
            let usable = try DriftStatistics.usableValues(values, sample: "current", column: name)
            currentCount = usable.count
            referenceCount = reference.sorted.count
            switch plan.method {
            case .kolmogorovSmirnov:
                let result = reference.kolmogorovSmirnov(RadixSort.sorted(usable))
                (statistic, testStatistic) = (result.pValue, result.statistic)
            case .normalizedWasserstein: statistic = reference.normalizedWassersteinDistance(RadixSort.sorted(usable))
            case .jensenShannon: statistic = reference.jensenShannonDistance(usable)
            case .populationStabilityIndex: statistic = reference.populationStabilityIndex(usable)
            case .chiSquare: preconditionFailure("DriftDetector: chi-square planned on a numeric reference")
            }
        case (.categorical(let referenceCounts, let count), _):
            let values = try Self.categories(of: column, name)
            let currentCounts = Binning.counts(values)
            currentCount = values.count
            referenceCount = count
            switch plan.method {
            case .chiSquare:
                let result = DriftStatistics.chiSquareHomogeneity(
                    referenceCounts: referenceCounts, currentCounts: currentCounts)
                (statistic, testStatistic) = (result.pValue, result.statistic)
            case .jensenShannon:
                let (p, q) = Binning.sharedCategoryProportions(reference: referenceCounts, current: currentCounts)
                statistic = DriftStatistics.jensenShannonDistance(p, q)
            case .populationStabilityIndex:
                let (p, q) = Binning.sharedCategoryProportions(reference: referenceCounts, current: currentCounts)
                statistic = DriftStatistics.populationStabilityIndex(referenceProportions: p, currentProportions: q)
            case .kolmogorovSmirnov, .normalizedWasserstein:
                preconditionFailure("DriftDetector: \(plan.method) planned on a categorical reference")
            }
        case (.numeric, .categorical):
            throw .columnKindMismatch(column: name, reference: plan.kind, current: column.kind)
        }
        let drifted = plan.method.yieldsPValue ? statistic < plan.threshold : statistic >= plan.threshold
        return ColumnDriftResult(
            column: name, treatedAs: plan.treatedAs, method: plan.method, statistic: statistic,
            testStatistic: testStatistic, threshold: plan.threshold, drifted: drifted, referenceCount: referenceCount,
            currentCount: currentCount)
    }

    private static func categories(of column: DriftColumn, _ name: String) throws(DriftError) -> [String] {
        let values: [String]
        switch column {
        case .categorical(let strings): values = strings
        case .numeric(let numbers): values = numbers.filter(\.isFinite).map(categoryLabel)
        }
        guard !values.isEmpty else { throw .emptySample(sample: "current", column: name) }
        return values
    }

    private static func distinctCount(_ sorted: [Double]) -> Int {
        zip(sorted, sorted.dropFirst()).reduce(sorted.isEmpty ? 0 : 1) { $0 + ($1.0 == $1.1 ? 0 : 1) }
    }

    /// The category a number stands for when a numeric column is treated as categorical.
    private static func categoryLabel(_ value: Double) -> String { "\(value)" }
}
