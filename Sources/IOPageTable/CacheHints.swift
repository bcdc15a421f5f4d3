import CPrefetch

// Cache hints for a descent (`AreaTree.seekInsertionPoint`), issued beside the loads it must wait for so
// that their misses overlap. A hint reads and writes nothing the engine can observe. These wrappers are
// not inlined and are declared to release nothing: they date from when nodes were Swift objects, which
// Swift retained around an opaque C call (a retain/release pair per level, seen in the disassembly).
// Nodes are now plain pointers with nothing to retain; the wrappers stay as they were measured.

/// Asks for the lines of a leaf's slot and protection maps (128 bytes from `maps`) and of the
/// `payloadBytes` at `payload`, to be written.
@inline(never) @_effects(releasenone)
func prefetchInsertion(maps: UInt, payload: UInt, payloadBytes: Int) {
    iopt_prefetch_insertion(maps, payload, UInt(truncatingIfNeeded: payloadBytes))
}

/// Asks for the lines of `count` words from `start`, to be read.
@inline(never) @_effects(releasenone)
func prefetchWords(_ start: UInt, count: Int) {
    iopt_prefetch_words(start, count)
}
