import Foundation
import Testing

@testable import Datasets

@Suite struct SafeTensorsTests {
  @Test func readsWhatPythonSafetensorsWrote() throws {
    let contents = try SafeTensors.read(contentsOf: Fixtures.url("checkpoint.safetensors"))
    #expect(contents.metadata == ["epoch": "3", "note": "written by safetensors.numpy"])
    #expect(contents.tensors.count == NPYArray.DType.allCases.count + 1)
    for dtype in NPYArray.DType.allCases { #expect(contents.tensors[dtype.rawValue] == Fixtures.values(dtype)) }
    #expect(contents.tensors["vector"] == NPYArray(shape: [5], storage: .float32([0, 1, 2, 3, 4])))
  }

  @Test func roundTripsExactlyAndAlignsData() throws {
    var tensors: [String: NPYArray] = [:]
    for (i, dtype) in NPYArray.DType.allCases.enumerated() {
      tensors["layer.\(i).\(dtype.rawValue)"] = Fixtures.random(dtype, shape: [i + 1, 3], seed: UInt64(i))
    }
    tensors["empty"] = NPYArray(shape: [0, 4], storage: .float32([]))
    tensors["scalar"] = NPYArray(shape: [], storage: .float64([0.5]))
    tensors["quote\"name\n"] = NPYArray(shape: [1], storage: .int8([-1]))
    let metadata = ["epoch": "12", "unicode": "μ ≈ 0.5 \"q\" \\"]
    let directory = try TemporaryDirectory()
    let file = directory.file("model.safetensors")
    try SafeTensors.write(tensors, metadata: metadata, to: file)
    let back = try SafeTensors.read(contentsOf: file)
    #expect(back.metadata == metadata)
    #expect(Set(back.tensors.keys) == Set(tensors.keys))
    for (name, array) in tensors { #expect(Fixtures.identical(try #require(back.tensors[name]), array), "\(name)") }
    let bytes = try Data(contentsOf: file)
    let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
    #expect(headerLength % 8 == 0)
  }

  @Test func writesAtomicallyOverAnExistingFile() throws {
    let directory = try TemporaryDirectory()
    let file = directory.file("ckpt.safetensors")
    try SafeTensors.write(["w": Fixtures.values(.float32)], to: file)
    try SafeTensors.write(["w": Fixtures.values(.float64)], metadata: ["step": "2"], to: file)
    #expect(try directory.contents() == ["ckpt.safetensors"])
    #expect(
      try SafeTensors.read(contentsOf: file)
        == SafeTensorsFile(tensors: ["w": Fixtures.values(.float64)], metadata: ["step": "2"]))
    let missing = directory.url.appendingPathComponent("no/such/dir/x.safetensors")
    let error = try #require(throws: DatasetsError.self) { try SafeTensors.write([:], to: missing) }
    guard case .ioFailure = error else { Issue.record("got \(error)"); return }
  }

  @Test func refusesTheReservedName() {
    #expect(throws: DatasetsError.self) { try SafeTensors.encode(["__metadata__": Fixtures.values(.uint8)]) }
  }

  @Test func rejectsInconsistentHeaders() throws {
    func file(_ json: String, dataBytes: Int) -> Data {
      let header = Array(json.utf8)
      return Data(
        (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header
          + [UInt8](repeating: 0, count: dataBytes))
    }
    let cases: [(String, Int)] = [
      (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, 4),  // size ≠ shape
      (
        #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
        8
      ),
      (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8),  // gap before
      (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 8),  // trailing bytes
      (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,40]}}"#, 8),  // beyond the data
      (#"{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, 2),  // unsupported dtype
      (#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 4),
      (#"{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}"#, 4),
      (#"{"a":{"dtype":"F32","shape":[1]}}"#, 4),
      (#"{"__metadata__":{"k":1}}"#, 0),
      (#"{"a":"#, 0),
      (#"[1,2]"#, 0),
    ]
    for (json, dataBytes) in cases {
      #expect(throws: DatasetsError.self, "\(json)") {
        try SafeTensors.decode(file(json, dataBytes: dataBytes), file: "s")
      }
    }
    var lying = file(#"{}"#, dataBytes: 0)
    for i in 0..<8 { lying[i] = 0xFF }
    #expect(throws: DatasetsError.truncated(file: "s", expectedBytes: Int.max, actualBytes: 10)) {
      try SafeTensors.decode(lying, file: "s")
    }
  }

  /// Python's safetensors reads our file with exact values and metadata; skipped only without the package.
  @Test(.enabled(if: Python.canImport("safetensors.numpy"), "needs python3 with safetensors and numpy"))
  func pythonSafetensorsReadsOurFiles() throws {
    let directory = try TemporaryDirectory()
    var tensors: [String: NPYArray] = [:]
    for dtype in NPYArray.DType.allCases { tensors[dtype.rawValue] = Fixtures.values(dtype) }
    tensors["empty"] = NPYArray(shape: [0, 2], storage: .float32([]))
    try SafeTensors.write(
      tensors, metadata: ["epoch": "7", "name": "μ \"net\""], to: directory.file("ours.safetensors"))
    let script = """
      import sys, numpy as np
      from safetensors.numpy import load_file
      from safetensors import safe_open
      path = sys.argv[1]
      t = load_file(path)
      i = np.arange(12)
      expected = {
          "float32": (i * 0.25 - 1.5).astype("<f4"), "float64": (i / 7 - 0.5).astype("<f8"),
          "int8": (i - 6).astype("i1"), "int16": (i * 1000 - 6000).astype("<i2"),
          "int32": (i * 100000 - 600000).astype("<i4"), "int64": (i * 10**12 - 6 * 10**12).astype("<i8"),
          "uint8": (i * 20).astype("u1"), "bool": i % 3 == 0}
      for name, e in expected.items():
          a = t[name]
          assert a.dtype == e.dtype and a.shape == (3, 4) and np.array_equal(a, e.reshape(3, 4)), name
      assert t["empty"].shape == (0, 2) and t["empty"].dtype == np.float32
      with safe_open(path, framework="numpy") as f:
          assert f.metadata() == {"epoch": "7", "name": "μ \\"net\\""}, f.metadata()
      print("checked", len(t))
      """
    let (status, output) = try Python.run(script, arguments: [directory.file("ours.safetensors").path])
    #expect(status == 0, "\(output)")
    #expect(output.contains("checked 9"))
  }

  /// A .safetensors.gz whose header declares 4 floats but which inflates to 64 MiB (a decompression bomb: it used to
  /// be inflated whole, 2 GB for 1 GiB) stops soon after the declared size.
  @Test func aGzipBombStopsAtTheDeclaredSize() throws {
    var bytes = try SafeTensors.encode(["a": NPYArray(shape: [4], storage: .float32([1, 2, 3, 4]))])
    let declared = bytes.count
    bytes += [UInt8](repeating: 0, count: 64 << 20)
    let bomb = try Gzip.compress(bytes, level: 9, file: "bomb.safetensors.gz")
    #expect(SafeTensors.declaredSize(Array(bytes.prefix(declared))) == declared)
    #expect(SafeTensors.declaredSize(Array(bytes.prefix(12))) == nil)
    #expect {
      _ = try ArrayFile.decode(Data(bomb), file: "bomb.safetensors.gz")
    } throws: { error in
      guard case let DatasetsError.corruptGzip(file, reason) = error else { return false }
      let stopped = Int(reason.split(separator: " ").last { Int($0) != nil } ?? "") ?? .max
      return file == "bomb.safetensors.gz" && reason.contains("more than the \(declared) bytes") && stopped <= 2 << 20
    }
  }
}
