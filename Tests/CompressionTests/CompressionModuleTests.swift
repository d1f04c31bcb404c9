import Testing

@testable import Compression

@Suite struct CompressionModuleTests {
  @Test func moduleIsLinked() { #expect(CompressionModule.name == "Compression") }
}
