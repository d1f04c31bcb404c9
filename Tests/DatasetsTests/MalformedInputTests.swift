import Foundation
import Tensor
import Testing

@testable import Datasets

/// Bad `.npy` input and the fuzz test over every format: damaged files throw `DatasetsError`, never trap.
@Suite struct MalformedInputTests {
  /// A version-1.0 `.npy` file with `header` as its dictionary text, padded as NumPy pads, then `data`.
  static func npy(_ header: String, data: [UInt8] = []) -> Data {
    var text = Array(header.utf8)
    text += [UInt8](repeating: 0x20, count: 63 - (10 + text.count) % 64) + [0x0A]
    return Data(NPY.magic + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + data)
  }

  static func header(descr: String = "<f4", fortran: String = "False", shape: String) -> String {
    "{'descr': '\(descr)', 'fortran_order': \(fortran), 'shape': \(shape), }"
  }

  @Test func acceptsTheHandBuiltFileItChecksAgainst() throws {
    let ok = Self.npy(Self.header(shape: "(2,)"), data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])
    #expect(try NPY.decode(ok, file: "f") == NPYArray(shape: [2], storage: .float32([1, 2])))
    let python2 = Self.npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1L,)}", data: [5, 0, 0, 0, 0, 0, 0, 0])
    #expect(try NPY.decode(python2, file: "f") == NPYArray(shape: [1], storage: .int64([5])))
  }

  @Test func rejectsWrongMagicAndVersions() {
    #expect(throws: DatasetsError.badMagic(file: "f", format: ".npy", found: "0x50 0x4b 0x03 0x04")) {
      try NPY.decode(Data([0x50, 0x4B, 3, 4]), file: "f")
    }
    #expect(throws: DatasetsError.badMagic(file: "f", format: ".npy", found: "nothing (the file is empty)")) {
      try NPY.decode(Data(), file: "f")
    }
    #expect(throws: DatasetsError.truncated(file: "f", expectedBytes: 10, actualBytes: 3)) {
      try NPY.decode(Data([0x93, 0x4E, 0x55]), file: "f")
    }
    #expect(throws: DatasetsError.self) { try NPY.decode(Data(NPY.magic + [9, 0, 10, 0]), file: "f") }
    #expect(throws: DatasetsError.truncated(file: "f", expectedBytes: 10 + 0xFFFF, actualBytes: 20)) {
      try NPY.decode(Data(NPY.magic + [1, 0, 0xFF, 0xFF] + [UInt8](repeating: 0x20, count: 10)), file: "f")
    }
  }

  @Test func rejectsHeadersThatLieAboutTheSize() throws {
    let large = Self.npy(Self.header(shape: "(1000, 1000)"), data: [UInt8](repeating: 0, count: 8))
    #expect(
      throws: DatasetsError.truncated(file: "f", expectedBytes: large.count - 8 + 4_000_000, actualBytes: large.count)
    ) {
      try NPY.decode(large, file: "f")
    }
    let long = Self.npy(Self.header(shape: "(1,)"), data: [UInt8](repeating: 0, count: 8))
    #expect(throws: DatasetsError.trailingBytes(file: "f", expectedBytes: long.count - 4, actualBytes: long.count)) {
      try NPY.decode(long, file: "f")
    }
    let shapes = [
      "(4294967296, 4294967296, 4294967296)", "(99999999999999999999,)", "(-3, 2)", "(3037000500, 3037000500)",
      "(0, 4611686018427387904, 4611686018427387904)", "(1152921504606846976, 0, 4)",
    ]
    for shape in shapes {
      let error = try #require(throws: DatasetsError.self) {
        try NPY.decode(Self.npy(Self.header(shape: shape)), file: "f")
      }
      guard case .invalidShape = error else { Issue.record("\(shape): got \(error)"); continue }
      #expect(error.description.contains("re-create"))
    }
  }

  @Test(arguments: ["<c8", "<f2", "<U3", "O", "<u4", ">i1x", "", "<M8[s]"])
  func rejectsUnsupportedDTypes(descr: String) {
    #expect(throws: DatasetsError.unsupportedDType(file: "f", format: ".npy", dtype: "'\(descr)'")) {
      try NPY.decode(Self.npy(Self.header(descr: descr, shape: "(1,)")), file: "f")
    }
  }

  @Test(arguments: [
    "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }",
    "{'descr': '<f4', 'shape': (1,), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1, }",
    "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': [1], }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,",
    "{'descr': '<f4, 'fortran_order': False, 'shape': (1,), }",
    "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
    "",
  ])
  func rejectsMalformedHeaders(header: String) throws {
    let error = try #require(throws: DatasetsError.self) {
      try NPY.decode(Self.npy(header, data: [0, 0, 0, 0]), file: "f")
    }
    guard case let .malformedHeader(file, format, _) = error else { Issue.record("got \(error)"); return }
    #expect(file == "f" && format == ".npy")
  }

  @Test func acceptsFortranOrderOnlyWhereItMatchesCOrder() throws {
    let column = Self.npy(Self.header(fortran: "True", shape: "(2, 1)"), data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])
    #expect(try NPY.decode(column, file: "f") == NPYArray(shape: [2, 1], storage: .float32([1, 2])))
    #expect(throws: DatasetsError.fortranOrder(file: "f")) {
      try NPY.decode(
        Self.npy(Self.header(fortran: "True", shape: "(2, 2)"), data: [UInt8](repeating: 0, count: 16)), file: "f")
    }
  }

  /// Valid files of every format, truncated at many positions and with bits flipped and bytes overwritten at many
  /// (seeded) positions: each case must end in a successful read or a thrown `DatasetsError`. A trap would crash
  /// the whole test run, so finishing is the check; the counts show both outcomes were exercised.
  @Test func damagedFilesThrowOrReadButNeverTrap() throws {
    var originals: [(name: String, data: Data)] = try [
      "float32.npy", "bool.npy", "float64-v2.npy", "float64-scalar.npy", "with-header.csv", "int16.idx",
      "float64.idx", "uint8.idx.gz", "checkpoint.safetensors", "mini-mnist/train-images-idx3-ubyte.gz",
    ].map { ($0, try Data(contentsOf: Fixtures.url($0))) }
    originals.append(
      (
        "ours.safetensors",
        Data(
          try SafeTensors.encode(
            ["a": Fixtures.values(.float64), "b": Fixtures.values(.bool)], metadata: ["k": "v"]))
      ))
    originals.append(("ours.idx.gz", Data(try Gzip.compress(IDX.encode(Fixtures.values(.int32)), file: "g"))))

    var rng = Xoshiro256(seed: 2024)
    var reads = 0
    var errors = 0
    func attempt(_ data: Data, _ name: String) {
      // By name (the format's own reader) and without a telling name (the sniffing dispatcher).
      for file in ["/fuzz/" + name, "/fuzz/blob"] {
        do {
          let result = try ArrayFile.decode(data, file: file)
          for named in result.arrays {
            _ = ArraySummary(named.array)
            _ = named.array.matrix()
            _ = named.array.tensor()
            _ = try? named.array.labels()
          }
          reads += 1
        } catch let error as DatasetsError {
          #expect(!error.description.isEmpty)
          errors += 1
        } catch {
          Issue.record("\(name): a non-DatasetsError escaped: \(error)")
        }
      }
    }
    for (name, original) in originals {
      let bytes = [UInt8](original)
      let cuts = bytes.count <= 400 ? Array(0..<bytes.count) : (0..<400).map { _ in rng.nextInt(below: bytes.count) }
      for cut in cuts { attempt(Data(bytes[0..<cut]), name) }
      for trial in 0..<600 {
        var damaged = bytes
        // Half the damage lands in the first 128 bytes, where the headers are.
        let range = trial % 2 == 0 ? min(128, bytes.count) : bytes.count
        let position = rng.nextInt(below: range)
        if trial % 3 == 2 {
          damaged[position] = UInt8(truncatingIfNeeded: rng.next())
        } else {
          damaged[position] ^= 1 << UInt8(rng.nextInt(below: 8))
        }
        attempt(Data(damaged), name)
      }
    }
    #expect(errors > 5_000)
    #expect(reads > 1_000)
  }
}
