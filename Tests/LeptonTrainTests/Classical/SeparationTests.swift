import LeptonTensor
import LeptonTrain
import Testing

/// The perfect-separation diagnostic of unpenalised logistic regression (issue 17).
@Suite("Perfect separation")
struct SeparationTests {
    private let x = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [6, 1])

    @Test("separable classes without a penalty are flagged; overlapping ones and penalised fits are not")
    func flagged() throws {
        // x ≤ 3 → class 0, x ≥ 4 → class 1: the threshold 3.5 separates them, so no finite MLE exists.
        var unpenalised = LogisticRegression(penalty: .none)
        try unpenalised.fit(x, .labels([0, 0, 0, 1, 1, 1]))
        #expect(unpenalised.perfectSeparation)
        var penalised = LogisticRegression(penalty: .l2)
        try penalised.fit(x, .labels([0, 0, 0, 1, 1, 1]))
        #expect(!penalised.perfectSeparation)
        // Rows 3 and 4 overlap: no threshold separates them.
        var overlapping = LogisticRegression(penalty: .none)
        try overlapping.fit(x, .labels([0, 0, 1, 0, 1, 1]))
        #expect(!overlapping.perfectSeparation)
        // Three classes on a line, each in its own interval: separable by the multinomial scores.
        var multinomial = LogisticRegression(penalty: .none, maxIterations: 500)
        try multinomial.fit(x, .labels([0, 0, 1, 1, 2, 2]))
        #expect(multinomial.perfectSeparation)
    }

    @Test("cross-validation reports separation as a fit warning")
    func warned() throws {
        let result = try crossValidate(
            LogisticRegression(penalty: .none), x, .labels([0, 0, 0, 1, 1, 1]), folds: .stratifiedKFold(3))
        #expect(!result.warnings.isEmpty && result.warnings.allSatisfy { $0.message.contains("separated") })
    }
}

/// k-means asked for more clusters than the data has distinct points (issue 17).
@Suite("k-means with fewer distinct points than clusters")
struct KMeansDistinctClusterTests {
    @Test("distinctClusters counts the clusters actually used, as scikit-learn's warning does")
    func distinct() throws {
        // python3 -c "import warnings; warnings.simplefilter('error'); from sklearn.cluster import KMeans;
        //   KMeans(3, n_init=1, random_state=0).fit([[1],[1],[1],[2],[2]])"
        // → ConvergenceWarning: Number of distinct clusters (2) found smaller than n_clusters (3).
        var model = KMeans(clusters: 3)
        try model.fit(Tensor([1, 1, 1, 2, 2] as [Float], shape: [5, 1]))
        #expect(model.distinctClusters == 2)
    }
}

/// Permutation importance passes on the fitted model's warnings (issue 17).
@Suite("Permutation importance warnings")
struct PermutationWarningTests {
    @Test("a model stopped after two iterations yields importances that carry the convergence warning")
    func carried() throws {
        let x = Tensor([1, 5, 2, 3, 3, 1, 4, 4, 5, 2, 6, 6] as [Float], shape: [6, 2])
        var stopped = LogisticRegression(maxIterations: 2)
        try stopped.fit(x, .labels([0, 0, 1, 0, 1, 1]))
        #expect(!stopped.converged)
        let importances = try permutationImportance(stopped, x, .labels([0, 0, 1, 0, 1, 1]), repeats: 2)
        #expect(importances.allSatisfy { $0.warnings.count == 1 })
        var converged = LogisticRegression()
        try converged.fit(x, .labels([0, 0, 1, 0, 1, 1]))
        #expect(try permutationImportance(converged, x, .labels([0, 0, 1, 0, 1, 1])).allSatisfy(\.warnings.isEmpty))
    }
}
