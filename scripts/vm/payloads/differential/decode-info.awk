# Decodes a VFIO_IOMMU_GET_INFO buffer printed by vfio-client ("ok RET HEX")
# into the fields of struct vfio_iommu_type1_info and its capability chain
# (IOVA_RANGE id 1, MIGRATION id 2, DMA_AVAIL id 3). 64-bit fields stay hex
# strings: busybox awk holds numbers as doubles. Offsets in `next` are from
# the start of the buffer (vfio_info_cap_header).

# Bytes [off, off+n) of the little-endian hex buffer, as big-endian hex digits.
function le(off, n,    s, i) {
    s = ""
    for (i = n - 1; i >= 0; i--) s = s substr(hex, 2 * (off + i) + 1, 2)
    return s
}
function num(h,    v, i) {
    v = 0
    for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
    return v
}
function x(h) { sub(/^0+/, "", h); return "0x" (h == "" ? "0" : h) }

$1 == "ok" && NF == 3 {
    hex = $3
    size = length(hex) / 2
    argsz = num(le(0, 4))
    printf "argsz=%d flags=%s iova_pgsizes=%s cap_offset=%d (buffer %d bytes)\n",
        argsz, x(le(4, 4)), x(le(8, 8)), (size >= 20 ? num(le(16, 4)) : -1), size
    off = size >= 20 ? num(le(16, 4)) : 0
    while (off != 0 && off + 8 <= size) {
        id = num(le(off, 2)); ver = num(le(off + 2, 2)); next_off = num(le(off + 4, 4))
        printf "cap @%d id=%d version=%d next=%d", off, id, ver, next_off
        if (id == 1) {
            n = num(le(off + 8, 4))
            printf " IOVA_RANGE nr_iovas=%d", n
            for (i = 0; i < n; i++)
                printf " [%s, %s]", x(le(off + 16 + 16 * i, 8)), x(le(off + 24 + 16 * i, 8))
        } else if (id == 2) {
            printf " MIGRATION flags=%s pgsize_bitmap=%s max_dirty_bitmap_size=%s",
                x(le(off + 8, 4)), x(le(off + 16, 8)), x(le(off + 24, 8))
        } else if (id == 3) {
            printf " DMA_AVAIL avail=%d", num(le(off + 8, 4))
        }
        printf "\n"
        off = next_off
    }
    next
}
{ print "not a GET_INFO result: " $0 }
