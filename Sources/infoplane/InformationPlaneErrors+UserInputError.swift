import InfoPlane

extension LayerAnalysisError: UserInputError {}
extension RunStoreError: UserInputError {}
extension SmoothingError: UserInputError {}
extension CompressionError: UserInputError {}
extension SyntheticDataError: UserInputError {}
extension ExperimentError: UserInputError {}
