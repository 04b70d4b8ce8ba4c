import Foundation
import HTTPTypes
import LeptonDeploy

/// The binary tensor data extension of the Open Inference Protocol (KServe v2 / Triton `binary_tensor_data`).
///
/// A request whose `Inference-Header-Content-Length` header is N carries its JSON object in the first N bytes of the
/// body and, after it, the raw data of every input whose `parameters.binary_data_size` is set, in input order:
/// little-endian, row-major, no padding; BOOL is one byte (0 or 1); BYTES elements are a 4-byte little-endian length
/// followed by the bytes. Such an input has no `data`. An output is returned the same way when its requested
/// `parameters.binary_data` is true, or for every output when the request's `parameters.binary_data_output` is true:
/// its JSON has `parameters.binary_data_size` and no `data`, and the response has `Inference-Header-Content-Length`.
///
/// Every size is checked before use, without overflow: the header length against the body, each
/// `binary_data_size` against the bytes left, the element count (shape product) times the element size against
/// `binary_data_size`, and each BYTES length against the bytes left; each mismatch is a 400 naming the input.
public enum BinaryTensorCodec {
    /// `Inference-Header-Content-Length`: the length of the JSON part of a body with binary tensors.
    public static let headerLengthField = HTTPField.Name("inference-header-content-length")!
    /// The most elements one input may have (as for JSON inputs).
    static let maxElements = 1 << 28

    /// The bytes per element of a fixed-size datatype; `nil` for `BYTES`.
    /// - Parameters:
    ///   - datatype: the protocol datatype.
    ///   - name: the tensor, for the error.
    /// - Returns: the size.
    /// - Throws: ``ServeError`` 400 for an unknown datatype.
    static func elementSize(_ datatype: String, name: String) throws(ServeError) -> Int? {
        switch datatype {
        case "BOOL", "INT8", "UINT8": return 1
        case "INT16", "UINT16", "FP16": return 2
        case "INT32", "UINT32", "FP32": return 4
        case "INT64", "UINT64", "FP64": return 8
        case "BYTES": return nil
        default: throw .badRequest("input '\(name)' has unknown datatype '\(datatype)'")
        }
    }

    /// Splits a body into its JSON part and its binary part.
    /// - Parameters:
    ///   - body: the whole body.
    ///   - headerLength: the `Inference-Header-Content-Length` value, if sent.
    /// - Returns: the JSON bytes and the binary bytes (`nil` without the header).
    /// - Throws: ``ServeError`` 400 for a header that is not a length within the body.
    public static func split(_ body: Data, headerLength: String?) throws(ServeError) -> (json: Data, binary: Data?) {
        guard let headerLength else { return (body, nil) }
        guard let length = Int(headerLength.trimmingCharacters(in: .whitespaces)), length >= 0 else {
            throw .badRequest("header Inference-Header-Content-Length must be a byte count, got '\(headerLength)'")
        }
        guard length <= body.count else {
            throw .badRequest(
                "header Inference-Header-Content-Length is \(length) but the body has only \(body.count) bytes")
        }
        let start = body.startIndex
        return (Data(body[start..<(start + length)]), Data(body[(start + length)...]))
    }

