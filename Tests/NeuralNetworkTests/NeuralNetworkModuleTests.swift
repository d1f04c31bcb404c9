import Testing

@testable import NeuralNetwork

@Suite struct NeuralNetworkModuleTests {
  @Test func moduleIsLinked() { #expect(NeuralNetworkModule.name == "NeuralNetwork") }
}
