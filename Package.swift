// swift-tools-version:6.1
// vfio-compat: a userspace emulation of the legacy VFIO type1 container,
// served over FUSE, with iommufd io_pagetable semantics underneath.
import PackageDescription

let package = Package(
    name: "vfio-compat",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vfio-compat", targets: ["vfio-compat"]),
        .executable(name: "vfio-client", targets: ["vfio-client"]),
        .library(name: "IOPageTable", targets: ["IOPageTable"]),
        .library(name: "VFIOCompat", targets: ["VFIOCompat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The engine: a pure model of iommufd's io_pagetable (TYPE1v2 only). No I/O, no errno.
        .target(name: "IOPageTable", dependencies: ["CPrefetch", "CNodeArena"]),
        // The CPU's prefetch hints, which Swift cannot spell.
        .target(name: "CPrefetch"),
        // Memory for the tree's nodes on transparent huge pages (mmap + madvise), which Swift cannot ask for.
        .target(name: "CNodeArena"),
        .testTarget(name: "IOPageTableTests", dependencies: ["IOPageTable"]),
        // A --release micro-benchmark of the engine (map+unmap rate, bytes per mapping).
        .executableTarget(
            name: "iopt-bench",
            dependencies: ["IOPageTable"]
        ),
        // Constants and struct layouts of the system's <linux/vfio.h>, exported as cvfio_* values.
        .target(name: "CVFIO"),
        // The legacy uAPI: codecs, topology, matrix, dispatcher, profiles, translation records and log.
        .target(
            name: "VFIOCompat",
            dependencies: [
                "CVFIO",
                "IOPageTable",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "VFIOCompatTests", dependencies: ["VFIOCompat", "CVFIO", "IOPageTable"]),
        // The command-line tool: mount, exec, matrix, log, topology.
        .executableTarget(
            name: "vfio-compat",
            dependencies: [
                "VFIOCompat",
                "DeviceFrontend",
                "vfio-client",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
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
        // The scripted client: drives the nodes with real syscalls from its own process (matrix run, tests).
        .executableTarget(name: "vfio-client"),
        .testTarget(name: "DeviceFrontendTests", dependencies: ["DeviceFrontend", "VFIOCompat", "CLinuxShims"]),
    ]
)