    /// Replaces the data of every input with a `binary_data_size` by the values read from the binary part.
    /// - Parameters:
    ///   - binary: the binary part (`nil` when the request had no `Inference-Header-Content-Length`).
    ///   - request: the decoded JSON part.
    /// - Throws: ``ServeError`` 400 for a size that does not match the shape and datatype, binary data without the
    ///   header, an input with both `data` and `binary_data_size`, or bytes left over.
    public static func attach(_ binary: Data?, to request: inout InferRequest) throws(ServeError) {
        var offset = 0
        let bytes = binary ?? Data()
        for index in request.inputs.indices {
            let input = request.inputs[index]
            guard let parameter = input.parameters?["binary_data_size"] else { continue }
            guard binary != nil else {
                throw .badRequest(
                    "input '\(input.name)' has binary_data_size but the request has no Inference-Header-Content-Length")
            }
            let size: Int
            switch parameter {
            case .integer(let value) where value >= 0 && value <= Int64(Int.max): size = Int(value)
            case .unsignedInteger(let value) where value <= UInt64(Int.max): size = Int(value)
            default:
                throw .badRequest("input '\(input.name)': binary_data_size must be a non-negative integer byte count")
            }
            if case .null = input.data {
            } else {
                throw .badRequest("input '\(input.name)' has both data and binary_data_size")
            }
            guard size <= bytes.count - offset else {
                throw .badRequest(
                    "input '\(input.name)' has binary_data_size \(size) but only \(bytes.count - offset) binary bytes remain"
                )
            }
            let start = bytes.startIndex + offset
            let slice = bytes[start..<(start + size)]
            request.inputs[index].data = .array(try values(of: slice, input: input))
            offset += size
        }
        guard offset == bytes.count else {
            throw .badRequest(
                "the binary part has \(bytes.count) bytes but the inputs' binary_data_size add up to \(offset)")
        }
    }

