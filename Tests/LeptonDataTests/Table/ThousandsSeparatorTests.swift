import LeptonData
import Testing

/// Numbers with a thousands separator (issue 17), as pandas' `read_csv(thousands=",")`.
@Suite("Thousands separator")
struct ThousandsSeparatorTests {
    private let text = "amount,name\n\"1,000\",a\n\"12,345.5\",b\n7,c\n"

    @Test("with a separator the column is numeric and equals pandas' values")
    func separator() throws {
        // printf 'amount,name\n"1,000",a\n"12,345.5",b\n7,c\n' > th.csv
        // python3 -c "import pandas as pd; print(pd.read_csv('th.csv', thousands=',').amount.tolist())"
        // → [1000.0, 12345.5, 7.0]
        let table = try Table(csvText: text, options: CSVReadOptions(thousandsSeparator: ","))
        #expect(try table.numbers("amount") == [1000, 12_345.5, 7])
        let description = try StreamingDescriber.describe(
            reader: CSVReader(string: text), options: CSVReadOptions(thousandsSeparator: ","))
        #expect(description.columns[0].type == .numeric && description.columns[0].numbers?.maximum == 12_345.5)
        // Without one, the column is text, as before.
        #expect(try Table(csvText: text).column("amount").type != .numeric)
    }

    @Test("a separator that cannot be told apart from a number is an error")
    func invalid() throws {
        #expect(throws: CSVError(file: "<memory>", problem: .invalidThousandsSeparator("."))) {
            try Table(csvText: text, options: CSVReadOptions(thousandsSeparator: "."))
        }
    }
}
