import InfoPlane

extension LayerAnalysisError: UserInputError {}
extension RunStoreError: UserInputError {}
extension SmoothingError: UserInputError {}
extension CompressionError: UserInputError {}
extension ExperimentError: UserInputError {}
