import Testing

@testable import Tensor

@Suite struct SymmetricEigenTests {
  @Test(arguments: [1, 2, 3, 8, 20])
  func reconstructsRandomSymmetricMatrices(d: Int) {
    var rng = Xoshiro256(seed: UInt64(d))
    var a = [Double](repeating: 0, count: d * d)
    for r in 0..<d {
      for c in r..<d {
        let v = rng.nextGaussian()
        a[r * d + c] = v
        a[c * d + r] = v
      }
    }
    let e = SymmetricEigen(symmetric: a, dimension: d)
    #expect(zip(e.values, e.values.dropFirst()).allSatisfy { $0 >= $1 })
    for r in 0..<d {
      for c in 0..<d {
        var recon = 0.0, gram = 0.0
        for j in 0..<d {
          recon += e.vectors[r * d + j] * e.values[j] * e.vectors[c * d + j]
          gram += e.vectors[j * d + r] * e.vectors[j * d + c]
        }
        #expect(abs(recon - a[r * d + c]) < 1e-12 * Double(d))
        #expect(abs(gram - (r == c ? 1 : 0)) < 1e-12 * Double(d))
      }
    }
  }

  @Test func knownSpectrum() {
    let e = SymmetricEigen(symmetric: [2, 1, 1, 2], dimension: 2)
    #expect(abs(e.values[0] - 3) < 1e-14 && abs(e.values[1] - 1) < 1e-14)
  }
}
