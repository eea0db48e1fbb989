// swift-tools-version:6.0
// Fathom: turns video corpora into 4D pseudo-labels (depth, cameras, tracks, occlusion) in HDF5 shards.
//
// Targets follow the data flow, bottom to top (see ARCHITECTURE.md):
//   C shims (CFFmpeg, CHDF5, CDeflate, CCrypto, CLapack) → FathomCore → FathomMedia, FathomScenes, FathomShards → FathomJobs → fathom.
// A target may depend only on targets below it.
import PackageDescription

let package = Package(
    name: "Fathom",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fathom", targets: ["fathom"]),
        .library(name: "FathomShards", targets: ["FathomShards"]),
        .library(name: "FathomMedia", targets: ["FathomMedia"]),
        .library(name: "FathomScenes", targets: ["FathomScenes"]),
        .library(name: "FathomCore", targets: ["FathomCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
    ],
    targets: [
        // C libraries, each wrapped once: every macro Swift cannot import is an inline function in shim.h.
        .systemLibrary(
            name: "CFFmpeg", path: "Sources/CFFmpeg", pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),
        .systemLibrary(
            name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5-serial",
            providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(
            name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CDeflate", path: "Sources/CDeflate", pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(
            name: "CLapack", path: "Sources/CLapack", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),

        // Value types every stage shares: tensors, cameras, rigid transforms, clip labels, errors. No C.
        .target(name: "FathomCore"),

        // Vision: image pyramids, dense optical flow, occlusion, long 2D tracks.
        .target(name: "FathomVision", dependencies: ["FathomCore"]),

        // Geometry kernel: linear algebra, solvers, RANSAC, alignment, bundle adjustment.
        .target(name: "FathomGeometry", dependencies: ["CLapack", "FathomCore"]),

        // The reconstruction engine: one clip's frames in, its labels out (flow → tracks → cameras → depth).
        .target(name: "FathomEngine", dependencies: ["FathomCore", "FathomGeometry", "FathomVision"]),

        // Video in and out: probe, decode, scale, sample, cut clips at shots; encode RGB frames. Only stage calling FFmpeg.
        .target(name: "FathomMedia", dependencies: ["CFFmpeg", "FathomCore"]),

        // Synthetic scenes with exact geometry: the yardstick every label is measured against.
        .target(name: "FathomScenes", dependencies: ["FathomCore", "FathomShards"]),

        // The fathom.shard/1 contract: HDF5 file access, writer, reader, validator, inspector.
        .target(
            name: "FathomShards",
            dependencies: ["CDeflate", "CHDF5", "FathomCore", .product(name: "Logging", package: "swift-log")],
            resources: [.embedInCode("Schema/fathom.shard-1.json")]),

        // `fathom eval`: the field's metrics of labels against synthetic ground truth.
        .target(name: "FathomEval", dependencies: ["FathomCore", "FathomGeometry", "FathomScenes", "FathomShards", "FathomVision"]),

        // `fathom preview`: labels drawn for a person to look at.
        .target(name: "FathomPreview", dependencies: ["FathomCore"]),

        // Jobs: the YAML job spec, the frozen shard plan, and the resumable sharded runner with its journal.
        .target(
            name: "FathomJobs",
            dependencies: ["CCrypto", "FathomCore", "FathomEngine", "FathomGeometry", "FathomMedia", "FathomShards", "FathomVision", .product(name: "Yams", package: "Yams"),
                           .product(name: "Logging", package: "swift-log")]),

        // The command-line tool: one file per command, no logic of its own.
        .executableTarget(
            name: "fathom",
            dependencies: [
                "FathomCore", "FathomEngine", "FathomEval", "FathomJobs", "FathomMedia", "FathomPreview", "FathomScenes", "FathomShards", "FathomVision",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .target(name: "FathomTestSupport", dependencies: ["FathomCore", "FathomScenes", "FathomShards"], path: "Tests/FathomTestSupport"),
        .executableTarget(name: "fathom-bench", dependencies: ["FathomCore", "FathomEngine", "FathomEval", "FathomGeometry", "FathomMedia", "FathomScenes", "FathomShards", "FathomTestSupport", "FathomVision"],
                          path: "Tests/FathomBenchmarks"),
        .testTarget(name: "CShimTests", dependencies: ["CCrypto", "CDeflate", "CFFmpeg", "CHDF5", "CLapack"]),
        .testTarget(name: "FathomCoreTests", dependencies: ["FathomCore"]),
        .testTarget(name: "FathomShardsTests", dependencies: ["FathomShards", "FathomTestSupport", "CHDF5"]),
        .testTarget(name: "FathomScenesTests", dependencies: ["FathomCore", "FathomScenes"]),
        .testTarget(name: "FathomVisionTests", dependencies: ["FathomCore", "FathomEval", "FathomScenes", "FathomVision"]),
        .testTarget(name: "FathomEvalTests", dependencies: ["FathomEval", "FathomScenes", "FathomShards", "FathomTestSupport"]),
        .testTarget(name: "FathomMediaTests", dependencies: ["FathomMedia", "FathomTestSupport"]),
        .testTarget(name: "FathomCLITests", dependencies: ["FathomCore", "FathomTestSupport", "FathomShards"]),
        .testTarget(name: "FathomGeometryTests", dependencies: ["FathomCore", "FathomEval", "FathomGeometry", "FathomScenes", "FathomTestSupport"]),
        .testTarget(name: "FathomEngineTests", dependencies: ["FathomCore", "FathomEngine", "FathomEval", "FathomScenes", "FathomTestSupport", "FathomVision"]),
        .testTarget(name: "FathomJobsTests", dependencies: ["FathomJobs", "FathomMedia", "FathomShards", "FathomTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
