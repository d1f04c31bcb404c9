import Testing

@testable import infoplane
import InfoPlane

@Suite struct VersionTests {
  @Test func versionIsReported() {
    #expect(InfoPlaneCommand.configuration.version == infoPlaneVersion)
  }
}
