import Tensor
import Testing

@testable import Datasets

@Suite struct ShapesDatasetTests {
  @Test func generatesBalancedLabelledImages() throws {
    let (images, labels) = try ShapesDataset.generate(count: 200, seed: 1)
    #expect(images.shape == [200, 1, 28, 28])
    #expect(labels.count == 200)
    for c in 0..<10 { #expect(labels.filter { $0 == Int32(c) }.count == 20) }
    #expect(images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
  }

  @Test func everyImageShowsAShapeInsideTheFrame() throws {
    let (images, _) = try ShapesDataset.generate(count: 100, seed: 2)
    for i in 0..<100 {
      let pixels = images.scalars[(i * 784)..<((i + 1) * 784)]
      let ink = pixels.reduce(0, +)
      #expect(ink > 15, "image \(i) is nearly empty (ink \(ink))")
      // Nothing is cut off: the one-pixel border stays (almost) blank.
      var border: Float = 0
      for k in 0..<28 {
        border += pixels[pixels.startIndex + k] + pixels[pixels.startIndex + 27 * 28 + k]
        border += pixels[pixels.startIndex + k * 28] + pixels[pixels.startIndex + k * 28 + 27]
      }
      #expect(border < 1, "image \(i) touches the border")
    }
  }

  /// Outlined disks and squares carry less ink than the filled ones (for thin triangles the outline can carry more).
  @Test func classesAreDistinguishable() throws {
    let (images, labels) = try ShapesDataset.generate(count: 1000, seed: 3)
    var ink = [Float](repeating: 0, count: 10)
    for (i, label) in labels.enumerated() {
      ink[Int(label)] += images.scalars[(i * 784)..<((i + 1) * 784)].reduce(0, +)
    }
    #expect(ink[1] < ink[0] && ink[3] < ink[2])
  }

  @Test func sameSeedSameData() throws {
    let a = try ShapesDataset.generate(count: 20, seed: 5)
    let b = try ShapesDataset.generate(count: 20, seed: 5)
    let c = try ShapesDataset.generate(count: 20, seed: 6)
    #expect(a.images == b.images && a.labels == b.labels)
    #expect(a.images != c.images)
  }
}
