/// The size of the Transformer an example trains, read from `--layers`, `--heads` and `--embedding`: the one place
/// for the three flags and for the rule that the heads divide the embedding.
package struct TransformerSize {
    /// The largest values the three flags accept.
    package typealias Maxima = (layers: Int, heads: Int, embedding: Int)

    /// Transformer blocks.
    package var layers: Int
    /// Attention heads per block.
    package var heads: Int
    /// The embedding (model) width.
    package var embedding: Int
    private let maxima: Maxima

    /// A size with its defaults and the largest values its flags accept.
    ///
    /// - Parameters:
    ///   - layers: The default number of blocks.
    ///   - heads: The default number of heads.
    ///   - embedding: The default embedding width.
    ///   - maxima: The largest values `--layers`, `--heads` and `--embedding` accept (the smallest is 1).
    package init(layers: Int, heads: Int, embedding: Int, maxima: Maxima) {
        self.layers = layers
        self.heads = heads
        self.embedding = embedding
        self.maxima = maxima
    }

    /// Reads `option` when it is one of the three flags.
    ///
    /// - Parameter option: An option of the command line.
    /// - Returns: Whether the option was one of the three flags.
    /// - Throws: ``ExampleProblem`` for a value out of range.
    package mutating func read(_ option: OptionValue) throws(ExampleProblem) -> Bool {
        switch option.flag {
        case "--layers": layers = try option.integer(in: 1...maxima.layers)
        case "--heads": heads = try option.integer(in: 1...maxima.heads)
        case "--embedding": embedding = try option.integer(in: 1...maxima.embedding)
        default: return false
        }
        return true
    }

    /// Checks that the heads divide the embedding.
    ///
    /// - Throws: ``ExampleProblem`` naming both flags when they do not.
    package func check() throws(ExampleProblem) {
        guard embedding % heads == 0 else {
            throw ExampleProblem(description: "--heads \(heads) must divide --embedding \(embedding)")
        }
    }
}
