import InfoPlane

/// Neural-bound errors (settings, too few samples, divergence) describe the user's input: exit status 2.
extension NeuralEstimatorError: UserInputError {}
