import LeptonTensor

/// A regression problem with the intercept handled by centering: features and targets minus their means, so the
/// solvers find the coefficients alone and the intercept follows as `mean(y) − mean(x)·w` (unpenalised).
struct CenteredRegressionProblem: Sendable {
    /// The features, not centered (solvers subtract ``featureMeans`` as they read).
    let features: FeatureMatrix
    /// The column means, or zeros without an intercept.
    let featureMeans: [Double]
    /// The targets minus ``targetMean``.
    let centeredTargets: [Double]
    /// The target mean, or 0 without an intercept.
    let targetMean: Double

    init(features: FeatureMatrix, targets: [Double], fitIntercept: Bool) {
        self.features = features
        featureMeans = fitIntercept ? features.columnMeans() : [Double](repeating: 0, count: features.columns)
        let mean = fitIntercept ? targets.reduce(0, +) / Double(targets.count) : 0
        targetMean = mean
        centeredTargets = targets.map { $0 - mean }
    }

    /// The intercept that goes with `coefficients`.
    func intercept(for coefficients: [Double]) -> Double {
        targetMean - featureMeans.dot(coefficients)
    }

    /// The centered features, column-major.
    func centeredColumns() -> [Double] { features.centeredColumnMajor(means: featureMeans) }
}

/// Predictions `x·w + b` of a fitted linear model, in Double.
enum LinearPrediction {
    /// One value per row of `features`.
    static func values(_ features: FeatureMatrix, coefficients: [Double], intercept: Double) -> [Double] {
        var result = [Double](repeating: intercept, count: features.rows)
        features.withValues { x in
            coefficients.withUnsafeBufferPointer { weights in
                guard let w = weights.baseAddress else { return }
                for row in 0..<features.rows {
                    result[row] += VectorKernels.dot(x + row * features.columns, w, count: features.columns)
                }
            }
        }
        return result
    }

    /// Scores of several linear outputs, row-major `[rows × outputs]`.
    static func scores(_ features: FeatureMatrix, coefficients: [[Double]], intercepts: [Double]) -> [Double] {
        let outputs = coefficients.count
        var scores = [Double](repeating: 0, count: features.rows * outputs)
        for (output, row) in coefficients.enumerated() {
            let values = values(features, coefficients: row, intercept: intercepts[output])
            for sample in 0..<features.rows { scores[sample * outputs + output] = values[sample] }
        }
        return scores
    }

    /// The predicted class of each row from linear scores: `classes[1]` when the single score is positive, else the
    /// class of the first largest score.
    static func labels(scores: [Double], outputs: Int, classes: [Int32]) -> [Int32] {
        if outputs == 1 { return scores.map { $0 > 0 ? classes[1] : classes[0] } }
        return stride(from: 0, to: scores.count, by: outputs).map { start in
            var best = start
            for index in start..<(start + outputs) where scores[index] > scores[best] { best = index }
            return classes[best - start]
        }
    }

    /// Scores as a tensor: `[rows]` for one output, `[rows, outputs]` otherwise.
    static func scoreTensor(_ scores: [Double], outputs: Int) -> Tensor {
        outputs == 1
            ? Tensor(scores.map(Float.init), shape: [scores.count])
            : Tensor(scores.map(Float.init), shape: [scores.count / outputs, outputs])
    }
}
