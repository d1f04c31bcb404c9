@_spi(Benchmarks) import Tensor
import Testing

@_spi(Benchmarks) @testable import NeuralNetwork

/// The tape's guard rails: a pullback must return one gradient per input, and one operation cannot mix the
/// variables of two forward passes (the second would silently get no gradient). Both are programming errors, so they
/// stop the process; exit tests run them in a child process.
@Suite struct TapeTests {
  @Test func oneTapeGivesGradientsToEveryInput() {
    let tape = Tape()
    let a = tape.watch(Tensor(shape: [2], scalars: [1, 2])), b = tape.watch(Tensor(shape: [2], scalars: [3, 4]))
    let grads = tape.backward(from: (a * b).sum())
    #expect(grads[a.node]?.scalars == [3, 4] && grads[b.node]?.scalars == [1, 2])
  }

  @Test func variablesOfTwoTapesStopTheProcess() async {
    await #expect(processExitsWith: .failure) {
      let a = Tape().watch(Tensor(shape: [2], scalars: [1, 2])), b = Tape().watch(Tensor(shape: [2], scalars: [3, 4]))
      _ = a + b
    }
  }

  @Test func aPullbackWithTooFewGradientsStopsTheProcess() async {
    await #expect(processExitsWith: .failure) {
      let tape = Tape()
      let a = tape.watch(Tensor(shape: [2], scalars: [1, 2])), b = tape.watch(Tensor(shape: [2], scalars: [3, 4]))
      let y = Tape.record(a.value, inputs: [a, b]) { dy in [dy] }  // two inputs, one gradient
      tape.backward(from: y)
    }
  }

  @Test func probesAreNamedWhereTheyAreDeclared() throws {
    let classifier = try NoisyClassifier(seed: 0)
    // The recorded outputs: after the first two conv blocks' activations, the third block flattened, and after the
    // two dense layers' activations (the indices the network had when they were written by hand).
    #expect(classifier.network.probes == ["layer1": 4, "layer2": 9, "layer3": 15, "layer4": 18, "layer5": 21])
    #expect(classifier.network.probeNames == ["layer1", "layer2", "layer3", "layer4", "layer5"])
  }

  /// A pullback that captured a `Variable` would keep its tape, and every activation on it, alive after the pass (a
  /// reference cycle tape → node → closure → variable → tape): the tape of a finished pass must be freed.
  @Test(arguments: [false, true]) func aFinishedPassFreesItsTape(bias: Bool) {
    weak var released: Tape?
    do {
      let tape = Tape()
      released = tape
      var rng = Xoshiro256(seed: 1)
      let linear = Linear(3, 2, bias: bias, using: &rng)
      let conv = Conv2d(1, 2, kernelSize: 3, bias: bias, using: &rng)
      let x = tape.watch(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
      let image = tape.watch(Tensor(repeating: 0.5, shape: [1, 1, 4, 4]))
      var context = ForwardContext(tape: tape, isTraining: true, seed: 0)
      let y = linear.forward(x, context: &context).sum() + conv.forward(image, context: &context).sum()
      tape.backward(from: y)
    }
    #expect(released == nil)
  }
}
