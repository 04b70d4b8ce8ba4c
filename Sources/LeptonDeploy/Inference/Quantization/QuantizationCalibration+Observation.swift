import LeptonLayers
import LeptonTensor
import Synchronization

extension QuantizationCalibration {
    /// Calibrates by running the float model on `batches` and observing the input of every step that int8
    /// inference quantises (each Dense and Conv2D product, after batch-norm folding and fusion, in program order).
    ///
    /// With ``Method/minMax`` only running minima and maxima are kept. ``Method/percentile(_:)`` counts the absolute
    /// values in 2¹⁹ buckets of relative width 2⁻¹¹ (the first 20 bits of each value's bit pattern) and keeps the
    /// largest value seen in each, 6 MB per step whatever the number of samples: the range is the largest value seen
    /// in the bucket of the nearest-rank percentile, at or above it by at most 1 part in 2,048 (a sixteenth of an int8
    /// step).
    ///
    /// - Parameters:
    ///   - model: the trained, built model.
    ///   - batches: calibration inputs, each `[batch] + model input shape` (representative data: a few hundred to a
    ///     few thousand training samples).
    ///   - method: how observed values become ranges.
    /// - Throws: ``CalibrationError`` for an invalid percentile, a batch of the wrong shape, no samples at all, a
    ///   model that does not compile, or NaN or infinity reaching an int8 step.
    public init(model: Sequential, batches: some Sequence<Tensor>, method: Method = .minMax) throws(CalibrationError) {
        if case .percentile(let percentile) = method, !(percentile > 0 && percentile <= 100) {
            throw .invalidPercentile(percentile)
        }
        let program: InferenceProgram
        do {
            program = try InferenceProgram(model)
        } catch {
            throw .invalidModel(reason: String(describing: error))
        }
        let steps = Self.quantizedSteps(of: program)
        let recorder = ActivationRecorder(steps: steps.count, keepsMagnitudes: method != .minMax)
        var index = 0
        let observed = program.mapped { operation in
            guard operation is ProductOperation else { return nil }
            defer { index += 1 }
            return ObservedOperation(base: operation, index: index, recorder: recorder)
        }
        var samples = 0
        for batch in batches {
            guard Array(batch.shape.dimensions.dropFirst()) == program.inputShape.dimensions else {
                throw .inputShapeMismatch(expected: program.inputShape.dimensions, found: batch.shape.dimensions)
            }
            guard batch.shape[0] > 0 else { continue }
            samples += batch.shape[0]
            _ = observed(batch)
        }
        guard samples > 0 else { throw .noSamples }
        self.init(method: method, sampleCount: samples, ranges: try recorder.ranges(steps: steps, method: method))
    }

    /// Checks that the calibration fits a model: one valid range per int8 step, each for that step.
    /// - Parameter model: the model the calibration is meant for.
    /// - Throws: ``CalibrationError``: the first problem found.
    public func validate(for model: Sequential) throws(CalibrationError) {
        let program: InferenceProgram
        do {
            program = try InferenceProgram(model)
        } catch {
            throw .invalidModel(reason: String(describing: error))
        }
        try validate(steps: Self.quantizedSteps(of: program))
    }

    /// Checks the calibration against the summaries of the program's int8 steps.
    func validate(steps: [String]) throws(CalibrationError) {
        if case .percentile(let percentile) = method, !(percentile > 0 && percentile <= 100) {
            throw .invalidPercentile(percentile)
        }
        guard sampleCount >= 1 else { throw .noSamples }
        guard ranges.count == steps.count else { throw .rangeCountMismatch(expected: steps.count, found: ranges.count) }
        for (index, range) in ranges.enumerated() {
            guard range.step == steps[index] else {
                throw .stepMismatch(index: index, expected: steps[index], found: range.step)
            }
            guard range.lowerBound.isFinite && range.upperBound.isFinite else {
                throw .invalidRange(
                    index: index, reason: "the bounds \(range.lowerBound), \(range.upperBound) are not finite")
            }
            guard range.lowerBound <= range.upperBound else {
                throw .invalidRange(
                    index: index, reason: "the lower bound \(range.lowerBound) exceeds the upper \(range.upperBound)")
            }
        }
    }

    /// The summaries of the steps int8 inference quantises, in program order.
    static func quantizedSteps(of program: InferenceProgram) -> [String] {
        program.operations.compactMap { $0 as? ProductOperation }.map(\.summary)
    }
}