    /// The number of elements of a shape, overflow-checked and bounded.
    static func elementCount(_ shape: [Int], name: String) throws(ServeError) -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else {
                throw .badRequest("input '\(name)' has a negative dimension in shape \(shape)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= maxElements else {
                throw .badRequest("input '\(name)' has shape \(shape), too many elements")
            }
            count = product
        }
        return count
    }

    /// The elements of one binary input as JSON values (so that the JSON validation and row building apply).
    static func values(of bytes: Data, input: InferInput) throws(ServeError) -> [JSONValue] {
        let name = input.name
        let count = try elementCount(input.shape, name: name)
        let raw = [UInt8](bytes)
        guard let size = try elementSize(input.datatype, name: name) else {
            return try strings(raw, count: count, name: name)
        }
        let (expected, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, expected == raw.count else {
            throw .badRequest(
                "input '\(name)' has shape \(input.shape) of \(input.datatype) (\(count) × \(size) bytes) but "
                    + "binary_data_size \(raw.count)")
        }
        var values: [JSONValue] = []
        values.reserveCapacity(count)
        for element in 0..<count {
            var bits: UInt64 = 0
            for byte in (0..<size).reversed() { bits = (bits << 8) | UInt64(raw[element * size + byte]) }
            values.append(try value(bits, datatype: input.datatype, name: name, element))
        }
        return values
    }

    private static func value(_ bits: UInt64, datatype: String, name: String, _ element: Int) throws(ServeError)
        -> JSONValue
    {
        func finite(_ value: Double) throws(ServeError) -> JSONValue {
            guard value.isFinite else { throw .badRequest("input '\(name)' element \(element) is not finite") }
            return .number(value)
        }
        switch datatype {
        case "BOOL":
            guard bits <= 1 else { throw .badRequest("input '\(name)' element \(element) is byte \(bits), not 0 or 1") }
            return .bool(bits == 1)
        case "INT8": return .integer(Int64(Int8(truncatingIfNeeded: bits)))
        case "INT16": return .integer(Int64(Int16(truncatingIfNeeded: bits)))
        case "INT32": return .integer(Int64(Int32(truncatingIfNeeded: bits)))
        case "INT64": return .integer(Int64(bitPattern: bits))
        case "UINT8", "UINT16", "UINT32": return .integer(Int64(bits))
        case "UINT64": return bits <= UInt64(Int64.max) ? .integer(Int64(bits)) : .unsignedInteger(bits)
        case "FP16": return try finite(Double(halfToFloat(UInt16(truncatingIfNeeded: bits))))
        case "FP32": return try finite(Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits))))
        default: return try finite(Double(bitPattern: bits))
        }
    }

    /// An IEEE 754 binary16 value as a Float (exact: every half is a float).
    static func halfToFloat(_ half: UInt16) -> Float {
        let sign: UInt32 = UInt32(half >> 15) << 31
        let exponent = UInt32((half >> 10) & 0x1F)
        let mantissa = UInt32(half & 0x3FF)
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    private static func strings(_ raw: [UInt8], count: Int, name: String) throws(ServeError) -> [JSONValue] {
        var values: [JSONValue] = []
        var position = 0
        for element in 0..<count {
            guard raw.count - position >= 4 else {
                throw .badRequest("input '\(name)' BYTES element \(element): the binary data ends before its length")
            }
            var length = 0
            for byte in (0..<4).reversed() { length = (length << 8) | Int(raw[position + byte]) }
            position += 4
            guard length <= raw.count - position else {
                throw .badRequest(
                    "input '\(name)' BYTES element \(element) has length \(length) but only \(raw.count - position) bytes remain"
                )
            }
            guard let text = String(validating: raw[position..<(position + length)], as: UTF8.self) else {
                throw .badRequest("input '\(name)' BYTES element \(element) is not UTF-8 text")
            }
            values.append(.string(text))
            position += length
        }
        guard position == raw.count else {
            throw .badRequest(
                "input '\(name)' has \(count) BYTES elements in \(position) bytes but binary_data_size \(raw.count)")
        }
        return values
    }

    /// The names of the outputs to return as binary data.
    /// - Parameter request: the request.
    /// - Returns: the names (every output when `binary_data_output` is true).
    /// - Throws: ``ServeError`` 400 when `binary_data` or `binary_data_output` is not a boolean.
    static func binaryOutputs(of request: InferRequest, all names: [String]) throws(ServeError) -> Set<String> {
        var selected = Set<String>()
        switch request.parameters?["binary_data_output"] {
        case .bool(true)?: selected = Set(names)
        case nil, .bool(false)?, .null?: break
        default: throw .badRequest("parameter binary_data_output must be a boolean")
        }
        for output in request.outputs ?? [] {
            switch output.parameters?["binary_data"] {
            case .bool(true)?: selected.insert(output.name)
            case .bool(false)?: selected.remove(output.name)
            case nil, .null?: break
            default: throw .badRequest("output '\(output.name)': parameter binary_data must be a boolean")
            }
        }
        return selected
    }

    /// The little-endian bytes of an output's values.
    static func bytes(of output: InferOutput) -> Data {
        var data = Data()
        func append(_ bits: UInt64, _ size: Int) {
            for byte in 0..<size { data.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(byte)))) }
        }
        for value in output.data ?? [] {
            switch (output.datatype, value) {
            case ("BYTES", .string(let text)):
                let utf8 = Array(text.utf8)
                append(UInt64(utf8.count), 4)
                data.append(contentsOf: utf8)
            case ("BOOL", .bool(let flag)): append(flag ? 1 : 0, 1)
            case ("FP32", _): append(UInt64(Float(number(value)).bitPattern), 4)
            case ("FP64", _): append(number(value).bitPattern, 8)
            case ("INT64", .integer(let integer)): append(UInt64(bitPattern: integer), 8)
            case ("INT32", .integer(let integer)): append(UInt64(UInt32(truncatingIfNeeded: integer)), 4)
            default: append(0, elementSizeOrZero(output.datatype))
            }
        }
        return data
    }

    private static func elementSizeOrZero(_ datatype: String) -> Int {
        (try? elementSize(datatype, name: "")) ?? 0
    }

    private static func number(_ value: JSONValue) -> Double {
        switch value {
        case .number(let number): return number
        case .integer(let integer): return Double(integer)
        case .unsignedInteger(let integer): return Double(integer)
        default: return .nan
        }
    }

    /// Moves the selected outputs' data into a binary part.
    /// - Parameters:
    ///   - response: the response; the selected outputs lose `data` and gain `binary_data_size`.
    ///   - names: the outputs to send as binary.
    /// - Returns: the binary part, in output order.
    static func moveToBinary(_ response: inout InferResponse, names: Set<String>) -> Data {
        var binary = Data()
        for index in response.outputs.indices where names.contains(response.outputs[index].name) {
            let bytes = bytes(of: response.outputs[index])
            response.outputs[index].data = nil
            var parameters = response.outputs[index].parameters ?? [:]
            parameters["binary_data_size"] = .integer(Int64(bytes.count))
            response.outputs[index].parameters = parameters
            binary.append(bytes)
        }
        return binary
    }
}
