import Testing

@testable import InformationPlane

@Suite struct InformationPlaneModuleTests {
  @Test func moduleIsLinked() { #expect(InformationPlaneModule.name == "InformationPlane") }
}
