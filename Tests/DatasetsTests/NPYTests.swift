import Foundation
import Tensor
import Testing

@testable import Datasets

@Suite struct NPYTests {
  @Test(arguments: NPYArray.DType.allCases)
  func readsWhatNumPyWrote(dtype: NPYArray.DType) throws {
    let array = try NPY.read(contentsOf: Fixtures.url("\(dtype.rawValue).npy"))
    #expect(array == Fixtures.values(dtype))
  }

  /// Our encoder reproduces np.save byte for byte, header padding included.
  @Test(arguments: NPYArray.DType.allCases)
  func writesWhatNumPyWrites(dtype: NPYArray.DType) throws {
    let file = Fixtures.url("\(dtype.rawValue).npy")
    #expect(NPY.encode(Fixtures.values(dtype)) == [UInt8](try Data(contentsOf: file)))
  }

  @Test func readsOtherRanksAndEmptyArrays() throws {
    let cube = try NPY.read(contentsOf: Fixtures.url("float32-2x3x4.npy"))
    #expect(cube == NPYArray(shape: [2, 3, 4], storage: .float32((0..<24).map { Float($0) * 0.5 })))
    let vector = try NPY.read(contentsOf: Fixtures.url("float64-vector.npy"))
    #expect(vector == NPYArray(shape: [5], storage: .float64((0..<5).map { Double($0) / 3 })))
    let scalar = try NPY.read(contentsOf: Fixtures.url("float64-scalar.npy"))
    #expect(scalar == NPYArray(shape: [], storage: .float64([2.5])))
    let empty = try NPY.read(contentsOf: Fixtures.url("float32-empty.npy"))
    #expect(empty == NPYArray(shape: [0, 3], storage: .float32([])))
    for name in ["float32-2x3x4", "float64-vector", "float64-scalar", "float32-empty"] {
      let bytes = [UInt8](try Data(contentsOf: Fixtures.url(name + ".npy")))
      #expect(NPY.encode(try NPY.decode(Data(bytes), file: name)) == bytes, "\(name)")
    }
  }

  @Test func readsFormatVersion2() throws {
    let bytes = try Data(contentsOf: Fixtures.url("float64-v2.npy"))
    #expect(bytes[6] == 2)
    #expect(try NPY.decode(bytes, file: "v2") == Fixtures.values(.float64))
  }

  /// A header longer than 65 535 bytes needs version 2.0; NumPy's own limit is 64 axes, so only the writer's
  /// choice is checked here, on a shape with many axes of extent 1.
  @Test func writesVersion1ForOrdinaryHeaders() throws {
    let bytes = NPY.encode(NPYArray(shape: Array(repeating: 1, count: 64), storage: .uint8([7])))
    #expect(bytes[6] == 1)
    let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    #expect((10 + headerLength) % 64 == 0)
  }

  /// 22 000 axes of extent 1 give a header over 65 535 bytes: version 2.0, with a 4-byte length (NumPy itself would
  /// write the same but cannot load more than 64 axes, so this checks our own round trip).
  @Test func writesVersion2WhenTheHeaderNeedsIt() throws {
    let array = NPYArray(shape: Array(repeating: 1, count: 22_000), storage: .float64([0.25]))
    let bytes = NPY.encode(array)
    #expect(bytes[6] == 2 && bytes[7] == 0)
    let headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
    #expect(headerLength > 65_535 && (12 + headerLength) % 64 == 0)
    #expect(try NPY.decode(Data(bytes), file: "v2") == array)
  }

  @Test(arguments: NPYArray.DType.allCases, [[0], [7], [3, 5], [2, 3, 4], [2, 0, 3], []])
  func roundTripsExactly(dtype: NPYArray.DType, shape: [Int]) throws {
    let directory = try TemporaryDirectory()
    let array = Fixtures.random(dtype, shape: shape, seed: UInt64(shape.reduce(17, *)))
    let file = directory.file("a.npy")
    try NPY.write(array, to: file)
    #expect(Fixtures.identical(try NPY.read(contentsOf: file), array))
    #expect(try directory.contents() == ["a.npy"])
  }

