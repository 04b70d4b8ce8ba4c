import Foundation
import LeptonData
import Testing

/// Weight of evidence on the edge cases of issue 17: empty bins, rare categories and unknown values.
@Suite("Weight of evidence: empty bins, rare categories, unknown values")
struct WoEEdgeCaseTests {
    private func near(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-12) -> Bool {
        actual.count == expected.count
            && zip(actual, expected).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
    }

    /// x = 0…19 and one outlier at 200 in ten equal-width bins: bins 1…8 are empty and merge into the outlier's
    /// bin, so two bins remain and the empty ones add nothing to the information value.
    @Test("empty equal-width bins merge into their neighbour and add no information value")
    func emptyUniformBins() throws {
        // python3 -c "import numpy as np, pandas as pd; x=np.r_[np.arange(20.),200.];
        //   y=np.r_[(np.arange(20)%3==0).astype(int),1]; b=pd.cut(x,[-np.inf,20,np.inf],right=False);
        //   t=pd.crosstab(b,y); G,B=(y==0).sum(),(y==1).sum(); g=t[0].replace(0,.5)/G; bb=t[1].replace(0,.5)/B;
        //   w=np.log(g/bb); print(t.values.tolist(), w.values.tolist(), ((g-bb)*w).sum())"
        // → [[13, 7], [0, 1]] [0.13353139262452257, -1.1786549963416462] 0.11869041414609238
        let x = (0..<20).map(Double.init) + [200]
        let y = (0..<20).map { $0 % 3 == 0 ? 1.0 : 0 } + [1]
        let table = try Table(columns: [Column(name: "x", data: .numeric(x)), Column(name: "y", data: .numeric(y))])
        let fitted = try WeightOfEvidence(columns: ["x"], target: "y", event: "1", binning: .uniform(bins: 10))
            .fit(on: table)
        let entry = fitted.entries[0]
        #expect(entry.cuts == [20])
        #expect(entry.bins.map(\.goods) == [13, 0] && entry.bins.map(\.bads) == [7, 1])
        #expect(entry.bins.allSatisfy { $0.count > 0 })
        #expect(near(entry.bins.map(\.woe), [0.13353139262452257, -1.1786549963416462]))
        #expect(near([entry.informationValue], [0.11869041414609238]))
        // An applicant in the former gap gets the weight of evidence of the bin it merged into.
        let applicant = try Table(columns: [Column(name: "x", data: .numeric([100]))])
        #expect(near(try fitted.apply(to: applicant).numbers("x").map { $0 ?? .nan }, [-1.1786549963416462]))
    }

