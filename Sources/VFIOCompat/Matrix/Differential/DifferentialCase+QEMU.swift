extension DifferentialCase {
    /// SET_CONTAINER with fds that are not containers, on the one group the VM has (the
    /// catalog's probe for G-11 needs a second group): /dev/null and the group itself.
    public static var foreignFD: DifferentialCase {
        let steps: [(String, [MatrixRowID])] = [
            (A.open("g", "$MNT/7").line, [.G01]),
            (A.open("n", "/dev/null").line, [.G11]),
            (A.fdptr("g", "VFIO_GROUP_SET_CONTAINER", "n").line, [.G11]),
            (A.fdptr("g", "VFIO_GROUP_SET_CONTAINER", "g").line, [.G11]),
            (A.getStatus("g").line, [.G02]),
        ]
        return DifferentialCase(name: "set-container-foreign-fd-one-group", rows: [.G11],
                                lines: steps.map(\.0), lineRows: steps.map(\.1))
    }

    /// The catalog's map-top-of-space on the one group (it uses the mixed topology's group 10).
    /// Only an aperture reaching 2^64 (AMD-Vi) accepts the map; 6.1 then cannot find the entry
    /// (matrix M-09: "accepted but unfindable before v6.18"), so the overlapping map and the
    /// unmap after it answer differently for that same documented reason.
    public static var topOfSpace: DifferentialCase? {
        guard let probe = ProbeCatalog.probe(named: "map-top-of-space") else { return nil }
        let base = DifferentialCase(probe: probe)
        let lines = base.lines.map { $0.replacing("$MNT/10", with: "$MNT/7") }
        let firstMap = lines.firstIndex { $0.contains("VFIO_IOMMU_MAP_DMA") } ?? lines.count
        let rows = base.lineRows.enumerated().map { $0.offset >= firstMap ? [MatrixRowID.M09] : $0.element }
        return DifferentialCase(name: "map-top-of-space-one-group", rows: [.M09], lines: lines, lineRows: rows)
    }

    /// The kernel-probe payload's checks as one QEMU-like sequence: open, API version, every
    /// extension before and after SET_IOMMU, group status around SET_CONTAINER, GET_INFO at 24
    /// and at a size that holds the whole chain, MAP of 2 MiB, a bisecting UNMAP, an exact and a
    /// superset UNMAP. The IOVA (4 GiB) lies inside every IOMMU's usable ranges.
    public static var qemuSequence: DifferentialCase {
        let iova: UInt64 = 0x1_0000_0000, size: UInt64 = 0x20_0000
        var steps: [(String, [MatrixRowID])] = [
            (A.open("c", "$MNT/vfio").line, [.C01]),
            (A.ioctl("c", "VFIO_GET_API_VERSION").line, [.C02]),
        ]
        let extensionRows: [MatrixRowID] = [.E01, .E04, .E02, .E03, .E04, .E05, .E04, .E06, .E07, .E08]
        for (index, row) in extensionRows.enumerated() {
            steps.append((A.checkExtension("c", UInt64(index + 1)).line, [.C03, row]))
        }
        steps += [
            (A.open("g", "$MNT/7").line, [.G01]),
            (A.getStatus("g").line, [.G02]),
            (A.setContainer("g", "c").line, [.G03]),
            (A.getStatus("g").line, [.G02]),
            (A.setIOMMU("c", 3).line, [.C04]),
        ]
        for (index, row) in extensionRows.enumerated() {
            steps.append((A.checkExtension("c", UInt64(index + 1)).line, [row]))
        }
        let info = A.getInfo("c", argsz: 256).line
        steps += [
            (A.getInfo("c", argsz: 24).line, [.I01, .I03]),
            (info, [.I03, .I04, .I05, .I06, .I07, .I08]),
            (A.mmap("buf", size).line, [.M01]),
            (A.map("c", iova: iova, size: size, vaddr: "$buf").line, [.M01]),
            (info, [.I07]),
            (A.unmap("c", iova: iova, size: size / 2).line, [.U04]),
            (A.unmap("c", iova: iova, size: size).line, [.U01]),
            (info, [.I07]),
            (A.map("c", iova: iova, size: size, vaddr: "$buf").line, [.M01]),
            (A.unmap("c", iova: iova, size: 2 * size).line, [.U02]),
        ]
        return DifferentialCase(name: "qemu-sequence", rows: [.C01, .C04, .I01, .M01, .U01],
                                lines: steps.map(\.0), lineRows: steps.map(\.1))
    }
}
