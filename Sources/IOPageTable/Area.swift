/// One mapping: an IOVA range backed by a slice of a `Pages` object. Mirrors iommufd's `struct iopt_area`
/// (and type1's `struct vfio_dma`): areas never overlap and are never split (TYPE1v2).
public struct Area: Hashable, Sendable {
    public let range: IOVARange
    public let pages: Pages
    /// Byte offset of `range.start` into `pages`.
    public let pagesOffset: UInt64
    public let protection: IOMMUProtection

    public init(range: IOVARange, pages: Pages, pagesOffset: UInt64, protection: IOMMUProtection) {
        self.range = range
        self.pages = pages
        self.pagesOffset = pagesOffset
        self.protection = protection
    }

    /// The user virtual address behind `range.start`.
    public var vaddr: UInt64 { pages.vaddr + pagesOffset }
}

/// A contiguous piece of user memory behind an IOVA range, for emulated DMA (iommufd `iopt_access_rw`).
public struct TranslationSegment: Hashable, Sendable {
    public var iova: UInt64
    public var vaddr: UInt64
    public var length: UInt64
    public var pid: Int32

    public init(iova: UInt64, vaddr: UInt64, length: UInt64, pid: Int32) {
        self.iova = iova
        self.vaddr = vaddr
        self.length = length
        self.pid = pid
    }
}
