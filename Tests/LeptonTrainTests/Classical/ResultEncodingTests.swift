import Foundation
import LeptonTrain
import Testing

/// Results written before fit warnings existed still decode, with no warnings; new results round-trip with theirs.
@Suite("Result encodings across versions")
struct ResultEncodingTests {
    @Test("a cross-validation result without warnings decodes with none; with them, round-trips")
    func crossValidationResult() throws {
        let old = #"{"scoring":"accuracy","foldScores":[0.5,0.75],"fitSeconds":[0.1,0.2]}"#
        let decoded = try JSONDecoder().decode(CrossValidationResult.self, from: Data(old.utf8))
        #expect(decoded.foldScores == [0.5, 0.75] && decoded.warnings.isEmpty)
        let result = CrossValidationResult(
            scoring: "r2", foldScores: [0.25], fitSeconds: [1], warnings: [FitWarning(fold: 0, message: "slow")])
        let again = try JSONDecoder().decode(CrossValidationResult.self, from: JSONEncoder().encode(result))
        #expect(again == result && again.warnings == [FitWarning(fold: 0, message: "slow")])
    }

    @Test("a feature importance without warnings decodes with none; with them, keeps them")
    func featureImportance() throws {
        let old = #"{"feature":"age","meanDecrease":0.125,"standardDeviation":0.5,"decreases":[0.25,0]}"#
        let decoded = try JSONDecoder().decode(FeatureImportance.self, from: Data(old.utf8))
        #expect(decoded.feature == "age" && decoded.decreases == [0.25, 0] && decoded.warnings.isEmpty)
        let new =
            #"{"feature":"age","meanDecrease":0.125,"standardDeviation":0.5,"decreases":[0.25,0],"#
            + #""warnings":[{"fold":1,"message":"m"}]}"#
        let withWarnings = try JSONDecoder().decode(FeatureImportance.self, from: Data(new.utf8))
        #expect(withWarnings.warnings == [FitWarning(fold: 1, message: "m")])
        let again = try JSONDecoder().decode(FeatureImportance.self, from: JSONEncoder().encode(withWarnings))
        #expect(again == withWarnings)
    }
}
