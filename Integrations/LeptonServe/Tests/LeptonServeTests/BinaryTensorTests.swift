import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lepton
import LeptonServe
import Testing

/// The binary tensor data extension over real HTTP on loopback: binary inputs and outputs give the predictor's
/// answers, and every size inconsistency is a 400 naming what was wrong.
@Suite struct BinaryTensorTests {
    /// A body of a JSON header followed by binary bytes, and its headers.
    static func body(_ header: [String: Any], _ binary: [UInt8], headerLength: String? = nil) -> (
        ByteBuffer, HTTPFields
    ) {
        let json = (try? JSONSerialization.data(withJSONObject: header)) ?? Data()
        var buffer = ByteBuffer(bytes: json)
        buffer.writeBytes(binary)
        return (buffer, [BinaryTensorCodec.headerLengthField: headerLength ?? String(json.count)])
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    static func floatBytes(_ values: [Float]) -> [UInt8] { values.flatMap { le($0.bitPattern) } }

    static func bytesElements(_ values: [String]) -> [UInt8] {
        values.flatMap { le(UInt32($0.utf8.count)) + Array($0.utf8) }
    }

    /// Splits a binary response into its JSON object and its binary part.
    static func split(_ response: TestResponse) throws -> ([String: Any], [UInt8]) {
        let length = try #require(response.headers[BinaryTensorCodec.headerLengthField].flatMap { Int($0) })
        let bytes = Array(response.body.readableBytesView)
        try #require(length <= bytes.count)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes[..<length])) as? [String: Any])
        return (object, Array(bytes[length...]))
    }

    @Test func binaryInputsAndOutputsMatchThePredictor() async throws {
        let server = try await ServeFixtures.server()
        let cnn = try Predictor(
            bundle: server.configuration.modelRepository.appendingPathComponent("digits-cnn.lepton"))
        let credit = try Predictor(bundle: server.configuration.modelRepository.appendingPathComponent("credit.lepton"))
        let images = (0..<2).map { ServeFixtures.image($0 + 3) }
        let expected = try images.map { try cnn.predict(.values($0, shape: [8, 8, 1])) }
        let records: [[String: FeatureValue]] = [
            ["age": .number(30), "income": .number(44), "purpose": .string("car"), "owns_home": .number(1)],
            [
                "age": .number(58), "income": .number(71), "purpose": .string("business"),
                "owns_home": .number(0),
            ],
        ]
        let creditExpected = try records.map { try credit.predict(record: $0) }
        try await ServeFixtures.withLiveServer(server) { client in
            let pixels = Self.floatBytes(images.flatMap { $0 })
            let (body, headers) = Self.body(
                [
                    "inputs": [
                        [
                            "name": "input", "shape": [2, 8, 8, 1], "datatype": "FP32",
                            "parameters": ["binary_data_size": pixels.count],
                        ]
                    ],
                    "outputs": [
                        ["name": "probabilities", "parameters": ["binary_data": true]],
                        ["name": "label", "parameters": ["binary_data": false]],
                    ],
                ], pixels)
            let response = try await client.execute(
                uri: "/v2/models/digits-cnn/infer", method: .post, headers: headers, body: body)
            #expect(response.status == .ok, "\(response.text)")
            let (object, binary) = try Self.split(response)
            let outputs = object["outputs"] as? [[String: Any]] ?? []
            let probabilities = try #require(outputs.first { $0["name"] as? String == "probabilities" })
            #expect(probabilities["data"] == nil)
            let size = (probabilities["parameters"] as? [String: Any])?["binary_data_size"] as? Int
            #expect(size == binary.count)
            let decoded = stride(from: 0, to: binary.count, by: 4).map { offset in
                Float(bitPattern: binary[offset..<(offset + 4)].reversed().reduce(UInt32(0)) { ($0 << 8) | UInt32($1) })
            }
            #expect(close(decoded, expected.flatMap { $0.probabilities ?? [] }))
            #expect(outputData(object, "label") as? [String] == expected.map { $0.label ?? "" })

            // Tabular columns: BYTES and BOOL as binary, the others as JSON; every output binary.
            let purposes = Self.bytesElements(["car", "business"])
            let owns: [UInt8] = [1, 0]
            let (creditBody, creditHeaders) = Self.body(
                [
                    "inputs": [
                        ["name": "age", "shape": [2], "datatype": "FP32", "data": [30, 58]],
                        ["name": "income", "shape": [2], "datatype": "FP32", "data": [44, 71]],
                        [
                            "name": "purpose", "shape": [2], "datatype": "BYTES",
                            "parameters": ["binary_data_size": purposes.count],
                        ],
                        [
                            "name": "owns_home", "shape": [2], "datatype": "BOOL",
                            "parameters": ["binary_data_size": owns.count],
                        ],
                    ],
                    "outputs": [["name": "label"]],
                    "parameters": ["binary_data_output": true],
                ], purposes + owns)
            let creditResponse = try await client.execute(
                uri: "/v2/models/credit/infer", method: .post, headers: creditHeaders, body: creditBody)
            #expect(creditResponse.status == .ok, "\(creditResponse.text)")
            let (_, labelBytes) = try Self.split(creditResponse)
            #expect(labelBytes == Self.bytesElements(creditExpected.map { $0.label ?? "" }))
        }
    }

    @Test func fp16AndInt32BinaryInputsDecodeExactly() async throws {
        let server = try await ServeFixtures.server()
        let cnn = try Predictor(
            bundle: server.configuration.modelRepository.appendingPathComponent("digits-cnn.lepton"))
        // Half-precision pixels (with subnormal, negative-zero and largest-finite bit patterns among them) are widened
        // exactly; the truth is Swift's own Float16 conversion.
        var patterns = ServeFixtures.image(7).map { Float16($0).bitPattern }
        patterns[0] = 0x0001
        patterns[1] = 0x8000
        patterns[2] = 0x3555
        let halves = patterns
        let widened = halves.map { Float(Float16(bitPattern: $0)) }
        let expected = try cnn.predict(.values(widened, shape: [8, 8, 1]))
        let integers: [Int32] = (0..<64).map { Int32($0 % 2) }
        let integerExpected = try cnn.predict(.values(integers.map { Float($0) }, shape: [8, 8, 1]))
        try await ServeFixtures.withLiveServer(server) { client in
            for (datatype, bytes, truth) in [
                ("FP16", halves.flatMap { Self.le($0) }, expected),
                ("INT32", integers.flatMap { Self.le($0) }, integerExpected),
            ] {
                let (body, headers) = Self.body(
                    [
                        "inputs": [
                            [
                                "name": "input", "shape": [1, 8, 8, 1], "datatype": datatype,
                                "parameters": ["binary_data_size": bytes.count],
                            ]
                        ],
                        "outputs": [["name": "output"]],
                    ], bytes)
                let response = try await client.execute(
                    uri: "/v2/models/digits-cnn/infer", method: .post, headers: headers, body: body)
                #expect(response.status == .ok, "\(datatype): \(response.text)")
                #expect(close(floats(outputData(response.object, "output")), truth.outputs), "\(datatype)")
            }
        }
    }

    @Test func inconsistentBinaryRequestsAre400WithAReason() async throws {
        let server = try await ServeFixtures.server()
        try await ServeFixtures.withLiveServer(server) { client in
            func input(_ shape: [Int], _ datatype: String, _ size: Any) -> [String: Any] {
                [
                    "inputs": [
                        [
                            "name": "input", "shape": shape, "datatype": datatype,
                            "parameters": ["binary_data_size": size],
                        ]
                    ]
                ]
            }
            let pixels = Self.floatBytes([Float](repeating: 0.5, count: 64))
            var nan = pixels
            nan.replaceSubrange(0..<4, with: Self.floatBytes([.nan]))
            let cases: [(String, ByteBuffer, HTTPFields, String)] = [
                {
                    let (body, headers) = Self.body(
                        input([1, 8, 8, 1], "FP32", pixels.count), pixels, headerLength: "99999")
                    return ("header past the body", body, headers, "Inference-Header-Content-Length")
                }(),
                {
                    let (body, headers) = Self.body(
                        input([1, 8, 8, 1], "FP32", pixels.count), pixels, headerLength: "-4")
                    return ("negative header", body, headers, "Inference-Header-Content-Length")
                }(),
                {
                    let (body, headers) = Self.body(input([1, 8, 8, 1], "FP32", 255), pixels)
                    return ("size past the data", body, headers, "binary_data_size")
                }(),
                {
                    let (body, headers) = Self.body(input([1, 8, 8, 1], "FP32", 252), Array(pixels[0..<252]))
                    return ("size not shape × 4", body, headers, "64 × 4")
                }(),
                {
                    let (body, headers) = Self.body(input([1, 8, 8, 1], "FP32", pixels.count), pixels + [0, 0])
                    return ("bytes left over", body, headers, "add up")
                }(),
                {
                    let (body, headers) = Self.body(input([1, 8, 8, 1], "FP32", -256), pixels)
                    return ("negative size", body, headers, "non-negative")
                }(),
                {
                    let (body, headers) = Self.body(
                        input([1 << 40, 1 << 40], "FP32", pixels.count), pixels)
                    return ("shape overflow", body, headers, "too many elements")
                }(),
                {
                    let (body, headers) = Self.body(input([1, 8, 8, 1], "FP32", pixels.count), nan)
                    return ("NaN", body, headers, "not finite")
                }(),
                {
                    let (body, headers) = Self.body(input([1], "BYTES", 6), Self.le(UInt32.max) + [65, 66])
                    return ("BYTES length past the data", body, headers, "length")
                }(),
                {
                    let (body, headers) = Self.body(input([2], "BOOL", 2), [1, 2])
                    return ("BOOL byte 2", body, headers, "not 0 or 1")
                }(),
                {
                    let (body, _) = Self.body(input([1, 8, 8, 1], "FP32", pixels.count), [])
                    return ("size without the header", body, [:], "Inference-Header-Content-Length")
                }(),
            ]
            for (label, body, headers, word) in cases {
                let response = try await client.execute(
                    uri: "/v2/models/digits-cnn/infer", method: .post, headers: headers, body: body)
                #expect(response.status == .badRequest, "\(label): \(response.text)")
                #expect(response.errorMessage.contains(word), "\(label): \(response.errorMessage)")
            }
        }
    }
}
