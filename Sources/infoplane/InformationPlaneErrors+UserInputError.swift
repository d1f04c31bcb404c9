import InfoPlane

extension InformationPlaneError: UserInputError {}
extension CompressionError: UserInputError {}
