import InfoPlane

/// Estimator input problems (NaN, n ≤ k, small classes, mismatched rows) are the user's to fix: exit status 2.
extension EstimatorError: UserInputError {}
