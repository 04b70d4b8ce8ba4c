import LeptonData
import Testing

/// Splits and text transforms that used to return silently wrong results (issue 17) now throw.
@Suite("Edge cases that throw instead of answering silently")
struct EdgeCaseSplitTests {
    @Test("a stratified split too small for every class throws, as scikit-learn")
    func stratifiedSplitSides() throws {
        // python3 -c "from sklearn.model_selection import train_test_split as t;
        //   t(list(range(10)), test_size=0.1, stratify=[0]*8+[1]*2)"
        // → ValueError: The test_size = 1 should be greater or equal to the number of classes = 2
        let labels: [Int32] = Array(repeating: 0, count: 8) + [1, 1]
        #expect(throws: SplitError.sideSmallerThanClassCount(side: "test", size: 1, classes: 2)) {
            try TrainTestSplit(labels: labels, testFraction: 0.1, seed: 1)
        }
        #expect(throws: SplitError.sideSmallerThanClassCount(side: "train", size: 1, classes: 2)) {
            try TrainTestSplit(labels: labels, testFraction: 0.9, seed: 1)
        }
        // Every class reaches both sides whenever the sizes allow it.
        let many: [Int32] = Array(repeating: 0, count: 40) + [1, 1] + [2, 2]
        for seed in 0..<20 {
            let split = try TrainTestSplit(labels: many, testFraction: 0.1, seed: UInt64(seed))
            #expect(Set(split.test.map { many[$0] }) == [0, 1, 2] && Set(split.train.map { many[$0] }) == [0, 1, 2])
        }
    }

    @Test("stratified k-fold with a class smaller than the fold count names that class")
    func stratifiedFoldClass() throws {
        // python3 -c "import warnings; warnings.simplefilter('error'); from sklearn.model_selection import
        //   StratifiedKFold as S; list(S(3).split(range(7),[0,0,0,0,0,1,1]))"
        // → The least populated class in y has only 2 members, which is less than n_splits=3.
        #expect(throws: SplitError.classTooSmall(label: 1, count: 2, required: 3)) {
            try StratifiedKFold(folds: 3, shuffle: false).splits(labels: [0, 0, 0, 0, 0, 1, 1])
        }
    }

    @Test("TF-IDF and bag of words with an empty vocabulary throw, as scikit-learn")
    func emptyVocabulary() throws {
        // python3 -c "from sklearn.feature_extraction.text import TfidfVectorizer as T; T().fit(['', ' '])"
        // → ValueError: empty vocabulary; perhaps the documents only contain stop words
        let table = try Table(columns: [Column(name: "text", data: .text(["", " "]))])
        #expect(throws: TransformError.emptyVocabulary(column: "text")) { try TFIDF(column: "text").fit(on: table) }
        #expect(throws: TransformError.emptyVocabulary(column: "text")) {
            try BagOfWords(column: "text").fit(on: table)
        }
    }
}