  @Test func rejectsFortranOrderAndBigEndian() throws {
    let fortran = Fixtures.url("fortran.npy").path
    #expect(throws: DatasetsError.fortranOrder(file: fortran)) { try NPY.read(contentsOf: Fixtures.url("fortran.npy")) }
    let big = Fixtures.url("bigendian.npy")
    let error = try #require(throws: DatasetsError.self) { try NPY.read(contentsOf: big) }
    #expect(error == .bigEndian(file: big.path, dtype: "'>f8'"))
    #expect(error.description.contains("little-endian"))
  }

  @Test func convertsToTensorMatrixAndLabels() throws {
    let floats = Fixtures.values(.float32)
    #expect(floats.tensor() == Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0) * 0.25 - 1.5 }))
    let m = Fixtures.values(.float64).matrix()
    #expect(m.rows == 3 && m.columns == 4 && m[2, 1] == 9.0 / 7 - 0.5)
    let cube = NPYArray(shape: [2, 3, 4], storage: .int16((0..<24).map(Int16.init)))
    #expect(cube.matrix() == Matrix(rows: 2, columns: 12, scalars: (0..<24).map(Double.init)))
    #expect(
      NPYArray(shape: [3], storage: .int64([0, 9, 2])).matrix() == Matrix(rows: 3, columns: 1, scalars: [0, 9, 2]))
    #expect(try NPYArray(shape: [3, 1], storage: .uint8([0, 9, 2])).labels() == [0, 9, 2])
    #expect(try NPYArray(shape: [2], storage: .float64([1, 4])).labels() == [1, 4])
    #expect(
      NPYArray(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])).tensor() == Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
    #expect(NPYArray(Matrix([[1, 2], [3, 4]])).matrix() == Matrix([[1, 2], [3, 4]]))
    #expect(try NPYArray(labels: [3, 1]).labels() == [3, 1])
  }

  @Test func rejectsArraysThatAreNotLabels() {
    #expect(throws: DatasetsError.self) { try Fixtures.values(.int32).labels() }
    #expect(throws: DatasetsError.self) { try NPYArray(shape: [2], storage: .float32([1, 1.5])).labels() }
    #expect(throws: DatasetsError.self) { try NPYArray(shape: [1], storage: .int64([1 << 40])).labels() }
    #expect(throws: DatasetsError.self) { try NPYArray(shape: [1], storage: .bool([true])).labels() }
  }

  /// NumPy reads every dtype we write, with the exact values, dtype and shape; skipped only without numpy.
  @Test(.enabled(if: Python.canImport("numpy"), "needs python3 with numpy"))
  func numpyReadsOurFiles() throws {
    let directory = try TemporaryDirectory()
    for dtype in NPYArray.DType.allCases {
      try NPY.write(Fixtures.values(dtype), to: directory.file("\(dtype.rawValue).npy"))
    }
    let special = NPYArray(shape: [2, 2, 1], storage: .float64([.nan, .infinity, -0.0, .leastNonzeroMagnitude]))
    try NPY.write(special, to: directory.file("special.npy"))
    let script = """
      import sys, numpy as np
      d = sys.argv[1]
      i = np.arange(12)
      expected = {
          "float32": (i * 0.25 - 1.5).astype("<f4"), "float64": (i / 7 - 0.5).astype("<f8"),
          "int8": (i - 6).astype("i1"), "int16": (i * 1000 - 6000).astype("<i2"),
          "int32": (i * 100000 - 600000).astype("<i4"), "int64": (i * 10**12 - 6 * 10**12).astype("<i8"),
          "uint8": (i * 20).astype("u1"), "bool": i % 3 == 0}
      for name, e in expected.items():
          a = np.load(f"{d}/{name}.npy")
          assert a.dtype == e.dtype and a.shape == (3, 4) and np.array_equal(a, e.reshape(3, 4)), name
      s = np.load(f"{d}/special.npy")
      assert s.shape == (2, 2, 1) and s.dtype == np.float64
      f = s.ravel()
      assert np.isnan(f[0]) and f[1] == np.inf and f[2] == 0 and np.signbit(f[2]) and f[3] == 5e-324
      print("checked", len(expected) + 1)
      """
    let (status, output) = try Python.run(script, arguments: [directory.url.path])
    #expect(status == 0, "\(output)")
    #expect(output.contains("checked 9"))
  }
}
