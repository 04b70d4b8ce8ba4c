/// Settings of a ``DriftDetector``. The defaults are Evidently's documented defaults (docs.evidentlyai.com,
/// "Data drift algorithm"): for a reference of ≤ 1,000 rows, numeric columns (more than 5 distinct values) use the
/// two-sample Kolmogorov–Smirnov test and categorical columns (or numeric ones with ≤ 5 distinct values) the
/// chi-square test (Evidently tests each at p < 0.05; here see ``pValueThreshold``); for larger references, numeric columns
/// use the normed Wasserstein distance and categorical ones the Jensen–Shannon distance, both with threshold 0.1.
/// PSI (threshold 0.1, Evidently's `psi` default) is available through the overrides. Dataset drift is declared
/// when at least half of the columns drift (the documented example rule "at least 50% of all features drifted",
/// Evidently's default `drift_share` of 0.5).
///
/// Departures from Evidently, on purpose: the chi-square test here is the two-sample test of homogeneity (Evidently
/// runs a goodness-of-fit test of the current counts against reference proportions); binary categorical columns
/// use it too, which equals Evidently's pooled two-proportion z-test; PSI and numeric Jensen–Shannon use the
/// reference's quantile bins (Evidently uses Sturges bins over both samples). The Jensen–Shannon distance uses the
/// natural logarithm, as Evidently does.
///
/// False alarms are controlled on top of Evidently's per-column rules:
/// - **Minimum windows.** A column is judged only when the current window has at least ``minimumTestWindow``
///   usable values for a test (Kolmogorov–Smirnov, chi-square) or ``minimumDistanceWindow`` for a distance
///   (Wasserstein, Jensen–Shannon, PSI; an automatically chosen distance falls back to the test below that);
///   smaller or empty columns are listed in ``DriftReport/skippedColumns``, never counted as drift, and never
///   discard the other columns. (On 100-row windows PSI ≥ 0.1 fires about half
///   the time without any drift: the sampling noise of a 10-bin PSI is about 9/n.)
/// - **Multiple testing.** The p-value tests of one report are corrected together, by default with Bonferroni
///   (``MultipleTestingCorrection/bonferroni``: each test at `pValueThreshold / k` for k judged tests), which
///   keeps the chance that an undrifted window raises any column alarm at or below `pValueThreshold`; without
///   correction 20 columns at 0.05 alarm on about 64% of undrifted windows. Benjamini–Hochberg (controls the
///   false discovery rate; more power when several columns drift) and no correction are options.
/// - **Dataset drift.** ``DriftReport/datasetDrift`` is Evidently's rule: the share of drifted columns among the
///   judged ones is at least ``datasetDriftShare``.
public struct DriftDetectorConfiguration: Codable, Sendable, Equatable {
    /// References with at most this many rows use statistical tests; larger ones use distances.
    public var smallReferenceLimit: Int = 1000
    /// Numeric columns whose reference has at most this many distinct values are treated as categorical.
    public var categoricalDistinctLimit: Int = 5
    /// The false-alarm level of one report's tests: with the default Bonferroni correction, the chance that an
    /// undrifted window raises any test alarm is at most this. The default, 0.01, is stricter than Evidently's
    /// per-column 0.05 on purpose: a monitor checks window after window, and 0.05 per window is a false alarm
    /// every 20 windows.
    public var pValueThreshold: Double = 0.01
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
    /// How the p-values of one report are corrected for testing many columns at once.
    public var multipleTesting: MultipleTestingCorrection = .bonferroni
    /// The fewest usable current values a test (Kolmogorov–Smirnov, chi-square) needs to judge a column.
    public var minimumTestWindow: Int = 50
    /// The fewest usable current values a distance (Wasserstein, Jensen–Shannon, PSI) needs to judge a column.
    /// A distance chosen automatically (large reference) falls back to its test (Kolmogorov–Smirnov or chi-square)
    /// on a smaller window; a distance chosen explicitly skips the column. (At 1,000 rows the normed Wasserstein
    /// distance of an undrifted column exceeds 0.1 in about 0.7% of windows — 11% of 20-column reports.)
    public var minimumDistanceWindow: Int = 2000

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
        /// Whether the method was chosen automatically (a distance chosen so may fall back to its test).
        let automatic: Bool

