// swift-tools-version: 6.1
// Release-mode benchmarks of InfoPlane's hot paths, kept out of the main package so that neither users nor
// `swift test` build them. Run from this directory: `swift run -c release gemm-bench` (see README.md).
// Each benchmark is an in-process harness: warm-up, then the median of repeated runs; the Python references in
// ../bench/ are run in the same invocation so the numbers are side by side.
import PackageDescription

let package = Package(
  name: "InfoPlaneBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "InfoPlane", path: "..")],
  targets: [
    .executableTarget(name: "gemm-bench", dependencies: [.product(name: "InfoPlane", package: "InfoPlane")]),
    .executableTarget(name: "knn-bench", dependencies: [.product(name: "InfoPlane", package: "InfoPlane")]),
    .executableTarget(name: "nn-bench", dependencies: [.product(name: "InfoPlane", package: "InfoPlane")]),
    .executableTarget(name: "resnet-bench", dependencies: [.product(name: "InfoPlane", package: "InfoPlane")]),
    // README's Swift example, compiled against the public API only (a separate package sees no `package` symbols),
    // so the guide cannot drift from the library: `swift run -c release readme-example`.
    .executableTarget(name: "readme-example", dependencies: [.product(name: "InfoPlane", package: "InfoPlane")]),
  ]
)
