import Testing
@testable import VFIOCompat

/// `exec`'s summary built from a real dispatcher's records, and the advice table's coverage.
@Suite struct ExecSummaryTests {
    /// A client that attaches, maps RAM and BIOS, fails GET_DEVICE_FD and stops there.
    func attachedAndMapped(_ h: Harness) -> (container: UInt64, group: UInt64, ram: UInt64) {
        let (c, g) = h.attachedContainer()
        let ram = h.process.mmap(0x10_0000)
        let bios = h.process.mmap(0x40000)
        _ = h.map(c, iova: 0, size: 0x10_0000, vaddr: ram)
        _ = h.map(c, iova: 0xfffc_0000, size: 0x40000, vaddr: bios, flags: .read)
        _ = h.ioctl(g, .groupGetDeviceFD, h.process.buffer(Array("0000:00:01.0".utf8) + [0]))
        return (c, g, ram)
    }

    @Test func countsMappingsRowsAndWhatIsLeft() {
        let h = Harness()
        let (c, _, ram) = attachedAndMapped(h)
        // SET_IOMMU a second time: type1 EINVAL, iommufd compat 0 (C-06).
        #expect(h.ioctl(c, .setIOMMU, 3).errno == .invalidArgument)
        #expect(h.map(h.openContainerAttached().container, iova: 0, size: 0x1000, vaddr: ram).errno == nil)
        // A failed map (overlap) is a call with an error, not a mapping.
        #expect(h.map(c, iova: 0, size: 0x1000, vaddr: ram).errno == .exists)
        let summary = ExecSummary(records: h.records.records, leftover: h.dispatcher.snapshot())
        #expect(summary.mappings.map(\.iova) == [0, 0xfffc_0000, 0])
        #expect(summary.mappings.map(\.size) == [0x10_0000, 0x40000, 0x1000])
        #expect(summary.mappings.map(\.flags) == [3, 1, 3])
        #expect(summary.mappings[0].vaddr == ram)
        #expect(summary.unsupported.map(\.row) == ["G-08"])
        #expect(summary.unsupported.first?.calls == ["GET_DEVICE_FD"] && summary.unsupported.first?.count == 1)
        #expect(summary.divergent.map(\.row) == ["C-06"])
        #expect(summary.divergent.first?.count == 1 && summary.divergent.first?.calls == ["SET_IOMMU"])
        #expect(summary.divergent.first?.detail == "type1=EINVAL(22) iommufd=0")
        #expect(summary.callOrder.prefix(5) == ["open", "VFIO_GROUP_SET_CONTAINER", "VFIO_SET_IOMMU",
                                                "VFIO_IOMMU_MAP_DMA", "VFIO_GROUP_GET_DEVICE_FD"])
        #expect(summary.processes == 1)
        // Two containers, two groups open, three mappings still live.
        #expect(summary.leftContainers == 2 && summary.leftOpenFiles == 4 && summary.leftMappings == 3)
        #expect(!summary.shimIsEmpty)
        let text = summary.render()
        #expect(text.contains("mappings made: 3 (0x141000 bytes)"))
        #expect(text.contains("  1          [0xfffc0000, 0x100000000)  0x40000   R      "))
        #expect(text.contains("left in the shim: 2 containers, 4 open files, 3 mappings (dropped at unmount)"))
        // The advice names the device cdev for G-08 and IOAS_MAP for M-01/M-02, once each.
        #expect(text.contains("G-06,G-08  " + NativeAdvice.deviceCdev) || text.contains("G-08  " + NativeAdvice.deviceCdev))
        #expect(text.components(separatedBy: NativeAdvice.mapWith).count == 2)
    }

    @Test func emptyShimAfterReleaseAndNoCalls() {
        let h = Harness()
        let (c, g, _) = attachedAndMapped(h)
        h.dispatcher.release(handle: c)
        h.dispatcher.release(handle: g)
        let summary = ExecSummary(records: h.records.records, leftover: h.dispatcher.snapshot())
        #expect(summary.shimIsEmpty)
        #expect(summary.render().hasSuffix("\nleft in the shim: nothing"))

        let none = ExecSummary(records: [], leftover: Harness().dispatcher.snapshot())
        #expect(none.render() == """
            translation: 0 calls from 0 processes
            the command never opened the shim's nodes

            mappings made: 0

            unsupported features hit: none
            divergences (type1 vs iommufd compat) hit: none

            to run on iommufd natively (/dev/iommu + VFIO device cdev): nothing to change

            left in the shim: nothing
            """)
    }

    @Test func teeKeepsUpToItsLimitAndForwardsEverything() {
        let next = RecordTee()
        let tee = RecordTee(forwardingTo: next, limit: 2)
        for pid in Int32(1)...3 {
            tee.emit(TranslationRecord(pid: pid, tid: pid, profile: "type1", node: "container", ioctl: "open", result: .success()))
        }
        #expect(tee.records.map(\.pid) == [1, 2])
        #expect(tee.overflow == 1)
        #expect(next.records.map(\.pid) == [1, 2, 3])
    }

    @Test func adviceCoversEveryLoggedAndDivergentRow() throws {
        let matrix = try CompatMatrix.load(path: CompatMatrixTests.yamlPath)
        let ids = Set(matrix.rows.map(\.id))
        for row in NativeAdvice.byRow.keys { #expect(ids.contains(row), "advice for unknown row \(row)") }
        for row in matrix.rows where row.status == .logged || row.status == .divergent {
            #expect(NativeAdvice.byRow[row.id] != nil, "no advice for \(row.id) (\(row.status))")
        }
        // One entry per text, in row order, with every row that shares it.
        let advice = NativeAdvice.advice(for: [.U01, .M02, .M01, .G08, .G06, .M01, .C16])
        #expect(advice.map(\.rows) == [[.G06, .G08], [.M01, .M02], [.U01]])
        #expect(advice.map(\.text) == [NativeAdvice.deviceCdev, NativeAdvice.mapWith, NativeAdvice.unmapWith])
    }
}

extension Harness {
    /// A second container with group 8 attached and TYPE1v2 set.
    func openContainerAttached() -> (container: UInt64, group: UInt64) { attachedContainer(group: 8) }
}