        /// The test that replaces an automatically chosen distance on a window too small for it.
        func fallback(_ configuration: DriftDetectorConfiguration) -> Plan? {
            guard automatic, !method.yieldsPValue else { return nil }
            let test: DriftMethod
            switch reference {
            case .numeric: test = .kolmogorovSmirnov
            case .categorical: test = .chiSquare
            }
            return Plan(
                kind: kind, treatedAs: treatedAs, method: test, threshold: configuration.pValueThreshold,
                reference: reference, automatic: true)
        }
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
        guard configuration.minimumTestWindow >= 1, configuration.minimumDistanceWindow >= 1 else {
            throw .invalidConfiguration(
                setting: "minimumTestWindow/minimumDistanceWindow",
                reason:
                    "must be at least 1, got \(configuration.minimumTestWindow) and \(configuration.minimumDistanceWindow)"
            )
        }
        guard configuration.pValueThreshold > 0, configuration.pValueThreshold < 1 else {
            throw .invalidConfiguration(
                setting: "pValueThreshold", reason: "must be in (0, 1), got \(configuration.pValueThreshold)")
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
    /// - Returns: one verdict per judged reference column (p-values corrected for multiple testing), the columns
    ///   skipped for too few usable values, and the dataset-level verdict over the judged columns.
    /// - Throws: ``DriftError/missingColumn(_:)`` or ``DriftError/columnKindMismatch(column:reference:current:)``.
    public func detect(current: [String: DriftColumn]) throws(DriftError) -> DriftReport {
        var results: [ColumnDriftResult] = []
        var skipped: [SkippedDriftColumn] = []
        for name in plans.keys.sorted() {
            guard let column = current[name] else { throw .missingColumn(name) }
            var plan = plans[name]!
            guard column.kind == plan.kind else {
                throw .columnKindMismatch(column: name, reference: plan.kind, current: column.kind)
            }
            let usable = Self.usableCount(column, treatedAs: plan.treatedAs)
            if usable < configuration.minimumDistanceWindow, let test = plan.fallback(configuration) { plan = test }
            let required =
                plan.method.yieldsPValue ? configuration.minimumTestWindow : configuration.minimumDistanceWindow
            guard usable >= required else {
                skipped.append(
                    SkippedDriftColumn(column: name, method: plan.method, usableCount: usable, requiredCount: required))
                continue
            }
            results.append(try check(name, plan, column))
        }
        configuration.multipleTesting.apply(to: &results, level: configuration.pValueThreshold)
        let drifted = results.filter(\.drifted).count
        let share = results.isEmpty ? 0 : Double(drifted) / Double(results.count)
        return DriftReport(
            columns: results, driftedColumnCount: drifted, driftShare: share,
            datasetDrift: !results.isEmpty && share >= configuration.datasetDriftShare, skippedColumns: skipped)
    }

    /// The values a column contributes: finite numbers, non-empty categories (an empty string is a missing value,
    /// not a category).
    private static func usableCount(_ column: DriftColumn, treatedAs: ColumnKind) -> Int {
        switch column {
        case .numeric(let values): return values.lazy.filter(\.isFinite).count
        case .categorical(let values): return values.lazy.filter { !$0.isEmpty }.count
        }
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
            let present = values.filter { !$0.isEmpty }
            guard !present.isEmpty else { throw .emptySample(sample: "reference", column: name) }
            prepared = .categorical(Binning.counts(present), count: present.count)
        case (.categorical, .numeric):
            let labels = numericReference!.sorted.map(categoryLabel)
            prepared = .categorical(Binning.counts(labels), count: labels.count)
        }
        return Plan(
            kind: column.kind, treatedAs: treatedAs, method: method, threshold: threshold(of: method, configuration),
            reference: prepared,
            automatic: configuration.methodOverrides[name] == nil && configuration.methodForAllColumns == nil)
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
        case .categorical(let strings): values = strings.filter { !$0.isEmpty }
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
