import InfoPlane

/// Unreadable or malformed data files are the user's to fix: exit status 2 with the error's message.
extension DatasetsError: UserInputError {}
