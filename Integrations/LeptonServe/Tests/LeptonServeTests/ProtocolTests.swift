import Foundation
import Hummingbird
import HummingbirdTesting
import Lepton
import LeptonServe
import Testing

/// Health, server and model metadata, readiness and inference over real HTTP on loopback.
@Suite struct ProtocolTests {
    @Test func healthAndServerMetadata() async throws {
        let server = try await ServeFixtures.server()
        try await ServeFixtures.withLiveServer(server) { client in
            try await client.execute(uri: "/v2/health/live", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.object["live"] as? Bool == true)
            }
            try await client.execute(uri: "/v2/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.object["ready"] as? Bool == true)
            }
            try await client.execute(uri: "/v2", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.object["name"] as? String == "lepton")
                #expect((response.object["extensions"] as? [String])?.contains("model_repository") == true)
            }
            try await client.execute(uri: "/v2/nothing/here", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(!response.errorMessage.isEmpty)
            }
            server.beginDraining()
            try await client.execute(uri: "/v2/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.object["ready"] as? Bool == false)
            }
            try await client.execute(uri: "/v2/models/credit/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }

    @Test func modelMetadataAndReadiness() async throws {
        let server = try await ServeFixtures.server()
        try await ServeFixtures.withLiveServer(server) { client in
            try await client.execute(uri: "/v2/models/credit", method: .get) { response in
                #expect(response.status == .ok)
                let inputs = response.object["inputs"] as? [[String: Any]] ?? []
                #expect(inputs.map { $0["name"] as? String ?? "" } == ["age", "income", "purpose", "owns_home"])
                #expect(inputs.map { $0["datatype"] as? String ?? "" } == ["FP32", "FP32", "BYTES", "BOOL"])
                #expect(response.object["versions"] as? [String] == ["credit-1"])
                let outputs = response.object["outputs"] as? [[String: Any]] ?? []
                #expect(
                    outputs.map { $0["name"] as? String ?? "" } == ["output", "probabilities", "label", "class_index"])
            }
            try await client.execute(uri: "/v2/models/digits-cnn/versions/digits-cnn-1", method: .get) { response in
                #expect(response.status == .ok)
                let inputs = response.object["inputs"] as? [[String: Any]] ?? []
                #expect(inputs.first?["shape"] as? [Int] == [-1, 8, 8, 1])
                #expect(inputs.first?["datatype"] as? String == "FP32")
            }
            try await client.execute(uri: "/v2/models/credit/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.object["ready"] as? Bool == true)
            }
            try await client.execute(uri: "/v2/models/credit/versions/credit-1/ready", method: .get) { response in
                #expect(response.status == .ok)
            }
            for uri in ["/v2/models/nope", "/v2/models/nope/ready", "/v2/models/credit/versions/credit-9"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(response.errorMessage.contains("nope") || response.errorMessage.contains("credit-9"))
                }
            }
        }
    }

    @Test func tensorInferenceMatchesThePredictorFlatNestedAndBatched() async throws {
        let server = try await ServeFixtures.server()
        let predictor = try Predictor(
            bundle: server.configuration.modelRepository.appendingPathComponent("digits-cnn.lepton"))
        let images = (0..<3).map { ServeFixtures.image($0) }
        let expected = try images.map { try predictor.predict(.values($0, shape: [8, 8, 1])) }
        try await ServeFixtures.withLiveServer(server) { client in
            // One image, flat data, shape [1, 8, 8, 1].
            let flat: [String: Any] = [
                "id": "flat-1",
                "inputs": [["name": "input", "shape": [1, 8, 8, 1], "datatype": "FP32", "data": images[0]]],
            ]
            try await client.execute(uri: "/v2/models/digits-cnn/infer", method: .post, body: jsonBody(flat)) {
                response in
                #expect(response.status == .ok)
                let object = response.object
                #expect(object["id"] as? String == "flat-1")
                #expect(object["model_name"] as? String == "digits-cnn")
                #expect(object["model_version"] as? String == "digits-cnn-1")
                #expect(close(floats(outputData(object, "output")), expected[0].outputs))
                #expect(outputShape(object, "output") == [1, 3])
                #expect(outputData(object, "label") as? [String] == [expected[0].label ?? ""])
            }
            // The same image nested to its shape, without a batch axis.
            let nested: [[[Float]]] = (0..<8).map { row in (0..<8).map { column in [images[0][row * 8 + column]] } }
            let nestedBody: [String: Any] = [
                "inputs": [["name": "input", "shape": [8, 8, 1], "datatype": "FP32", "data": nested]]
            ]
            try await client.execute(uri: "/v2/models/digits-cnn/infer", method: .post, body: jsonBody(nestedBody)) {
                response in
                #expect(response.status == .ok)
                #expect(close(floats(outputData(response.object, "output")), expected[0].outputs))
            }
            // Three images in one request, only two outputs asked for.
            let batch: [String: Any] = [
                "inputs": [
                    ["name": "input", "shape": [3, 8, 8, 1], "datatype": "FP32", "data": images.flatMap { $0 }]
                ],
                "outputs": [["name": "probabilities"], ["name": "class_index"]],
            ]
            try await client.execute(
                uri: "/v2/models/digits-cnn/versions/digits-cnn-1/infer", method: .post, body: jsonBody(batch)
            ) { response in
                #expect(response.status == .ok)
                let object = response.object
                #expect((object["outputs"] as? [[String: Any]])?.count == 2)
                #expect(outputShape(object, "probabilities") == [3, 3])
                #expect(close(floats(outputData(object, "probabilities")), expected.flatMap { $0.probabilities ?? [] }))
                #expect(
                    outputData(object, "class_index").compactMap { ($0 as? NSNumber)?.intValue }
                        == expected.map { $0.classIndex ?? -1 })
            }
        }
    }

    @Test func tabularInferenceByNamedColumnsAndRecords() async throws {
        let server = try await ServeFixtures.server()
        let predictor = try Predictor(
            bundle: server.configuration.modelRepository.appendingPathComponent("credit.lepton"))
        let records: [[String: FeatureValue]] = [
            [
                "age": .number(23), "income": .number(31), "purpose": .string("business"),
                "owns_home": .number(0),
            ],
            ["age": .number(67), "income": .missing, "purpose": .string("car"), "owns_home": .number(1)],
        ]
        let expected = try records.map { try predictor.predict(record: $0) }
        try await ServeFixtures.withLiveServer(server) { client in
            let body: [String: Any] = [
                "inputs": [
                    ["name": "age", "shape": [2], "datatype": "INT32", "data": [23, 67]],
                    ["name": "income", "shape": [2, 1], "datatype": "FP64", "data": [[31], NSNull()]],
                    ["name": "purpose", "shape": [2], "datatype": "BYTES", "data": ["business", "car"]],
                    ["name": "owns_home", "shape": [2], "datatype": "BOOL", "data": [false, true]],
                ]
            ]
            try await client.execute(uri: "/v2/models/credit/infer", method: .post, body: jsonBody(body)) { response in
                #expect(response.status == .ok)
                let object = response.object
                #expect(close(floats(outputData(object, "probabilities")), expected.flatMap { $0.probabilities ?? [] }))
                #expect(outputData(object, "label") as? [String] == expected.map { $0.label ?? "" })
            }
            let recordsBody: [String: Any] = [
                "records": [
                    ["age": 23, "income": 31, "purpose": "business", "owns_home": false],
                    ["age": 67, "income": NSNull(), "purpose": "car", "owns_home": true],
                ]
            ]
            try await client.execute(uri: "/v2/models/credit/records", method: .post, body: jsonBody(recordsBody)) {
                response in
                #expect(response.status == .ok)
                let predictions = response.object["predictions"] as? [[String: Any]] ?? []
                #expect(predictions.map { $0["label"] as? String ?? "" } == expected.map { $0.label ?? "" })
                #expect(
                    close(
                        predictions.compactMap { ($0["probability"] as? NSNumber)?.floatValue },
                        expected.compactMap(\.probability)))
            }
            try await client.execute(
                uri: "/v2/models/credit/records", method: .post,
                body: jsonBody([["age": 40, "income": 50, "purpose": "car", "owns_home": true]])
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/v2/models/credit/records", method: .post,
                body: jsonBody(["records": [["age": 40, "purpose": "yacht", "owns_home": true]]])
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.errorMessage.contains("yacht"))
            }
            try await client.execute(
                uri: "/v2/models/digits-cnn/records", method: .post, body: jsonBody(["records": [["a": 1]]])
            ) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func malformedRequestsGetA400NamingTheProblem() async throws {
        let server = try await ServeFixtures.server()
        let image = ServeFixtures.image(1)
        func input(_ fields: [String: Any]) -> [String: Any] {
            var base: [String: Any] = ["name": "input", "shape": [1, 8, 8, 1], "datatype": "FP32", "data": image]
            for (key, value) in fields { base[key] = value }
            return ["inputs": [base]]
        }
        let cases: [(String, ByteBuffer, String)] = [
            ("digits-cnn", textBody("{not json"), "invalid request JSON"),
            ("digits-cnn", textBody(""), "empty"),
            ("digits-cnn", jsonBody(["inputs": []]), "no inputs"),
            ("digits-cnn", jsonBody(["outputs": []]), "inputs"),
            ("digits-cnn", jsonBody(input(["datatype": "BYTES"])), "BYTES"),
            ("digits-cnn", jsonBody(input(["datatype": "FP128"])), "FP128"),
            ("digits-cnn", jsonBody(input(["shape": [1, 4, 4, 4]])), "shape"),
            ("digits-cnn", jsonBody(input(["shape": [2, 8, 8, 1]])), "elements"),
            ("digits-cnn", jsonBody(input(["shape": [-1, 8, 8, 1]])), "-1"),
            ("digits-cnn", jsonBody(input(["name": "pixels"])), "pixels"),
            ("digits-cnn", jsonBody(input(["data": "abc"])), "array"),
            ("digits-cnn", jsonBody(input(["data": [["x": 1]]])), "object"),
            (
                "credit",
                textBody(
                    #"{"inputs": [{"name": "age", "shape": [1], "datatype": "FP32", "data": "#
                        + String(repeating: "[", count: 40) + "0" + String(repeating: "]", count: 40) + "}]}"), "nested"
            ),
            ("digits-cnn", jsonBody(input(["data": image.map { _ in "a" }])), "string"),
            ("digits-cnn", jsonBody(input(["data": image.map { _ in 2.5 }])), "outside the allowed range"),
            ("digits-cnn", jsonBody(input(["datatype": "INT8", "data": image.map { _ in 300 }])), "INT8"),
            ("digits-cnn", jsonBody(input(["datatype": "INT32", "data": image.map { _ in 0.5 }])), "integer"),
            (
                "digits-cnn",
                jsonBody(
                    input(["shape": [100, 8, 8, 1], "data": Array(repeating: image, count: 100).flatMap { $0 }])),
                "at most"
            ),
            (
                "digits-cnn",
                jsonBody(input([:]).merging(["outputs": [["name": "logits"]]]) { _, new in new }), "logits"
            ),
            (
                "credit",
                jsonBody(["inputs": [["name": "salary", "shape": [1], "datatype": "FP32", "data": [1]]]]), "salary"
            ),
            (
                "credit",
                jsonBody([
                    "inputs": [
                        ["name": "age", "shape": [1], "datatype": "FP32", "data": [30]],
                        ["name": "purpose", "shape": [2], "datatype": "BYTES", "data": ["car", "car"]],
                    ]
                ]), "rows"
            ),
            (
                "credit",
                jsonBody(["inputs": [["name": "age", "shape": [1], "datatype": "FP32", "data": [30]]]]), "missing"
            ),
            (
                "credit",
                jsonBody(["inputs": [["name": "purpose", "shape": [1], "datatype": "FP32", "data": [1]]]]), "BYTES"
            ),
        ]
        let valid = jsonBody(input([:]))
        try await ServeFixtures.withLiveServer(server) { client in
            for (model, body, fragment) in cases {
                try await client.execute(uri: "/v2/models/\(model)/infer", method: .post, body: body) { response in
                    #expect(response.status == .badRequest, "\(fragment)")
                    #expect(response.errorMessage.contains(fragment), "\(response.errorMessage) lacks \(fragment)")
                }
            }
            try await client.execute(uri: "/v2/models/nope/infer", method: .post, body: valid) {
                response in
                #expect(response.status == .notFound)
            }
            try await client.execute(
                uri: "/v2/models/digits-cnn/versions/v9/infer", method: .post, body: valid
            ) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v2/models/digits-cnn/infer", method: .get) { response in
                #expect(response.status.code >= 400 && response.status.code < 500)
            }
        }
    }

    @Test func limitsTimeoutsAndHeaders() async throws {
        let server = try await ServeFixtures.server(maxBodyBytes: 2048)
        let image = ServeFixtures.image(2)
        let object: [String: Any] = [
            "inputs": [["name": "input", "shape": [1, 8, 8, 1], "datatype": "FP32", "data": image.map { _ in 0.5 }]]
        ]
        let body = jsonBody(object)
        var withParameterObject = object
        withParameterObject["parameters"] = ["timeout_ms": 0.000001]
        let withParameter = jsonBody(withParameterObject)
        let tooLarge = jsonBody([
            "inputs": [
                [
                    "name": "input", "shape": [8, 8, 8, 1], "datatype": "FP32",
                    "data": Array(repeating: image, count: 8).flatMap { $0 },
                ]
            ]
        ])
        try await ServeFixtures.withLiveServer(server) { client in
            try await client.execute(uri: "/v2/models/digits-cnn/infer", method: .post, body: tooLarge) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.errorMessage.contains("2048"))
            }
            let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            try await client.execute(
                uri: "/v2/models/digits-cnn/infer", method: .post,
                headers: [ServeHeaders.requestId: "abc-123", ServeHeaders.traceparent: traceparent], body: body
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[ServeHeaders.requestId] == "abc-123")
                #expect(response.headers[ServeHeaders.traceparent] == traceparent)
                #expect(response.object["id"] as? String == "abc-123")
            }
            try await client.execute(
                uri: "/v2/models/digits-cnn/infer", method: .post, headers: [ServeHeaders.timeout: "0.000001"],
                body: body
            ) { response in
                #expect(response.status == .gatewayTimeout)
                #expect(response.errorMessage.contains("deadline"))
            }
            try await client.execute(uri: "/v2/models/digits-cnn/infer", method: .post, body: withParameter) {
                response in
                #expect(response.status == .gatewayTimeout)
            }
            for (name, value) in [
                (ServeHeaders.timeout, "soon"), (ServeHeaders.timeout, "-5"), (ServeHeaders.priority, "urgent"),
            ] {
                try await client.execute(
                    uri: "/v2/models/digits-cnn/infer", method: .post, headers: [name: value], body: body
                ) { response in
                    #expect(response.status == .badRequest)
                }
            }
            try await client.execute(
                uri: "/v2/models/digits-cnn/infer", method: .post, headers: [ServeHeaders.priority: "high"],
                body: body
            ) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func overloadAndShutdownMapToRetryableStatuses() {
        let full = ServeError.from(ServingError.queueFull(capacity: 4))
        #expect(full.status == .tooManyRequests)
        #expect(full.retryAfterSeconds == 1)
        let closing = ServeError.from(ServingError.shuttingDown)
        #expect(closing.status == .serviceUnavailable)
        #expect(closing.retryAfterSeconds == 1)
        #expect(ServeError.from(ServingError.deadlineExceeded).status == .gatewayTimeout)
        #expect(ServeError.from(PredictionError.missingField("age")).status == .badRequest)
    }

    @Test func aFullQueueAnswers429WithRetryAfter() async throws {
        // One waiting row per arm: a burst of concurrent requests must overflow it; every answer is 200 or 429.
        let server = try await ServeFixtures.server(maxQueueSize: 1)
        let body = jsonBody([
            "inputs": [
                [
                    "name": "input", "shape": [64, 8, 8, 1], "datatype": "FP32",
                    "data": (0..<64).flatMap { ServeFixtures.image($0) },
                ]
            ]
        ])
        let statuses = try await ServeFixtures.withLiveServer(server) { client in
            try await client.execute(uri: "/v2/models/digits-cnn/infer", method: .post, body: body) {
                response in
                (response.status.code, response.headers[ServeHeaders.retryAfter])
            }
        }
        #expect(statuses.0 == 429)
        #expect(statuses.1 == "1")
    }
}
