import Testing

@testable import Datasets

@Suite struct DatasetsModuleTests {
  @Test func moduleIsLinked() { #expect(DatasetsModule.name == "Datasets") }
}
