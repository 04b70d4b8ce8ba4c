import Foundation
import LeptonTensor
import Testing

/// Files written by Python's safetensors (and PyTorch) read by Lepton, and files written by Lepton checked
/// by Python's safetensors.
@Suite struct SafeTensorsInteropTests {
    typealias Support = SafeTensorsTestSupport

    struct ExpectedFile: Decodable {
        let metadata: [String: String]
        let tensors: [String: ExpectedTensor]
    }

    struct ExpectedTensor: Decodable {
        let dtype: String
        let shape: [Int]
        let float32Bits: [UInt32]
        let integers: [String]?
    }

    /// `python_dtypes.safetensors` holds every supported dtype; `python_dtypes_expected.json` lists the values
    /// that numpy computed for each (see `make_python_files.py`).
    @Test func readsEveryDtypeWrittenByPython() throws {
        let file = try SafeTensorsFile(
            contentsOf: Support.resources.appendingPathComponent("python_dtypes.safetensors"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let expected = try decoder.decode(
            ExpectedFile.self,
            from: try Data(contentsOf: Support.resources.appendingPathComponent("python_dtypes_expected.json")))
        #expect(file.metadata == expected.metadata)
        #expect(Set(file.names) == Set(expected.tensors.keys))
        #expect(Set(expected.tensors.values.map(\.dtype)) == Set(SafeTensorsDType.allCases.map(\.rawValue)))
        for (name, tensor) in expected.tensors.sorted(by: { $0.key < $1.key }) {
            let entry = try file.entry(name)
            #expect(entry.dtype.rawValue == tensor.dtype, "\(name)")
            #expect(entry.shape == tensor.shape, "\(name)")
            #expect(try file.floats(name).map(\.bitPattern) == tensor.float32Bits, "\(name)")
            guard let integers = tensor.integers else { continue }
            let exact = integers.map { Int64($0) }
            if exact.contains(nil) {
                #expect(throws: SafeTensorsError.self, "\(name) has values above Int64.max") { try file.int64s(name) }
            } else {
                #expect(try file.int64s(name) == exact.map { $0! }, "\(name)")
            }
            let fitsInt32 = exact.allSatisfy { $0.map { Int32(exactly: $0) != nil } ?? false }
            if fitsInt32 {
                #expect(try file.int32s(name) == exact.map { Int32($0!) }, "\(name)")
            } else {
                #expect(throws: SafeTensorsError.self, "\(name) has values outside Int32") { try file.int32s(name) }
            }
        }
    }

    /// The project's PyTorch fixture: y = x W^T + b, checked in Double against the stored y.
    @Test func readsThePyTorchLinearFixture() throws {
        let file = try SafeTensorsFile(contentsOf: Support.resources.appendingPathComponent("linear.safetensors"))
        let shapes = Dictionary(uniqueKeysWithValues: file.entries.map { ($0.name, $0.shape) })
        #expect(
            shapes == [
                "x": [4, 7], "weight": [5, 7], "bias": [5], "y": [4, 5], "gy": [4, 5],
                "grad.x": [4, 7], "grad.weight": [5, 7], "grad.bias": [5],
            ])
        #expect(file.entries.allSatisfy { $0.dtype == .f32 })
        let caseOptions = try #require(file.metadata["case"])
        let options = try JSONSerialization.jsonObject(with: Data(caseOptions.utf8)) as? [String: String]
        #expect(options?["op"] == "linear")
        #expect(options?["formula"] == "y = x @ weight^T + bias")

        let x = try file.floats("x")
        let weight = try file.floats("weight")
        let bias = try file.floats("bias")
        let y = try file.floats("y")
        for row in 0..<4 {
            for column in 0..<5 {
                var sum = Double(bias[column])
                for k in 0..<7 { sum += Double(x[row * 7 + k]) * Double(weight[column * 7 + k]) }
                #expect(abs(sum - Double(y[row * 5 + column])) < 1e-5, "y[\(row), \(column)]")
            }
        }
    }

    @Test(.enabled(if: Support.pythonSafetensorsAvailable, "python3 with safetensors and numpy not installed"))
    func pythonReadsWhatLeptonWrites() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let floats: [Float] = [1.5, -0.0, .infinity, .leastNonzeroMagnitude, -.greatestFiniteMagnitude, 0.1]
        let int64s: [Int64] = [Int64.min, Int64.max, 1 << 53 + 1, -1]
        let int32s: [Int32] = [Int32.min, Int32.max, 0]
        let scalar: [Float] = [7]
        let tensors: [[String: Any]] = [
            [
                "name": "layer.0/weight \"é\"", "dtype": "F32", "shape": [2, 3],
                "float32_bits": floats.map(\.bitPattern),
            ],
            ["name": "steps", "dtype": "I64", "shape": [4], "integers": int64s],
            ["name": "labels", "dtype": "I32", "shape": [3, 1], "integers": int32s],
            ["name": "scale", "dtype": "F32", "shape": [] as [Int], "float32_bits": scalar.map(\.bitPattern)],
            ["name": "empty", "dtype": "F32", "shape": [0, 2], "float32_bits": [] as [UInt32]],
        ]
        let metadata = ["note": "written by Lepton: \"quotes\" \\ and é"]
        let expected: [String: Any] = ["metadata": metadata, "tensors": tensors, "identical_bytes": true]
        let expectedURL = directory.appendingPathComponent("expected.json")
        try JSONSerialization.data(withJSONObject: expected).write(to: expectedURL)

        var writer = SafeTensorsWriter(metadata: metadata)
        try writer.add("layer.0/weight \"é\"", shape: [2, 3], floats: floats)
        try writer.add("steps", shape: [4], int64s: int64s)
        try writer.add("labels", shape: [3, 1], int32s: int32s)
        try writer.add("scale", shape: [], floats: scalar)
        try writer.add("empty", shape: [0, 2], floats: [])
        let url = directory.appendingPathComponent("lepton.safetensors")
        try writer.write(to: url)

        let script = Support.resources.appendingPathComponent("check_lepton_file.py")
        let result = try Support.runPython([script.path, url.path, expectedURL.path])
        #expect(result.status == 0, "check_lepton_file.py: \(result.output)")
    }
}
