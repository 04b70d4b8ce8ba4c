import LeptonDeploy

/// One input tensor of an Open Inference Protocol (KServe v2) request.
///
/// `data` is row-major, flat (`[1, 2, 3, 4]`) or nested to the shape (`[[1, 2], [3, 4]]`).
public struct InferInput: Codable, Sendable, Equatable {
    /// The input's name: `input` for a tensor model, a column name for a tabular model.
    public var name: String
    /// The tensor's shape, the batch axis first.
    public var shape: [Int]
    /// The element type: `FP32`, `FP64`, `INT8`…`INT64`, `UINT8`…`UINT64`, `BOOL` or `BYTES`.
    public var datatype: String
    /// The elements, flat or nested.
    public var data: JSONValue
    /// Optional per-input parameters (ignored).
    public var parameters: [String: JSONValue]?

    /// Creates an input.
    /// - Parameters:
    ///   - name: the input's name.
    ///   - shape: its shape.
    ///   - datatype: its element type.
    ///   - data: its elements.
    ///   - parameters: optional parameters.
    public init(
        name: String, shape: [Int], datatype: String, data: JSONValue, parameters: [String: JSONValue]? = nil
    ) {
        self.name = name
        self.shape = shape
        self.datatype = datatype
        self.data = data
        self.parameters = parameters
    }

    /// Reads an input; `data` may be missing when the input is sent as binary data (it is then `null` until the
    /// binary part is attached).
    /// - Parameter decoder: the decoder.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        shape = try container.decode([Int].self, forKey: .shape)
        datatype = try container.decode(String.self, forKey: .datatype)
        data = try container.decodeIfPresent(JSONValue.self, forKey: .data) ?? .null
        parameters = try container.decodeIfPresent([String: JSONValue].self, forKey: .parameters)
    }

    private enum CodingKeys: String, CodingKey {
        case name, shape, datatype, data, parameters
    }
}

/// An output the client asks for in an inference request.
public struct RequestedOutput: Codable, Sendable, Equatable {
    /// The output's name (`output`, `probabilities`, `label`, `class_index`).
    public var name: String
    /// Optional per-output parameters (ignored).
    public var parameters: [String: JSONValue]?

    /// Creates a requested output.
    /// - Parameter name: the output's name.
    public init(name: String) {
        self.name = name
        parameters = nil
    }
}

/// An Open Inference Protocol inference request (`POST /v2/models/{name}/infer`).
public struct InferRequest: Codable, Sendable, Equatable {
    /// The request id, echoed in the response and used as the key of the prediction log (for feedback).
    public var id: String?
    /// Request parameters: `timeout_ms` (deadline in milliseconds), `priority` (`low`, `normal`, `high`).
    public var parameters: [String: JSONValue]?
    /// The inputs.
    public var inputs: [InferInput]
    /// The outputs to return (all when absent).
    public var outputs: [RequestedOutput]?

    /// Creates a request.
    /// - Parameters:
    ///   - id: the request id.
    ///   - parameters: request parameters.
    ///   - inputs: the inputs.
    ///   - outputs: the outputs to return.
    public init(
        id: String? = nil, parameters: [String: JSONValue]? = nil, inputs: [InferInput],
        outputs: [RequestedOutput]? = nil
    ) {
        self.id = id
        self.parameters = parameters
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// One output tensor of an inference response.
public struct InferOutput: Codable, Sendable, Equatable {
    /// The output's name.
    public var name: String
    /// Its shape, the batch axis first.
    public var shape: [Int]
    /// Its element type.
    public var datatype: String
    /// Its elements, flat and row-major (`nil` when sent as binary data).
    public var data: [JSONValue]?
    /// Output parameters (`binary_data_size` when sent as binary data).
    public var parameters: [String: JSONValue]?

    /// Creates an output.
    /// - Parameters:
    ///   - name: the output's name.
    ///   - shape: its shape.
    ///   - datatype: its element type.
    ///   - data: its elements.
    ///   - parameters: its parameters.
    public init(
        name: String, shape: [Int], datatype: String, data: [JSONValue]?, parameters: [String: JSONValue]? = nil
    ) {
        self.name = name
        self.shape = shape
        self.datatype = datatype
        self.data = data
        self.parameters = parameters
    }
}

/// An Open Inference Protocol inference response.
public struct InferResponse: Codable, Sendable, Equatable {
    /// The model's name.
    public var modelName: String
    /// The version that answered (of the first row, when rows were served by different rollout arms).
    public var modelVersion: String
    /// The request id.
    public var id: String
    /// Response parameters: `rollout_arm` (`champion` or `challenger`).
    public var parameters: [String: JSONValue]?
    /// The outputs.
    public var outputs: [InferOutput]

    private enum CodingKeys: String, CodingKey {
        case modelName = "model_name"
        case modelVersion = "model_version"
        case id, parameters, outputs
    }
}

/// The metadata of one tensor in model metadata.
public struct TensorMetadata: Codable, Sendable, Equatable {
    /// The tensor's name.
    public var name: String
    /// Its element type.
    public var datatype: String
    /// Its shape; `-1` is the variable batch axis.
    public var shape: [Int]
}

/// The answer to `GET /v2/models/{name}[/versions/{version}]`.
public struct ModelMetadata: Codable, Sendable, Equatable {
    /// The model's name.
    public var name: String
    /// Its loaded versions.
    public var versions: [String]
    /// `lepton`.
    public var platform: String
    /// The inputs a request must carry.
    public var inputs: [TensorMetadata]
    /// The outputs a response can carry.
    public var outputs: [TensorMetadata]
}
