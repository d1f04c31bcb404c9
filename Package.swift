// swift-tools-version: 6.1
// InfoPlane: mutual information and information-plane analysis of neural networks, in Swift.
// Architecture and module boundaries: see docs/architecture.md (one module per arrow of the data flow).
import PackageDescription

let package = Package(
  name: "InfoPlane",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "InfoPlane", targets: ["InfoPlane"]),
    .executable(name: "infoplane", targets: ["infoplane"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // SIMD micro-kernels (SGEMM, squared distances) with run-time CPU dispatch; no unsafe flags.
    .target(name: "CKernels"),
    // The system zlib (gzip-compressed IDX files). On Debian: `apt-get install zlib1g-dev`; macOS has it in the SDK.
    .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    .target(name: "Tensor", dependencies: ["CKernels"]),
    .target(name: "Datasets", dependencies: ["Tensor", "CZlib"]),
    .target(name: "NeuralNetwork", dependencies: ["CKernels", "Tensor", "Datasets"]),
    .target(name: "Estimators", dependencies: ["Tensor", "CKernels"]),
    .target(name: "Compression", dependencies: ["Tensor", "NeuralNetwork", "Estimators"]),
    // Neural MI baselines (MINE, NWJ, InfoNCE): critics trained with the network engine, results as Estimates.
    .target(name: "NeuralEstimators", dependencies: ["Tensor", "NeuralNetwork", "Estimators"]),
    .target(
      name: "InformationPlane",
      dependencies: [
        "CKernels", "Tensor", "Datasets", "NeuralNetwork", "Estimators", "Compression", "NeuralEstimators",
      ]),
    .target(
      name: "InfoPlane",
      dependencies: [
        "Tensor", "Datasets", "NeuralNetwork", "Estimators", "Compression", "NeuralEstimators", "InformationPlane",
      ]),
    .executableTarget(
      name: "infoplane",
      dependencies: ["InfoPlane", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    .testTarget(name: "TensorTests", dependencies: ["Tensor", "CKernels"]),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Tensor"], resources: [.copy("Resources")]),
    .testTarget(name: "NeuralNetworkTests", dependencies: ["CKernels", "NeuralNetwork", "Tensor", "Datasets"]),
    .testTarget(
      name: "EstimatorsTests", dependencies: ["Estimators", "Tensor", "CKernels"], resources: [.copy("Resources")]),
    .testTarget(name: "CompressionTests", dependencies: ["Compression", "Tensor"]),
    .testTarget(name: "NeuralEstimatorsTests", dependencies: ["NeuralEstimators", "Estimators", "Tensor", "Datasets"]),
    .testTarget(name: "InformationPlaneTests", dependencies: ["InformationPlane", "Tensor", "Datasets"]),
    .testTarget(name: "InfoPlaneCLITests", dependencies: ["infoplane", "InfoPlane"]),
  ]
)
