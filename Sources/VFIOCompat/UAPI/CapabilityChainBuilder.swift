/// Lays out the capability chain of VFIO_IOMMU_GET_INFO after the 24-byte
/// `vfio_iommu_type1_info` header and decides what the kernel writes back.
///
/// Each cap is padded to a multiple of 8 bytes (upstream ≥ v6.6 `vfio_info_cap_add`);
/// `next` is an offset from the start of the info buffer; 0 ends the chain.
/// Two flavours: type1 (`vfio_iommu_type1_get_info`) and iommufd compat
/// (`iommufd_vfio_iommu_get_info`, kernel-semantics §3.2).
public struct CapabilityChainBuilder: Sendable {
    /// Which kernel's write-back protocol to follow.
    public enum Flavour: Sendable, Hashable {
        /// argsz raised only when short (then no cap is copied, cap_offset 0); otherwise all caps at 24.
        case type1
        /// argsz always set to the full size; each cap copied if it fits whole; cap_offset only when all fit.
        case iommufdCompat
    }

    /// Where the first cap goes: sizeof(struct vfio_iommu_type1_info).
    public static let headerSize = VFIOIOMMUType1Info.Layout.structSize
    /// Caps are padded to this alignment.
    public static let alignment = 8

    /// The encoded caps in chain order (their own `next` is ignored and recomputed).
    public private(set) var capabilities: [[UInt8]] = []

    public init() {}

    public init(_ caps: [any VFIOInfoCapability]) {
        for cap in caps { append(cap) }
    }

    public mutating func append(_ cap: some VFIOInfoCapability) {
        capabilities.append(cap.bytes)
    }

    /// Offset of each cap from the start of the info buffer.
    public var offsets: [Int] {
        var result: [Int] = []
        var offset = Self.headerSize
        for cap in capabilities {
            result.append(offset)
            offset += Self.padded(cap.count)
        }
        return result
    }

    /// Size of header plus every padded cap: the argsz a caller needs for the whole chain.
    public var requiredSize: Int {
        Self.headerSize + capabilities.reduce(0) { $0 + Self.padded($1.count) }
    }

    /// The chain as the kernel copies it in one piece (type1): caps with final `next`, padding zeroed.
    public var chainBytes: [UInt8] {
        var out: [UInt8] = []
        let offs = offsets
        for (i, cap) in capabilities.enumerated() {
            let next = i + 1 < offs.count ? UInt32(offs[i + 1]) : 0
            out += Self.withNext(cap, next) + [UInt8](repeating: 0, count: Self.padded(cap.count) - cap.count)
        }
        return out
    }

    /// What GET_INFO writes back for a request whose caller set `argsz`.
    ///
    /// - Parameter info: the header to answer with (flags, iova_pgsizes filled in; argsz is the caller's).
    /// - Returns: the final header and the writes, offsets from the start of the caller's buffer,
    ///   caps first and the header (min(argsz, 24) bytes) last.
    public func reply(to info: VFIOIOMMUType1Info, flavour: Flavour) -> VFIOInfoReply {
        var header = info
        let callerSize = Int(info.argsz)
        var writes: [VFIOUserWrite] = []
        header.capOffset = 0
        switch flavour {
        case .type1:
            // type1: caps only flagged when there are some; argsz grown only when short.
            if !capabilities.isEmpty {
                header.flags.insert(.caps)
                if callerSize < requiredSize {
                    header.argsz = UInt32(requiredSize)
                } else {
                    writes.append(VFIOUserWrite(offset: UInt64(Self.headerSize), bytes: chainBytes))
                    header.capOffset = UInt32(Self.headerSize)
                }
            }
        case .iommufdCompat:
            // compat: each cap copied only if it fits whole; the previous cap's next
            // is set only when the buffer reaches the current cap's offset.
            let offs = offsets
            for (i, cap) in capabilities.enumerated() {
                let start = offs[i]
                guard callerSize > start, callerSize - start >= cap.count else { continue }
                let nextOffset = i + 1 < offs.count ? offs[i + 1] : 0
                let next = (nextOffset != 0 && callerSize >= nextOffset) ? UInt32(nextOffset) : 0
                writes.append(VFIOUserWrite(offset: UInt64(start), bytes: Self.withNext(cap, next)))
            }
            if callerSize >= requiredSize { header.capOffset = UInt32(Self.headerSize) }
            header.argsz = UInt32(requiredSize)
            header.flags.insert(.caps)
        }
        // vfio_iommu_type1_get_info / iommufd: copy back min(argsz, sizeof(info)) bytes.
        let headerLength = min(callerSize, Self.headerSize)
        writes.append(VFIOUserWrite(offset: 0, bytes: Array(header.bytes.prefix(headerLength))))
        return VFIOInfoReply(info: header, writes: writes)
    }

    static func padded(_ size: Int) -> Int { (size + alignment - 1) / alignment * alignment }

    static func withNext(_ cap: [UInt8], _ next: UInt32) -> [UInt8] {
        var raw = RawBytes(cap)
        raw.put(next, at: VFIOInfoCapHeader.Layout.next)
        return raw.bytes
    }
}

/// One copy to the caller's memory: `bytes` at `offset` from the ioctl argument.
public struct VFIOUserWrite: Hashable, Sendable {
    public var offset: UInt64
    public var bytes: [UInt8]
    public init(offset: UInt64, bytes: [UInt8]) { self.offset = offset; self.bytes = bytes }
}

/// The outcome of GET_INFO: the header as written back and every write, in order.
public struct VFIOInfoReply: Hashable, Sendable {
    public var info: VFIOIOMMUType1Info
    public var writes: [VFIOUserWrite]

    /// Applies the writes to a copy of `buffer` (for tests and in-memory callers).
    public func applied(to buffer: [UInt8]) -> [UInt8] {
        var out = buffer
        for write in writes {
            let end = Int(write.offset) + write.bytes.count
            if out.count < end { out += [UInt8](repeating: 0, count: end - out.count) }
            out.replaceSubrange(Int(write.offset)..<end, with: write.bytes)
        }
        return out
    }
}
