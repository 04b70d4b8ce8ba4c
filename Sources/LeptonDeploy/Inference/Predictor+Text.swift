extension Predictor {
    /// Answers one text (text models): tokenised by the bundle's tokenizer, truncated or padded to the model's
    /// length, padding masked out by the model.
    /// - Parameter text: The raw text.
    /// - Returns: The prediction.
    /// - Throws: ``PredictionError/wrongRequestKind(expected:actual:)`` for a model that does not take text,
    ///   ``PredictionError/invalidText(reason:)`` when the tokenizer refuses the text.
    public func predict(text: String) throws(PredictionError) -> Prediction {
        try predict(.text(text))
    }

    /// Answers many texts with one model call; a text the tokenizer refuses fails alone.
    /// - Parameter texts: The raw texts.
    /// - Returns: One result per text, in order.
    public func predict(texts: [String]) -> [Result<Prediction, PredictionError>] {
        predict(batch: texts.map(PredictionRequest.text))
    }

    /// The padded ids the model receives for `text` (for checks and debugging).
    /// - Parameter text: The raw text.
    /// - Returns: `maximumLength` ids as floats.
    /// - Throws: ``PredictionError/wrongRequestKind(expected:actual:)`` for a model that does not take text,
    ///   ``PredictionError/invalidText(reason:)`` when the tokenizer refuses the text.
    public func tokenIDs(for text: String) throws(PredictionError) -> [Float] {
        guard case .text(let schema) = schema.input else {
            throw .wrongRequestKind(expected: "a \(schema.input.kindName) input", actual: "a text")
        }
        return try schema.paddedIDs(text)
    }
}

extension InputSchema {
    /// `tabular`, `tensor` or `text`.
    public var kindName: String {
        switch self {
        case .tabular: return "tabular"
        case .tensor: return "tensor"
        case .text: return "text"
        }
    }
}
