import LeptonData
import Testing

/// NaN spellings in CSV files (issue 17): pandas' missing tokens are missing, and a NaN in any other spelling is
/// a missing cell too, so `missingCount` and `describe()` agree.
@Suite("NaN spellings are missing cells")
struct NaNTokenTests {
    @Test("pandas' na_values (-nan, -NaN, #NA, 1.#QNAN, -1.#IND) are missing and the column stays numeric")
    func pandasTokens() throws {
        // printf 'a,b\n1,x\n-nan,y\n-NaN,z\n#NA,w\n1.#QNAN,v\n-1.#IND,u\n2,t\n' > na2.csv
        // python3 -c "import pandas as pd; d=pd.read_csv('na2.csv'); print(d.dtypes.a, d.a.isna().sum(), d.a.mean())"
        // → float64 5 1.5
        let table = try Table(csvText: "a,b\n1,x\n-nan,y\n-NaN,z\n#NA,w\n1.#QNAN,v\n-1.#IND,u\n2,t\n")
        let column = try table.column("a")
        #expect(column.type == .numeric)
        #expect(column.missingCount == 5)
        #expect(try table.numbers("a") == [1, nil, nil, nil, nil, nil, 2])
        let description = table.describe().columns[0]
        #expect(description.missing == 5 && description.count == 2)
        #expect(description.numbers?.mean == 1.5)
    }

    @Test("NAN and +nan are missing cells, never NaN values; missingCount agrees with describe()")
    func otherSpellings() throws {
        let table = try Table(csvText: "a\n1\nNAN\n+nan\n3\n")
        let column = try table.column("a")
        #expect(column.type == .numeric)
        #expect(try table.numbers("a") == [1, nil, nil, 3])
        #expect(column.missingCount == 2 && table.describe().columns[0].missing == 2)
        // A NaN put in by code counts as missing too.
        let built = Column(name: "x", data: .numeric([1, .nan, nil]))
        #expect(built.missingCount == 2)
    }
}
