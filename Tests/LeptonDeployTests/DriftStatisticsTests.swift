import Foundation
import Testing

@testable import LeptonDeploy

/// Every drift statistic against SciPy/NumPy numbers from Resources/make_drift_expectations.py.
@Suite struct DriftStatisticsTests {
    struct KSCase: Decodable {
        let reference: [Double]
        let current: [Double]
        let statistic: Double
        let pvalue: Double
        let method: String
    }

    struct ChiCase: Decodable {
        let reference: [String]
        let current: [String]
        let statistic: Double
        let degreesOfFreedom: Int
        let pvalue: Double
    }

    struct NumericCase: Decodable {
        let reference: [Double]
        let current: [Double]
        let binCount: Int
        let psi: Double
        let jensenShannon: Double
        let wasserstein: Double
        let normalizedWasserstein: Double
    }

    struct CategoricalCase: Decodable {
        let reference: [String]
        let current: [String]
        let psi: Double
        let jensenShannon: Double
    }

    struct Point: Decodable {
        let a: Double?
        let x: Double?
        let lambda: Double?
        let value: Double
    }

    struct Expectations: Decodable {
        let kolmogorovSmirnov: [KSCase]
        let kolmogorovSurvival: [Point]
        let regularizedGammaQ: [Point]
        let logGamma: [Point]
        let chiSquare: [ChiCase]
        let numeric: [NumericCase]
        let categorical: [CategoricalCase]
    }

    static let expectations: Expectations = {
        let data = try! Data(contentsOf: resourceURL("drift_expectations.json"))
        return try! JSONDecoder().decode(Expectations.self, from: data)
    }()

