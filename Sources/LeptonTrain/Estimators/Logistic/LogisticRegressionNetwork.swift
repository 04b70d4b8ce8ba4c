import LeptonLayers
import LeptonTensor

extension LogisticRegression {
    /// The fitted model as a one-layer network — `Dense(classes, softmax)` — so it can be bundled, compiled for
    /// inference and served like any neural model.
    ///
    /// The network computes exactly the model's probabilities: for two classes the dense layer's first column is
    /// zero and its second holds the coefficients, and softmax([0, z]) = [1 − σ(z), σ(z)]; for more classes each
    /// column holds one class's coefficients.
    ///
    /// - Returns: A built `Sequential` with input shape `[featureCount]` and one output per class.
    /// - Throws: ``EstimatorError/notFitted(estimator:)`` before `fit`.
    public func network() throws -> Sequential {
        guard !coefficients.isEmpty else { throw EstimatorError.notFitted(estimator: "LogisticRegression") }
        let features = featureCount
        let classCount = classes.count
        // Column j of the weight (and entry j of the bias) scores class j.
        let columns: [[Double]] =
            classCount == 2 ? [Array(repeating: 0, count: features), coefficients[0]] : coefficients
        let offsets: [Double] = classCount == 2 ? [0, intercepts[0]] : intercepts
        var weight = [Float](repeating: 0, count: features * classCount)
        for (column, values) in columns.enumerated() {
            for (row, value) in values.enumerated() { weight[row * classCount + column] = Float(value) }
        }
        let model = Sequential(inputShape: [features]) { Dense(units: classCount, activation: .softmax) }
        model.parameter(at: "0.weight")?.value = Tensor(weight, shape: [features, classCount])
        model.parameter(at: "0.bias")?.value = Tensor(offsets.map(Float.init), shape: [classCount])
        return model
    }
}
