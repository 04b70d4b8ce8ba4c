/// Why text could not be tokenized, decoded or batched.
public enum TextDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text to build a tokenizer from has no characters.
    case emptyText
    /// A character the tokenizer has no id for, with its position (in Unicode scalars) in the text.
    case unknownCharacter(String, position: Int)
    /// An id outside `0..<vocabularySize`, with its position in the sequence.
    case idOutOfRange(id: Int, position: Int, vocabularySize: Int)
    /// Sequences and labels disagree in number.
    case countMismatch(sequences: Int, labels: Int)
    /// A setting out of its range.
    case invalidSetting(name: String, value: String, requirement: String)
    /// A sequence with no tokens, at its index (it would be a batch row of padding only).
    case emptySequence(index: Int)

    /// A one-line explanation naming the offending value.
    public var description: String {
        switch self {
        case .emptyText:
            return "the text is empty, so there are no characters to build a vocabulary from"
        case .unknownCharacter(let character, let position):
            let scalars = character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }
            return "character \(scalars.joined(separator: " ")) at position \(position) is not in the vocabulary"
        case .idOutOfRange(let id, let position, let size):
            return "id \(id) at position \(position) is outside the vocabulary 0..<\(size)"
        case .countMismatch(let sequences, let labels):
            return "\(sequences) sequences but \(labels) labels"
        case .invalidSetting(let name, let value, let requirement):
            return "\(name) is \(value); it must be \(requirement)"
        case .emptySequence(let index):
            return "sequence \(index) has no tokens"
        }
    }
}
