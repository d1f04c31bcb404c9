import Tensor

extension Sequential {
  /// The model's output and the requested probes for `inputs` `[N, …]`, in batches, without a tape.
  ///
  /// Evaluation mode (dropout off, batch-norm running stats, noise only where `activeAtInference`); batch b draws its
  /// noise from `mixSeed(seed, b)`, so the same seed gives the same outputs.
  /// - Returns: Each probe (and `"output"`) as `[N, probe shape…]`.
  /// - Throws: `NeuralNetworkError.inputShape` when the samples do not fit the model.
  package func outputs(
    for inputs: Tensor, probing names: [String], batchSize: Int = 1024, seed: UInt64 = 0, isTraining: Bool = false
  ) throws -> [String: Tensor] {
    let n = inputs.shape.first ?? 0
    let shapes = try outputShapes(for: Array(inputs.shape.dropFirst()), probing: names)
    var results = shapes.mapValues { [Float](repeating: 0, count: n * $0.reduce(1, *)) }
    try forEachBatch(of: inputs, probing: names, batchSize: batchSize, seed: seed, isTraining: isTraining) {
      start, outputs in
      for (name, value) in outputs {
        let width = shapes[name]!.reduce(1, *)
        results[name]!.withUnsafeMutableBufferPointer { dst in
          value.scalars.withUnsafeBufferPointer { src in
            guard let d = dst.baseAddress, let s = src.baseAddress else { return }
            (d + start * width).update(from: s, count: src.count)
          }
        }
      }
    }
    return results.reduce(into: [:]) { out, item in
      out[item.key] = Tensor(shape: [n] + (shapes[item.key] ?? []), scalars: item.value)
    }
  }

  /// Per-sample shapes of the requested probes and of `"output"`.
  /// - Throws: `NeuralNetworkError.inputShape` when the samples do not fit; `.invalidSetting` for an unknown probe.
  package func outputShapes(for sampleShape: [Int], probing names: [String]) throws -> [String: [Int]] {
    let outputShape = try self.outputShape(for: sampleShape)
    var shapes = try probeShapes(for: sampleShape).filter { names.contains($0.key) }
    for name in names where shapes[name] == nil && name != "output" {
      throw NeuralNetworkError.invalidSetting(name: "probe", value: name, allowed: probeNames.joined(separator: ", "))
    }
    shapes["output"] = outputShape
    return shapes
  }

  /// Runs `inputs` `[N, …]` through the model in batches without a tape, handing each batch's output (`"output"`)
  /// and requested probes to `body` with the index of the batch's first sample, so no caller has to hold every
  /// probe of every sample at once. Batching and noise seeds as `outputs(for:probing:batchSize:seed:isTraining:)`.
  /// - Throws: `NeuralNetworkError.inputShape` when the samples do not fit the model; whatever `body` throws.
  package func forEachBatch(
    of inputs: Tensor, probing names: [String], batchSize: Int = 1024, seed: UInt64 = 0, isTraining: Bool = false,
    _ body: (_ start: Int, _ outputs: [String: Tensor]) throws -> Void
  ) throws {
    let sampleShape = Array(inputs.shape.dropFirst())
    _ = try outputShapes(for: sampleShape, probing: names)
    let n = inputs.shape.first ?? 0
    let size = sampleShape.reduce(1, *)
    let batch = max(1, batchSize)
    var start = 0
    var index: UInt64 = 0
    while start < n {
      let count = min(batch, n - start)
      let slice = Tensor(
        shape: [count] + sampleShape, scalars: Array(inputs.scalars[(start * size)..<((start + count) * size)]))
      var context = ForwardContext(tape: nil, isTraining: isTraining, seed: mixSeed(seed, index))
      let (y, probed) = forward(Variable(slice), context: &context, probing: Set(names))
      try body(start, probed.mapValues(\.value).merging(["output": y.value], uniquingKeysWith: { a, _ in a }))
      start += count
      index += 1
    }
  }
}