    @Test func kolmogorovSmirnovMatchesSciPy() throws {
        for (index, expected) in Self.expectations.kolmogorovSmirnov.enumerated() {
            let result = try DriftStatistics.kolmogorovSmirnov(reference: expected.reference, current: expected.current)
            #expect(isClose(result.statistic, expected.statistic), "case \(index): D \(result.statistic)")
            #expect(result.method.rawValue == expected.method, "case \(index)")
            #expect(
                isClose(result.pValue, expected.pvalue, relative: 1e-8, absolute: 1e-12),
                "case \(index): p \(result.pValue) vs SciPy \(expected.pvalue)")
        }
    }

    @Test func kolmogorovSurvivalMatchesSciPy() {
        for point in Self.expectations.kolmogorovSurvival {
            let value = SpecialFunctions.kolmogorovSurvival(point.lambda!)
            #expect(isClose(value, point.value, relative: 1e-12, absolute: 1e-15), "λ = \(point.lambda!): \(value)")
        }
    }

    @Test func incompleteGammaAndLogGammaMatchSciPy() {
        for point in Self.expectations.regularizedGammaQ {
            let value = SpecialFunctions.regularizedGammaQ(point.a!, point.x!)
            #expect(
                isClose(value, point.value, relative: 1e-11, absolute: 1e-15), "Q(\(point.a!), \(point.x!)) = \(value)")
        }
        for point in Self.expectations.logGamma {
            let value = SpecialFunctions.logGamma(point.x!)
            #expect(isClose(value, point.value, relative: 1e-13, absolute: 1e-14), "lnΓ(\(point.x!)) = \(value)")
        }
    }

    @Test func chiSquareHomogeneityMatchesSciPy() throws {
        for (index, expected) in Self.expectations.chiSquare.enumerated() {
            let result = try DriftStatistics.chiSquareHomogeneity(
                reference: expected.reference, current: expected.current)
            #expect(isClose(result.statistic, expected.statistic), "case \(index)")
            #expect(result.degreesOfFreedom == expected.degreesOfFreedom, "case \(index)")
            #expect(isClose(result.pValue, expected.pvalue, relative: 1e-10, absolute: 1e-15), "case \(index)")
        }
    }

    @Test func numericPSIJensenShannonAndWassersteinMatchNumPyAndSciPy() throws {
        for (index, expected) in Self.expectations.numeric.enumerated() {
            let (reference, current) = (expected.reference, expected.current)
            let psi = try DriftStatistics.populationStabilityIndex(
                reference: reference, current: current, binCount: expected.binCount)
            let js = try DriftStatistics.jensenShannonDistance(
                reference: reference, current: current, binCount: expected.binCount)
            let wasserstein = try DriftStatistics.wassersteinDistance(reference: reference, current: current)
            let normed = try DriftStatistics.normalizedWassersteinDistance(reference: reference, current: current)
            #expect(isClose(psi, expected.psi), "case \(index): PSI \(psi) vs \(expected.psi)")
            #expect(isClose(js, expected.jensenShannon), "case \(index): JS \(js) vs \(expected.jensenShannon)")
            #expect(isClose(wasserstein, expected.wasserstein), "case \(index): W \(wasserstein)")
            #expect(isClose(normed, expected.normalizedWasserstein), "case \(index): normed W \(normed)")
        }
    }

    @Test func categoricalPSIAndJensenShannonMatchNumPyAndSciPy() throws {
        for (index, expected) in Self.expectations.categorical.enumerated() {
            let psi = try DriftStatistics.populationStabilityIndex(
                reference: expected.reference, current: expected.current)
            let js = try DriftStatistics.jensenShannonDistance(reference: expected.reference, current: expected.current)
            #expect(isClose(psi, expected.psi), "case \(index): PSI \(psi)")
            #expect(isClose(js, expected.jensenShannon), "case \(index): JS \(js)")
        }
    }

    @Test func identicalSamplesShowNoDriftAndDisjointOnesShowTheMaximum() throws {
        let sample = (0..<200).map { Double($0) * 0.37 }
        #expect(try DriftStatistics.populationStabilityIndex(reference: sample, current: sample) == 0)
        #expect(try DriftStatistics.kolmogorovSmirnov(reference: sample, current: sample).pValue == 1)
        #expect(try DriftStatistics.wassersteinDistance(reference: sample, current: sample) == 0)
        let js = try DriftStatistics.jensenShannonDistance(reference: ["a", "a", "b"], current: ["c", "d"])
        // Disjoint supports: JSD = ln 2 with the natural log (Evidently's convention), so the distance is √ln 2.
        #expect(isClose(js, Foundation.log(2.0).squareRoot()))
        let shifted = sample.map { $0 + 1000 }
        #expect(try DriftStatistics.kolmogorovSmirnov(reference: sample, current: shifted).statistic == 1)
        #expect(isClose(try DriftStatistics.wassersteinDistance(reference: sample, current: shifted), 1000))
    }

    @Test func missingValuesAreLeftOutAndEmptySamplesAreTypedErrors() throws {
        let withGaps = [1.0, .nan, 2.0, .infinity, 3.0]
        let clean = [1.0, 2.0, 3.0]
        #expect(
            try DriftStatistics.wassersteinDistance(reference: withGaps, current: [2.5])
                == DriftStatistics.wassersteinDistance(reference: clean, current: [2.5]))
        #expect(throws: DriftError.emptySample(sample: "current", column: nil)) {
            try DriftStatistics.kolmogorovSmirnov(reference: clean, current: [.nan])
        }
        #expect(throws: DriftError.emptySample(sample: "reference", column: nil)) {
            try DriftStatistics.chiSquareHomogeneity(reference: [], current: ["a"])
        }
    }

    @Test func exactAndAsymptoticKolmogorovSmirnovAgreeNearTheLimit() throws {
        var random = TestRandom(seed: 7)
        let reference = (0..<1000).map { _ in random.normal() }
        let current = (0..<1000).map { _ in random.normal(mean: 0.08) }
        let exact = try DriftStatistics.kolmogorovSmirnov(reference: reference, current: current)
        #expect(exact.method == .exact)
        let gap = KolmogorovSmirnov.largestScaledGap(reference.sorted(), current.sorted())
        let statistic = Double(gap) / 1e6
        let effective = (1000.0 * 1000 / 2000).squareRoot()
        let asymptotic = SpecialFunctions.kolmogorovSurvival((effective + 0.12 + 0.11 / effective) * statistic)
        #expect(abs(exact.pValue - asymptotic) < 0.01, "exact \(exact.pValue) vs asymptotic \(asymptotic)")
    }

    @Test func radixSortAgreesWithTheStandardSort() {
        var random = TestRandom(seed: 99)
        var values = (0..<5000).map { _ in random.normal(deviation: 1e3) }
        values += [0, -0.0, 0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1e308, -1e308]
        values += (0..<100).map { Double($0 % 7) }
        let sorted = RadixSort.sorted(values)
        #expect(
            sorted.map(\.bitPattern)
                == values.sorted { $0 < $1 || ($0 == $1 && $0.sign == .minus && $1.sign == .plus) }.map(\.bitPattern))
        #expect(RadixSort.sorted([3, 1, 2]) == [1, 2, 3])
    }
}
