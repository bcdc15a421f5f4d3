/// Page-size bitmap arithmetic shared by attach and GET_INFO.
enum PageSizes {
    /// type1 `vfio_update_pgsize_bitmap`: AND over every domain starting from all ones; sizes below the host
    /// page are hidden and the host page advertised instead. With no domain this is `~(hostPageSize - 1)`.
    static func combined(_ domains: [Domain], hostPageSize: UInt64) -> UInt64 {
        var bitmap = UInt64.max
        for domain in domains { bitmap &= domain.pageSizes }
        let pageMask = ~(hostPageSize - 1)
        if bitmap & ~pageMask != 0 {
            bitmap = (bitmap & pageMask) | hostPageSize
        }
        return bitmap
    }

    /// The smallest page in `bitmap`, or nil for an empty bitmap.
    static func smallest(_ bitmap: UInt64) -> UInt64? {
        bitmap == 0 ? nil : bitmap & (~bitmap &+ 1)
    }
}
