// swift-tools-version:6.1
// vfio-compat: a userspace emulation of the legacy VFIO type1 container,
// served over FUSE, with iommufd io_pagetable semantics underneath.
import PackageDescription

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Branch `log` only: the engine targets live on another branch; declare them only when their
// sources are present so this branch builds alone. The integrator can drop this guard.
let packageDir = String(#filePath.dropLast("Package.swift".count))
let hasEngine = FileManager.default.fileExists(atPath: packageDir + "Sources/IOPageTable")

var targets: [Target] = [
    // Legacy VFIO uAPI, dispatcher, translation records and the translation log.
    .target(
        name: "VFIOCompat",
        dependencies: [.product(name: "Logging", package: "swift-log")]
    ),
    .testTarget(name: "VFIOCompatTests", dependencies: ["VFIOCompat"]),
    // The CLI: mount, cuse, exec, matrix, log, topology.
    .executableTarget(
        name: "vfio-compat",
        dependencies: [
            "VFIOCompat",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]
    ),
]
var products: [Product] = [
    .executable(name: "vfio-compat", targets: ["vfio-compat"]),
]
if hasEngine {
    products.append(.library(name: "IOPageTable", targets: ["IOPageTable"]))
    targets += [
        // The engine: a pure model of iommufd's io_pagetable (TYPE1v2 only). No I/O, no errno.
        .target(name: "IOPageTable"),
        .testTarget(name: "IOPageTableTests", dependencies: ["IOPageTable"]),
        // A --release micro-benchmark of the engine (map+unmap rate, bytes per mapping).
        .executableTarget(
            name: "iopt-bench",
            dependencies: ["IOPageTable"]
        ),
    ]
}

let package = Package(
    name: "vfio-compat",
    platforms: [.macOS(.v15)],
    products: products,
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: targets
)
