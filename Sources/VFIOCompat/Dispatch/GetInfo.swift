import IOPageTable

extension DispatcherState {
    /// `VFIO_IOMMU_GET_INFO`: type1 `vfio_iommu_type1_get_info` or compat
    /// `iommufd_vfio_iommu_get_info`. Reads only the 16-byte minimum header and
    /// writes only within the caller's `argsz`.
    mutating func getInfo(_ id: UInt32, _ argument: UInt64, caller: any CallerContext,
                          record: inout CallRecord) throws(Errno) -> Int32 {
        record.touch(.I01)
        let minimum = VFIOIOMMUType1Info.minimumSize
        // copy_from_user(minsz = offsetofend(iova_pgsizes)); the rest of the header is zeroed.
        var info = VFIOIOMMUType1Info(bytes: try caller.memory.read(at: argument, count: minimum)
                                      + [UInt8](repeating: 0, count: VFIOIOMMUType1Info.Layout.structSize - minimum))
        record.args["argsz"] = .uint(UInt64(info.argsz))
        guard Int(info.argsz) >= minimum else { throw .invalidArgument }
        let container = containers[id]!
        if profile == .iommufd && !container.compatIOASAllocated { throw .noSuchDevice }

        let ioas = container.ioas
        info.flags = .pgsizes
        info.capOffset = 0
        // type1 vfio_update_pgsize_bitmap / compat iommufd_get_pagesizes (also >= iova_alignment).
        info.iovaPgsizes = profile == .type1 ? ioas.pageSizeBitmap : max(ioas.pageSizeBitmap, ioas.iovaAlignment)
        record.touch(.I02)

        // Caps in type1's order MIGRATION, DMA_AVAIL, IOVA_RANGE; MIGRATION is withheld
        // because dirty tracking is not emulated (compat omits it too).
        record.unsupported(.I06, "MIGRATION capability withheld: dirty-page tracking is not emulated, so clients must not enable it")
        let remaining = UInt32(clamping: max(0, (ioas.entryLimit ?? Int(UInt32.max)) - ioas.areaCount))
        let type1Avail = remaining
        let compatAvail = UInt32.max  // vfio_compat.c: "return U32_MAX" (s390 QEMU needs more than U16_MAX)
        let avail = profile == .type1 ? type1Avail : compatAvail
        let ranges = ioas.iovaRanges().map { VFIOIOVARange(start: $0.start, end: $0.last) }
        var builder = CapabilityChainBuilder()
        builder.append(VFIODMAAvailCap(avail: avail))
        if !ranges.isEmpty {
            // type1 omits IOVA_RANGE when the valid list is empty (mdev-only); never the case here.
            builder.append(VFIOIOVARangeCap(ranges: ranges))
        }
        record.touch(.I04); record.touch(.I05); record.touch(.I08)
        record.args["dma_avail"] = .uint(UInt64(avail))
        record.args["iova_ranges"] = .uint(UInt64(ranges.count))
        record.op("IOMMU_IOAS_IOVA_RANGES", ["num_iovas": .uint(UInt64(ranges.count)),
                                             "out_iova_alignment": .uint(ioas.iovaAlignment)])

        let reply = builder.reply(to: info, flavour: profile == .type1 ? .type1 : .iommufdCompat)
        for write in reply.writes {
            try caller.memory.write(write.bytes, at: argument &+ write.offset)
        }
        record.args["argsz_out"] = .uint(UInt64(reply.info.argsz))
        record.args["cap_offset"] = .uint(UInt64(reply.info.capOffset))

        // Where the other kernel writes something different back, say so.
        let required = builder.requiredSize
        if Int(info.argsz) != required {
            let short = Int(info.argsz) < required
            record.diverge(.I03,
                type1: .text(short ? "argsz raised to \(required), no caps copied" : "argsz left at \(info.argsz), caps at 24"),
                iommufd: .text(short ? "argsz set to \(required), caps copied as far as they fit" : "argsz overwritten with \(required), caps at 24"))
        } else {
            record.diverge(.I07, type1: .text("DMA_AVAIL \(type1Avail)"), iommufd: .text("DMA_AVAIL \(compatAvail)"))
        }
        record.touch(.I07)
        return 0
    }
}
