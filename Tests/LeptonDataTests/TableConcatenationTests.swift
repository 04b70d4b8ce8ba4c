import LeptonData
import Testing

@Suite("Stacking tables")
struct TableConcatenationTests {
    @Test("rows are appended column by column, categories merged")
    func appendsRows() throws {
        let top = try Table(csvText: "amount,city,active\n1,Paris,true\n2,Rome,false\n")
        let bottom = try Table(csvText: "city,amount,active\nOslo,3,true\n")
        let stacked = try top.appendingRows(of: bottom)
        #expect(stacked.rowCount == 3)
        #expect(stacked.columnNames == ["amount", "city", "active"])
        #expect(try stacked.numbers("amount") == [1, 2, 3])
        #expect(try stacked.strings("city") == ["Paris", "Rome", "Oslo"])
        #expect(try stacked.booleans("active") == [true, false, true])
        let mismatched = try Table(csvText: "amount,city,active\nmany,Oslo,true\n")
        #expect(throws: TableError.self) { try top.appendingRows(of: mismatched) }
    }
}