/// A float step that reports its input to an ``ActivationRecorder`` before running.
private struct ObservedOperation: InferenceOperation {
    let base: any InferenceOperation
    let index: Int
    let recorder: ActivationRecorder

    func apply(_ input: Tensor) -> Tensor {
        recorder.record(input.scalars, step: index)
        return base.apply(input)
    }

    var summary: String { base.summary }
}

/// What calibration has seen of each step's input so far.
private final class ActivationRecorder: Sendable {
    private struct State {
        var lower: [Float]
        var upper: [Float]
        var magnitudes: [MagnitudeHistogram?]
        var nonFinite: [Bool]
    }

    private let state: Mutex<State>
    private let keepsMagnitudes: Bool

    init(steps: Int, keepsMagnitudes: Bool) {
        self.keepsMagnitudes = keepsMagnitudes
        state = Mutex(
            State(
                lower: Array(repeating: .infinity, count: steps), upper: Array(repeating: -.infinity, count: steps),
                magnitudes: Array(repeating: nil, count: steps), nonFinite: Array(repeating: false, count: steps)))
    }

    func record(_ values: [Float], step: Int) {
        var lower = Float.infinity
        var upper = -Float.infinity
        var finite = true
        for value in values {
            finite = finite && value.isFinite
            lower = min(lower, value)
            upper = max(upper, value)
        }
        let keeps = keepsMagnitudes
        state.withLock { state in
            state.lower[step] = min(state.lower[step], lower)
            state.upper[step] = max(state.upper[step], upper)
            state.nonFinite[step] = state.nonFinite[step] || !finite
            if keeps && finite {
                if state.magnitudes[step] == nil { state.magnitudes[step] = MagnitudeHistogram() }
                state.magnitudes[step]!.add(values)
            }
        }
    }

    func ranges(steps: [String], method: QuantizationCalibration.Method) throws(CalibrationError)
        -> [QuantizationCalibration.ActivationRange]
    {
        try state.withLock { snapshot throws(CalibrationError) in
            var ranges: [QuantizationCalibration.ActivationRange] = []
            for (index, step) in steps.enumerated() {
                guard !snapshot.nonFinite[index] else { throw .nonFiniteActivation(step: step) }
                switch method {
                case .minMax:
                    ranges.append(
                        .init(step: step, lowerBound: snapshot.lower[index], upperBound: snapshot.upper[index]))
                case .percentile(let percentile):
                    let threshold = snapshot.magnitudes[index]?.percentile(percentile) ?? 0
                    ranges.append(.init(step: step, lowerBound: -threshold, upperBound: threshold))
                }
            }
            return ranges
        }
    }
}

/// Counts of finite absolute values by the first 20 bits of their bit pattern (the sign bit is 0, so 2¹⁹ buckets:
/// the exponent and the first 11 mantissa bits), with the largest value seen in each bucket. Ordering non-negative
/// floats by bit pattern orders them by value, so the buckets partition the values in order.
private struct MagnitudeHistogram {
    /// Bits dropped from the bit pattern: the last 12 of the mantissa.
    static let droppedBits: UInt32 = 12
    static let bucketCount = 1 << 19

    private var counts = [UInt64](repeating: 0, count: bucketCount)
    private var largest = [Float](repeating: 0, count: bucketCount)
    private var total: UInt64 = 0

    mutating func add(_ values: [Float]) {
        counts.withUnsafeMutableBufferPointer { counts in
            largest.withUnsafeMutableBufferPointer { largest in
                for value in values {
                    let magnitude = abs(value)
                    let bucket = Int(magnitude.bitPattern >> Self.droppedBits)
                    counts[bucket] += 1
                    largest[bucket] = max(largest[bucket], magnitude)
                }
            }
        }
        total += UInt64(values.count)
    }

    /// The largest value seen in the bucket that holds the nearest-rank `percentile` (the `⌈p/100 · n⌉`-th smallest
    /// value): that value itself, or one at most 1 part in 2,048 above it in the same bucket.
    func percentile(_ percentile: Double) -> Float {
        guard total > 0 else { return 0 }
        let rank = min(max(UInt64((percentile / 100 * Double(total)).rounded(.up)), 1), total)
        var seen: UInt64 = 0
        for bucket in 0..<Self.bucketCount {
            seen += counts[bucket]
            if seen >= rank { return largest[bucket] }
        }
        return largest[Self.bucketCount - 1]
    }
}