    @Test("rare categories pool into an `other` bin")
    func rareCategoriesPool() throws {
        // python3 -c "import numpy as np, pandas as pd; x=['a']*20+['b']*20+['c']*2+['d']*2;
        //   y=[1]*12+[0]*8+[1]*3+[0]*17+[1,1]+[1,0]; k=[{'c':'other','d':'other'}.get(v,v) for v in x];
        //   t=pd.crosstab(pd.Series(k),pd.Series(y)); G,B=y.count(0),y.count(1); g=t[0].replace(0,.5)/G;
        //   b=t[1].replace(0,.5)/B; w=np.log(g/b); print(t.values.tolist(), w.to_dict(), ((g-b)*w).sum())"
        // → [[8, 12], [17, 3], [1, 3]] {'a': -0.7731898882334817, 'b': 1.3668762752627892,
        //    'other': -1.466337068793427} 1.1314613592109968
        let x = Array(repeating: "a", count: 20) + Array(repeating: "b", count: 20) + ["c", "c", "d", "d"]
        let y: [Double] =
            Array(repeating: 1, count: 12) + Array(repeating: 0, count: 8) + [1, 1, 1]
            + Array(repeating: 0, count: 17) + [1, 1, 1, 0]
        let table = try Table(columns: [Column(name: "x", data: .text(x)), Column(name: "y", data: .numeric(y))])
        let fitted = try WeightOfEvidence(columns: ["x"], target: "y", event: "1").fit(on: table)
        let entry = fitted.entries[0]
        #expect(entry.categories == ["a", "b"])
        #expect(entry.bins.map(\.label) == ["a", "b", "other"])
        #expect(entry.pooledCategories == ["c": 2, "d": 2])
        #expect(near(entry.bins.map(\.woe), [-0.7731898882334817, 1.3668762752627892, -1.466337068793427]))
        #expect(near([entry.informationValue], [1.1314613592109968]))
        #expect(try fitted.binIndices(for: table).map { $0[0] } == x.map { ["a": 0, "b": 1][$0] ?? 2 })
        // Every category apart on request (the old behaviour).
        let apart = try WeightOfEvidence(columns: ["x"], target: "y", event: "1", minimumCategoryShare: 0)
            .fit(on: table)
        #expect(apart.entries[0].categories == ["a", "b", "c", "d"] && apart.entries[0].pooledCategories == nil)
        #expect(throws: TransformError.self) {
            try WeightOfEvidence(columns: ["x"], target: "y", event: "1", minimumCategoryShare: 1).fit(on: table)
        }
    }

    @Test("a lone rare category too small for its own bin joins the category with the closest event rate")
    func loneRareCategory() throws {
        // python3 -c "import numpy as np, pandas as pd; x=['a']*10+['b']*10+['c']; y=[1]*6+[0]*4+[1]*2+[0]*8+[1];
        //   k=[{'c':'a'}.get(v,v) for v in x]; t=pd.crosstab(pd.Series(k),pd.Series(y)); G,B=y.count(0),y.count(1);
        //   g=t[0].replace(0,.5)/G; b=t[1].replace(0,.5)/B; w=np.log(g/b); print(w.to_dict(), ((g-b)*w).sum())"
        // → {'a': -0.8472978603872037, 'b': 1.0986122886681098} 0.8648489551356948
        let x = Array(repeating: "a", count: 10) + Array(repeating: "b", count: 10) + ["c"]
        let y: [Double] = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
        let table = try Table(columns: [Column(name: "x", data: .text(x)), Column(name: "y", data: .numeric(y))])
        let entry = try WeightOfEvidence(columns: ["x"], target: "y", event: "1").fit(on: table).entries[0]
        #expect(entry.bins.map(\.label) == ["a + other", "b"] && entry.pooledCategories == ["c": 0])
        #expect(near(entry.bins.map(\.woe), [-0.8472978603872037, 1.0986122886681098]))
        #expect(near([entry.informationValue], [0.8648489551356948]))
    }

    @Test("under .useUnknown an unseen category gets WoE 0 and the unknown bin, not an error")
    func unknownIsConsistent() throws {
        let table = try Table(columns: [
            Column(name: "x", data: .text(["a", "a", "b", "b", "b", "a"])),
            Column(name: "y", data: .numeric([1, 0, 0, 0, 1, 1])),
        ])
        let fitted = try WeightOfEvidence(columns: ["x"], target: "y", event: "1", unknown: .useUnknown)
            .fit(on: table)
        let applicants = try Table(columns: [Column(name: "x", data: .text(["a", "zzz", nil]))])
        let woe = try fitted.apply(to: applicants).numbers("x")
        let bins = try fitted.binIndices(for: applicants).map { $0[0] }
        #expect(bins == [0, 2, 2])
        #expect(fitted.binLabels == [["a", "b", "unknown"]])
        // The scorecard values indexed by the bins equal the encoded values.
        #expect(bins.map { fitted.binValues[0][$0] } == woe.map { $0 ?? .nan })
        let strict = try WeightOfEvidence(columns: ["x"], target: "y", event: "1").fit(on: table)
        #expect(throws: TransformError.unseenCategory(column: "x", value: "zzz", row: 1)) {
            try strict.binIndices(for: applicants)
        }
        #expect(strict.binValues[0].count == 2)
    }
}
