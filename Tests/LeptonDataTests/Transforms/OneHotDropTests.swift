import Foundation
import LeptonData
import Testing

/// One-hot encoding with a dropped indicator, as scikit-learn's `OneHotEncoder(drop=...)` (issue 17).
@Suite("One-hot drop: first and if binary")
struct OneHotDropTests {
    private let table = try! Table(columns: [
        Column(name: "c", data: .text(["b", "a", "c", "a"])), Column(name: "d", data: .text(["x", "y", "x", "y"])),
    ])

    private func matrix(_ drop: OneHotDrop) throws -> (names: [String], rows: [[Double]]) {
        let fitted = try Pipeline { OneHot(columns: ["c", "d"], drop: drop) }.fit(on: table)
        let values = try fitted.featureValues(from: table)
        let rows = (0..<values.rows).map { row in (0..<values.columns).map { values[row, $0] } }
        return (fitted.featureNames, rows)
    }

    @Test("drop: .first and .ifBinary give scikit-learn's columns and values")
    func matchesScikitLearn() throws {
        // python3 -c "import pandas as pd; from sklearn.preprocessing import OneHotEncoder as O;
        //   X=pd.DataFrame({'c':['b','a','c','a'],'d':['x','y','x','y']});
        //   e=O(drop='first',sparse_output=False).fit(X); print(e.get_feature_names_out().tolist(), e.transform(X).tolist())"
        // → ['c_b', 'c_c', 'd_y'] [[1,0,0],[0,0,1],[0,1,0],[0,0,1]]   (drop='if_binary': c_a, c_b, c_c, d_y)
        let first = try matrix(.first)
        #expect(first.names == ["c=b", "c=c", "d=y"])
        #expect(first.rows == [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]])
        let binary = try matrix(.ifBinary)
        #expect(binary.names == ["c=a", "c=b", "c=c", "d=y"])
        #expect(binary.rows == [[0, 1, 0, 0], [1, 0, 0, 1], [0, 0, 1, 0], [1, 0, 0, 1]])
        #expect(try matrix(.none).names.count == 5)
    }

    @Test("the drop setting survives encoding; older encodings drop nothing")
    func coding() throws {
        let fitted = try OneHot(columns: ["c"], drop: .first).fit(on: table)
        let decoded = try JSONDecoder().decode(FittedOneHot.self, from: try JSONEncoder().encode(fitted))
        #expect(decoded == fitted && decoded.drop == .first)
        let old = #"{"entries":[{"column":"c","categories":["a","b"]}],"unknown":"error"}"#
        #expect(try JSONDecoder().decode(FittedOneHot.self, from: Data(old.utf8)).drop == OneHotDrop.none)
    }
}

/// Rare levels pooled in one indicator, as scikit-learn's `OneHotEncoder(min_frequency=...)` (issue 17).
@Suite("One-hot rare-level grouping")
struct OneHotInfrequentTests {
    @Test("categories seen fewer than minimumFrequency times share the <infrequent> indicator")
    func matchesScikitLearn() throws {
        // python3 -c "import pandas as pd; from sklearn.preprocessing import OneHotEncoder as O;
        //   X=pd.DataFrame({'x':['a','a','b','c','c','d']}); e=O(min_frequency=2,sparse_output=False).fit(X);
        //   print(e.get_feature_names_out().tolist(), e.transform(X).tolist())"
        // → ['x_a', 'x_c', 'x_infrequent_sklearn'] [[1,0,0],[1,0,0],[0,0,1],[0,1,0],[0,1,0],[0,0,1]]
        let table = try Table(columns: [Column(name: "x", data: .text(["a", "a", "b", "c", "c", "d"]))])
        let fitted = try Pipeline { OneHot(columns: ["x"], minimumFrequency: 2) }.fit(on: table)
        #expect(fitted.featureNames == ["x=a", "x=c", "x=<infrequent>"])
        let values = try fitted.featureValues(from: table)
        let rows = (0..<values.rows).map { row in (0..<values.columns).map { values[row, $0] } }
        #expect(rows == [[1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 0], [0, 0, 1]])
        let decoded = try JSONDecoder().decode(FittedPipeline.self, from: try JSONEncoder().encode(fitted))
        #expect(decoded == fitted)
    }
}

/// Settings and fitted states written before a setting existed decode as they were fitted.
@Suite("Encoder encodings across versions")
struct EncoderEncodingVersionTests {
    @Test("one-hot settings and state without minimumFrequency or infrequent pool nothing")
    func oneHot() throws {
        let settings = #"{"columns":["c"],"unknown":"ignore","categories":{}}"#
        let decoded = try JSONDecoder().decode(OneHot.self, from: Data(settings.utf8))
        #expect(decoded.minimumFrequency == 0 && decoded.drop == OneHotDrop.none && decoded.unknown == .ignore)
        let state = #"{"entries":[{"column":"c","categories":["a"]}],"unknown":"error","drop":"first"}"#
        let fitted = try JSONDecoder().decode(FittedOneHot.self, from: Data(state.utf8))
        #expect(fitted.infrequent.isEmpty && fitted.drop == .first)
        let pooled = OneHot(columns: ["c"], minimumFrequency: 3)
        #expect(try JSONDecoder().decode(OneHot.self, from: JSONEncoder().encode(pooled)) == pooled)
    }

    @Test("weight-of-evidence settings without minimumCategoryShare keep every category apart")
    func weightOfEvidence() throws {
        let settings = WeightOfEvidence(columns: ["c"], target: "y", minimumCategoryShare: 0.1)
        let encoded = try JSONEncoder().encode(settings)
        #expect(try JSONDecoder().decode(WeightOfEvidence.self, from: encoded) == settings)
        var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        #expect(object["minimumCategoryShare"] as? Double == 0.1)
        object["minimumCategoryShare"] = nil
        let old = try JSONDecoder().decode(
            WeightOfEvidence.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.minimumCategoryShare == 0 && old.columns == ["c"] && old.target == "y")
    }
}
