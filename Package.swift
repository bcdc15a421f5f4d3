// swift-tools-version:6.1
// vfio-compat: a userspace emulation of the legacy VFIO type1 container,
// served over FUSE, with iommufd io_pagetable semantics underneath.
import PackageDescription

let package = Package(
    name: "vfio-compat",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vfio-compat", targets: ["vfio-compat"]),
        .library(name: "IOPageTable", targets: ["IOPageTable"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The engine: a pure model of iommufd's io_pagetable (TYPE1v2 only). No I/O, no errno.
        .target(name: "IOPageTable"),
        .testTarget(name: "IOPageTableTests", dependencies: ["IOPageTable"]),
        // A --release micro-benchmark of the engine (map+unmap rate, bytes per mapping).
        .executableTarget(
            name: "iopt-bench",
            dependencies: ["IOPageTable"]
        ),
        // Minimal entry so this branch builds; the uapi branch owns the real contents.
        .target(name: "VFIOCompat", dependencies: [.product(name: "Logging", package: "swift-log")]),
        // libfuse3's low-level API, through a header that pins FUSE_USE_VERSION.
        .systemLibrary(name: "CFuse3", path: "Sources/CFuse3", pkgConfig: "fuse3",
                       providers: [.apt(["libfuse3-dev"])]),
        // GNU-only Linux calls (process_vm_*, pidfd_*, prlimit) and the variadic ioctl(2), as prefixed C wrappers.
        .target(name: "CLinuxShims", cSettings: [.define("_GNU_SOURCE")]),
        // The FUSE frontend: mount, session loop, caller memory, fd resolution, open/release lifecycle.
        .target(
            name: "DeviceFrontend",
            dependencies: ["CFuse3", "CLinuxShims", "VFIOCompat", .product(name: "Logging", package: "swift-log")]
        ),
        // Serves a trivial handler for latency measurements and for the signal-handling test.
        .executableTarget(name: "frontend-bench", dependencies: [
            "DeviceFrontend", "VFIOCompat", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "DeviceFrontendTests", dependencies: ["DeviceFrontend", "VFIOCompat", "CLinuxShims"],
                    exclude: ["Client"]),
    ]
)

// BRANCH-LOCAL (fuse worktree only; drop this block at merge): the products and
// targets below have their sources on other branches, so this worktree could not
// even load the manifest with them.
package.products.removeAll { ["vfio-compat", "IOPageTable"].contains($0.name) }
package.targets.removeAll { ["IOPageTable", "IOPageTableTests", "iopt-bench"].contains($0.name) }
