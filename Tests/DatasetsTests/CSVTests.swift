import Foundation
import Tensor
import Testing

@testable import Datasets

@Suite struct CSVTests {
  @Test func readsNumPySavetxtWithAndWithoutHeader() throws {
    let expected = Fixtures.values(.float64).matrix()
    let withHeader = try CSV.read(contentsOf: Fixtures.url("with-header.csv"))
    #expect(withHeader == CSVTable(header: ["a", "b", "c", "d"], values: expected))
    let plain = try CSV.read(contentsOf: Fixtures.url("no-header.csv"))
    #expect(plain == CSVTable(header: nil, values: expected))
  }

  @Test func explicitHeaderModeOverridesDetection() throws {
    let data = Data("1,2\n3,4\n".utf8)
    #expect(
      try CSV.decode(data, file: "x.csv", header: .present) == CSVTable(header: ["1", "2"], values: Matrix([[3, 4]])))
    #expect(try CSV.decode(data, file: "x.csv", header: .absent).values == Matrix([[1, 2], [3, 4]]))
    #expect(throws: DatasetsError.notANumber(file: "y.csv", row: 0, column: 0, line: 1, text: "a")) {
      try CSV.decode(Data("a,b\n1,2\n".utf8), file: "y.csv", header: .absent)
    }
  }

  @Test func acceptsCRLFSpacesBOMQuotedHeaderAndBlankLines() throws {
    let text = "\u{FEFF}\"x, first\",\"say \"\"y\"\"\"\r\n 1.5 , -2e3\r\n\r\n0x1p-2,7\r\n"
    let table = try CSV.decode(Data(text.utf8), file: "z.csv")
    #expect(table.header == ["x, first", "say \"y\""])
    #expect(table.values == Matrix([[1.5, -2000], [0.25, 7]]))
  }

  @Test(arguments: [1, 2, 5], [1, 3])
  func roundTripsExactly(rows: Int, columns: Int) throws {
    var rng = Xoshiro256(seed: UInt64(rows * 10 + columns))
    let values = (0..<(rows * columns)).map { _ -> Double in
      var v: Double
      repeat { v = Double(bitPattern: rng.next()) } while !v.isFinite
      return v
    }
    let matrix = Matrix(rows: rows, columns: columns, scalars: values)
    let header = (0..<columns).map { "col \($0), \"q\"" }
    let directory = try TemporaryDirectory()
    try CSV.write(matrix, header: header, to: directory.file("m.csv"))
    #expect(try CSV.read(contentsOf: directory.file("m.csv")) == CSVTable(header: header, values: matrix))
    try CSV.write(matrix, to: directory.file("n.csv"))
    #expect(try CSV.read(contentsOf: directory.file("n.csv")) == CSVTable(header: nil, values: matrix))
  }

  @Test func rejectsNaNRaggedRowsAndEmptyFiles() throws {
    let nan = try #require(throws: DatasetsError.self) { try CSV.decode(Data("a,b\n1,2\n3,nan\n".utf8), file: "f.csv") }
    #expect(nan == .nonFinite(file: "f.csv", row: 1, column: 1, line: 3))
    #expect(nan.description.contains("line 3"))
    #expect(throws: DatasetsError.raggedRow(file: "f.csv", row: 1, line: 3, expected: 2, found: 3)) {
      try CSV.decode(Data("1,2\n\n3,4,5\n".utf8), file: "f.csv")
    }
    #expect(throws: DatasetsError.notANumber(file: "f.csv", row: 0, column: 1, line: 2, text: "")) {
      try CSV.decode(Data("a,b\n1,\n".utf8), file: "f.csv")
    }
    #expect(throws: DatasetsError.emptyCSV(file: "f.csv")) { try CSV.decode(Data("a,b\n\n".utf8), file: "f.csv") }
    // A NUL byte inside a cell: not the number before it (it read as 1 before).
    let nul = try #require(throws: DatasetsError.self) {
      try CSV.decode(Data([0x61, 0x2C, 0x62, 0x0A, 0x31, 0x00, 0x32, 0x2C, 0x33, 0x0A]), file: "f.csv")
    }
    guard case let .notANumber(_, row, column, line, _) = nul else {
      Issue.record("expected notANumber, got \(nul)")
      return
    }
    #expect(row == 0 && column == 0 && line == 2)
    #expect(throws: DatasetsError.self) { try CSV.encode(Matrix([[1, .infinity]])) }
    #expect(throws: DatasetsError.self) { try CSV.encode(Matrix([[1, 2]]), header: ["only one"]) }
  }
}
