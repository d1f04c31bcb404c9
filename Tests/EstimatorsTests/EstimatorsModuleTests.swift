import Testing

@testable import Estimators

@Suite struct EstimatorsModuleTests {
  @Test func moduleIsLinked() { #expect(EstimatorsModule.name == "Estimators") }
}
