import DeviceFrontend
import Foundation
import Testing

/// VFIO_GROUP_SET_CONTAINER fd resolution through pidfd_getfd and the private request.
@Suite(.enabled(if: Environment.canMount, "needs root and a usable /dev/fuse"))
struct SetContainerTests {
    @Test func opensResolveToTheirOwnHandles() throws {
        try withMount(TestHandler()) { mount in
            let out = try Client.run([
                "open c1 \(mount.node("vfio"))",
                "open c2 \(mount.node("vfio"))",
                "open g \(mount.node("12"))",
                "ioctl c1 \(TestHandler.whoAmI) 0",
                "ioctl c2 \(TestHandler.whoAmI) 0",
                "ioctl-fdptr g VFIO_GROUP_SET_CONTAINER c1",
                "ioctl-fdptr g VFIO_GROUP_SET_CONTAINER c2",
                "dup d1 c1",
                "ioctl-fdptr g VFIO_GROUP_SET_CONTAINER d1",
                "passfd p2 c2",
                "ioctl-fdptr g VFIO_GROUP_SET_CONTAINER p2",
                "thread ioctl-fdptr g VFIO_GROUP_SET_CONTAINER c1",
            ])
            #expect(out.count == 12)
            #expect(out[3] != out[4])
            #expect(out[5] == out[3])
            #expect(out[6] == out[4])
            #expect(out[8] == out[3])     // dup() shares the open file description
            #expect(out[10] == out[4])    // so does SCM_RIGHTS
            #expect(out[11] == out[3])    // from a non-leader thread
        }
    }

    @Test func foreignAndClosedDescriptors() throws {
        try withMount(TestHandler()) { mount in
            let out = try Client.run([
                "open g \(mount.node("12"))",
                "open n /dev/null",
                "ioctl-fdptr g VFIO_GROUP_SET_CONTAINER n",
                "open c \(mount.node("vfio"))",
                "close c",
                "ioctl-fdptr g VFIO_GROUP_SET_CONTAINER c",     // the number of a closed fd
                "fdnum neg -1",
                "ioctl-fdptr g VFIO_GROUP_SET_CONTAINER neg",
                "open g7 \(mount.node("7"))",
                "ioctl-fdptr g VFIO_GROUP_SET_CONTAINER g7",    // a group, not a container
                "open dir \(mount.directory) rdonly",
                "ioctl-fdptr g VFIO_GROUP_SET_CONTAINER dir",   // our mount, but not a node
            ])
            #expect(out[2] == "err EBADFD 77")
            #expect(out[5] == "err EBADF 9")
            #expect(out[7] == "err EBADF 9")
            #expect(out[9] == "err EINVAL 22")
            #expect(out[11] == "err EBADFD 77")
        }
    }

    @Test func concurrentResolutionsNeitherDeadlockNorConfuseOpens() throws {
        try withMount(TestHandler()) { mount in
            let out = try Client.run([
                "open c1 \(mount.node("vfio"))",
                "open c2 \(mount.node("vfio"))",
                "open g \(mount.node("12"))",
                "ioctl c1 \(TestHandler.whoAmI) 0",
                "ioctl c2 \(TestHandler.whoAmI) 0",
                "par-fdptr 12 40 g VFIO_GROUP_SET_CONTAINER c1",
                "par-fdptr 12 40 g VFIO_GROUP_SET_CONTAINER c2",
            ], timeout: 30)
            #expect(out.count == 7)
            #expect(out[5] == out[3])
            #expect(out[6] == out[4])
        }
    }

    @Test func forkedChildKeepsResolving() throws {
        try withMount(TestHandler()) { mount in
            let out = try Client.run([
                "open c \(mount.node("vfio"))",
                "ioctl c \(TestHandler.whoAmI) 0",
                "fork",
                "open g \(mount.node("12"))",
                "ioctl-fdptr g VFIO_GROUP_SET_CONTAINER c",
                "ioctl c \(TestHandler.whoAmI) 0",
                "endfork",
                "ioctl c \(TestHandler.whoAmI) 0",
            ])
            // Lines: open c, whoami, [child: open g, SET_CONTAINER, whoami], child exit, whoami.
            #expect(out.count == 7)
            #expect(out[2].hasPrefix("ok "))
            #expect(out[3] == out[1])     // the child's SET_CONTAINER names the parent's open
            #expect(out[4] == out[1])
            #expect(out[5] == "ok 0")     // child exited without failures
            #expect(out[6] == out[1])
        }
    }
}
