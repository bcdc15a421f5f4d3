import CNodeArena

/// The ordered map of disjoint areas keyed by start IOVA: a copy-on-write B+-tree (iommufd keeps areas in
/// `area_itree`; since areas never overlap, an ordered map with floor lookup answers every interval query).
///
/// Invariants: all leaves are at the same depth; a leaf's `keys[i]` is the start of its area `i`, whose
/// last IOVA is in slot `slotMap[i]`, starts strictly increasing; an internal node's `keys[i]` is exactly
/// the smallest key under `children[i]`; a node other than the root is refilled from a sibling once a
/// removal leaves it under `minimumFill`. A node is mutated only after its reference count (and, for the
/// root, `isKnownUniquelyReferenced` on the root box) proved that no other tree value shares it.
struct AreaTree {
    /// 63, so that a leaf's 64 area slots (one spare for a split) fit one free-slot bit mask.
    static let leafCapacity = 63
    /// 255, so that 1M live mappings (about 20k leaves) sit three levels deep, not four as with 64: each
    /// level costs a map+unmap pair two searches and two uniqueness checks. Builds alternated, five runs
    /// each: 1M from 0.99M – 1.09M to 1.01M – 1.12M pairs/s on malloc's pages, from 1.20M – 1.21M to
    /// 1.25M – 1.31M on huge pages; 1k, whose root holds about 20 leaves either way, within the noise.
    static let internalCapacity = 255
    static let minimumFill = 16
    /// Deepest tree a `Cursor` can record: with `minimumFill` 16 that is far beyond any addressable count.
    static let maximumDepth = 12

    /// What a node keeps in front of its keys.
    struct NodeHeader {
        var count: Int
        /// Leaves: at least `last - start` of every area stored here (raised by each insertion, never
        /// lowered: a stale bound only costs a slot read). Beside `count`, so in the line every search reads.
        var widestSpan: UInt64
        /// Leaves: bit `s` set when area slot `s` is free.
        var freeSlots: UInt64
        let isLeaf: Bool
        /// Parents and tree roots holding this node; read and changed only through `iopt_refs_*` (atomic).
        var references: UInt32
    }

    /// What a leaf slot holds of an area besides its start (in `keys`) and protection (in the slot's
    /// protection byte): 24 bytes where a whole `Area` took 40, so a leaf is about 2.2 KiB, not 3.7.
    struct SlotPayload {
        var last: UInt64
        var pages: Pages
        var pagesOffset: UInt64
    }

    /// One node, in a single block of the node arena (`iopt_node_alloc`: 64-byte aligned, on transparent
    /// huge pages where the kernel allows them): header, a 64-byte slot map and a 64-byte protection map, then
    /// `capacity + 1` keys, then as many slot payloads (leaves) or children (internal nodes); the spare place
    /// holds the entry that triggers a split. A search scans only the 8-byte keys (one leader per cache
    /// line, then one line); the floor's slot is read for its last IOVA only when the leaf's `widestSpan`
    /// cannot rule out an overlap (`Cursor.floorReaches`). A leaf entry stays in whichever
    /// slot it was stored in (`slotMap[i]` is the slot of the entry with `keys[i]`), so an insertion or
    /// removal shifts keys and slot bytes only. Measured with cachegrind (16 MiB last-level cache, 1M live
    /// mappings, per map+unmap pair): lasts in an array shifted beside the keys cost 3.3 last-level misses,
    /// the last in the slot 1.9 (0.4 once `widestSpan` spares most slot reads); with builds alternated,
    /// 32-byte entries with no slot map were no faster, and (start, last) pairs in the searched array 8%
    /// slower at 1M: twice the lines to search, and to keep cached, for every lookup. Internal nodes carry
    /// the same 16 leading words unused, so `keys` sits at one offset in both kinds. All state is reached
    /// through pointers, so reads take no reference counts and no exclusivity checks.
    ///
    /// A `Node` value names its block and owns nothing: references (a parent's child slot, a root box) are
    /// counted by hand in the header (`retain`, `release`, `isUniquelyReferenced`), as Swift would count
    /// them for an object. Nodes were Swift objects until malloc's 4 KiB pages proved the cost at 1M live
    /// mappings: a lookup's cold key lines also missed the TLB, a two-dimensional page walk in this VM.
    /// Blocks of their own on huge pages took 1M from 1.00M – 1.02M to 1.07M – 1.20M pairs/s and the
    /// 1M/1k ratio from 0.47 – 0.52 to 0.55 – 0.58 (three runs each, builds alternated). Keeping the
    /// objects and moving only their contents into the arena was 20% slower at 1M: the extra dependent
    /// load to reach a block was itself a cold miss, the objects being scattered among the `Pages`.
    struct Node {
        static let leafSlots = AreaTree.leafCapacity + 1
        static let internalSlots = AreaTree.internalCapacity + 1
        /// Words in front of the keys holding a leaf's slot map and protection map (a byte per slot each).
        static let slotMapWords = 16
        static let allSlotsFree: UInt64 = leafSlots == 64 ? .max : (1 << UInt64(leafSlots)) - 1
        /// Bytes of the header at the front of a block (the slot maps follow it).
        static let headerBytes = 32
        static let leafBytes = blockBytes(slots: leafSlots, payloadStride: MemoryLayout<SlotPayload>.stride)
        static let internalBytes = blockBytes(slots: internalSlots, payloadStride: MemoryLayout<Node>.stride)

        /// A block's size, rounded up to whole cache lines: header, maps, keys, then payloads or children.
        private static func blockBytes(slots: Int, payloadStride: Int) -> Int {
            let bytes = headerBytes + slotMapWords * 8 + slots * 8 + slots * payloadStride
            return (bytes + 63) & ~63
        }

        /// The node's block, from the node arena (huge pages where the kernel gives them).
        let base: UnsafeMutableRawPointer

        /// A new empty node holding one reference, which the caller owns.
        static func make(isLeaf: Bool) -> Node {
            precondition(MemoryLayout<NodeHeader>.size <= headerBytes)
            guard let block = iopt_node_alloc(isLeaf ? leafBytes : internalBytes) else {
                fatalError("no memory left for an area-tree node")
            }
            block.bindMemory(to: NodeHeader.self, capacity: 1).initialize(
                to: NodeHeader(count: 0, widestSpan: 0, freeSlots: isLeaf ? allSlotsFree : 0, isLeaf: isLeaf, references: 1))
            (block + headerBytes).bindMemory(to: UInt8.self, capacity: slotMapWords * 8)
            let slots = isLeaf ? leafSlots : internalSlots
            let keys = (block + headerBytes + slotMapWords * 8).bindMemory(to: UInt64.self, capacity: slots)
            if isLeaf {
                UnsafeMutableRawPointer(keys + slots).bindMemory(to: SlotPayload.self, capacity: slots)
            } else {
                UnsafeMutableRawPointer(keys + slots).bindMemory(to: Node.self, capacity: slots)
            }
            return Node(base: block)
        }

        /// The header's reference count. The offset is written out here, not kept in a static: a lazily
        /// initialised static cost a `swift_once` call on every uniqueness check, in every map and unmap.
        @inline(__always) private var references: UnsafeMutablePointer<UInt32> {
            (base + MemoryLayout<NodeHeader>.offset(of: \NodeHeader.references)!).assumingMemoryBound(to: UInt32.self)
        }

        /// Takes one more reference (a parent or a root about to hold this node) and returns the node.
        @discardableResult
        func retain() -> Node {
            iopt_refs_retain(references)
            return self
        }

        /// Drops one reference; the last one releases the areas' pages (leaves) or the children (internal
        /// nodes) and gives the block back.
        func release() {
            guard iopt_refs_release(references) == 0 else { return }
            if isLeaf {
                for index in 0..<count { payloadPointer(index).deinitialize(count: 1) }
            } else {
                for index in 0..<count { children[index].release() }
            }
            iopt_node_free(base, isLeaf ? Self.leafBytes : Self.internalBytes)
        }

        /// Whether the caller's reference is the only one: then no other tree value can see a change.
        @inline(__always) var isUniquelyReferenced: Bool { iopt_refs_load(references) == 1 }

        @inline(__always) var meta: UnsafeMutablePointer<NodeHeader> { base.assumingMemoryBound(to: NodeHeader.self) }
        @inline(__always) var keys: UnsafeMutablePointer<UInt64> {
            (base + Self.headerBytes + Self.slotMapWords * 8).assumingMemoryBound(to: UInt64.self)
        }
        /// Leaves: `slotMap[i]` is the area slot of the entry with `keys[i]`.
        @inline(__always) var slotMap: UnsafeMutablePointer<UInt8> {
            (base + Self.headerBytes).assumingMemoryBound(to: UInt8.self)
        }
        @inline(__always) var count: Int {
            get { meta.pointee.count }
            nonmutating set { meta.pointee.count = newValue }
        }
        @inline(__always) var isLeaf: Bool { meta.pointee.isLeaf }
        /// Leaves: `slotProtection[s]` is the protection of the area in slot `s`.
        @inline(__always) var slotProtection: UnsafeMutablePointer<UInt8> { slotMap + Self.leafSlots }
        /// Leaf slot payloads, in no particular order (leaves only); see `slotMap`.
        @inline(__always) var payloads: UnsafeMutablePointer<SlotPayload> {
            UnsafeMutableRawPointer(keys + Self.leafSlots).assumingMemoryBound(to: SlotPayload.self)
        }
        /// The payload of the entry at `index` (leaves only).
        @inline(__always) func payloadPointer(_ index: Int) -> UnsafeMutablePointer<SlotPayload> {
            payloads + Int(slotMap[index])
        }
        @inline(__always) var freeSlots: UInt64 {
            get { meta.pointee.freeSlots }
            nonmutating set { meta.pointee.freeSlots = newValue }
        }
        @inline(__always) var widestSpan: UInt64 {
            get { meta.pointee.widestSpan }
            nonmutating set { meta.pointee.widestSpan = newValue }
        }
        /// Internal children, parallel to `keys` (internal nodes only).
        @inline(__always) var children: UnsafeMutablePointer<Node> {
            UnsafeMutableRawPointer(keys + Self.internalSlots).assumingMemoryBound(to: Node.self)
        }

        /// A node holding the same entries (children and pages are shared, not deep-copied), with one
        /// reference, which the caller owns.
        func copy() -> Node {
            let twin = Node.make(isLeaf: isLeaf)
            if isLeaf {
                for index in 0..<count { twin.append(area(index)) }
            } else {
                for index in 0..<count { children[index].retain() }
                twin.keys.initialize(from: keys, count: count)
                twin.children.initialize(from: children, count: count)
                twin.count = count
            }
            return twin
        }

        /// Index of the last key <= `key`, or -1.
        @inline(__always)
        func floorIndex(_ key: UInt64) -> Int { Self.floorIndex(keys, count, key) }

        /// Index of the last of the `count` sorted `keys` that is <= `key`, or -1, in two counts without
        /// branches: how many group leaders (`keys[0]`, `keys[8]`, ...: one per cache line) are <= `key`
        /// picks the group, then how many of that group's eight keys are. A cold node's key lines are all
        /// requested at once by the first count (independent loads, unlike a binary search's dependent
        /// probes), and the comparisons drop from up to 64 to at most 16: scanning every key was half of
        /// all instructions of a map+unmap.
        @inline(__always)
        static func floorIndex(_ keys: UnsafeMutablePointer<UInt64>, _ count: Int, _ key: UInt64) -> Int {
            var leaders: UInt64 = 0
            var index = 0
            while index < count {
                leaders &+= notAbove(keys[index], key)
                index &+= 8
            }
            guard leaders > 0 else { return -1 }
            let base = (Int(truncatingIfNeeded: leaders) &- 1) &* 8
            let end = Swift.min(base &+ 8, count)
            var below: UInt64 = 0
            index = base
            while index < end {
                below &+= notAbove(keys[index], key)
                index &+= 1
            }
            return base &+ Int(truncatingIfNeeded: below) &- 1
        }

        /// 1 when `probe <= key`, else 0. In these short loops the comparison compiles to `cmp` and `sbb`,
        /// no branch (checked in the disassembly of `seek`).
        @inline(__always)
        static func notAbove(_ probe: UInt64, _ key: UInt64) -> UInt64 {
            probe <= key ? 1 : 0
        }

        /// The child at `index` (its reference stays with this node).
        @inline(__always)
        func child(_ index: Int) -> Node { children[index] }

        var firstKey: UInt64 { keys[0] }

        /// Key `index` (the start of the area, in a leaf).
        @inline(__always) func key(_ index: Int) -> UInt64 { keys[index] }
        /// Leaves: the last IOVA of the area at `index`.
        @inline(__always) func last(_ index: Int) -> UInt64 { payloadPointer(index).pointee.last }
        /// Leaves: the range of the area at `index` (its last IOVA is read from the slot; pages are not touched).
        @inline(__always) func range(_ index: Int) -> IOVARange { IOVARange(start: keys[index], last: last(index)) }

        /// The slot the next insertion will take (`leafSlots` when none is free; `insert` then stops).
        @inline(__always) var nextFreeSlot: Int { freeSlots.trailingZeroBitCount }

        func insert(_ area: Area, at index: Int) {
            let free = freeSlots
            precondition(free != 0, "leaf has no free slot")
            let slot = nextFreeSlot
            freeSlots = free & (free - 1)
            (payloads + slot).initialize(to: SlotPayload(last: area.range.last, pages: area.pages, pagesOffset: area.pagesOffset))
            slotProtection[slot] = area.protection.rawValue
            let tail = count - index
            if tail > 0 {
                (keys + index + 1).moveInitialize(from: keys + index, count: tail)
                (slotMap + index + 1).moveInitialize(from: slotMap + index, count: tail)
            }
            keys[index] = area.range.start
            slotMap[index] = UInt8(truncatingIfNeeded: slot)
            count += 1
            widestSpan = Swift.max(widestSpan, area.range.last &- area.range.start)
        }

        /// Adds `area` after every entry (its start must exceed every key).
        func append(_ area: Area) { insert(area, at: count) }

        /// Inserts `child`, whose reference the caller hands over.
        func insert(_ child: Node, at index: Int) {
            (keys + index + 1).moveInitialize(from: keys + index, count: count - index)
            (children + index + 1).moveInitialize(from: children + index, count: count - index)
            (keys + index).initialize(to: child.firstKey)
            (children + index).initialize(to: child)
            count += 1
        }

        func removeArea(at index: Int) -> Area {
            let area = takeArea(at: index)
            let tail = count - index - 1
            if tail > 0 {
                (slotMap + index).moveInitialize(from: slotMap + index + 1, count: tail)
                (keys + index).moveInitialize(from: keys + index + 1, count: tail)
            }
            count -= 1
            return area
        }

        func removeChild(at index: Int) {
            children[index].release()
            (children + index).moveInitialize(from: children + index + 1, count: count - index - 1)
            (keys + index).moveInitialize(from: keys + index + 1, count: count - index - 1)
            count -= 1
        }

        /// Moves entries `index..<count` into a new right sibling and returns it.
        func splitOff(from index: Int) -> Node {
            let right = Node.make(isLeaf: isLeaf)
            let moved = count - index
            if isLeaf {
                for from in index..<count { right.append(takeArea(at: from)) }
            } else {
                right.keys.moveInitialize(from: keys + index, count: moved)
                right.children.moveInitialize(from: children + index, count: moved)
                right.count = moved
            }
            count = index
            return right
        }

        /// Moves every entry of `right` (the next sibling at the same depth) onto the end of this node.
        func absorb(_ right: Node) {
            let moved = right.count
            if isLeaf {
                for from in 0..<moved { append(right.takeArea(at: from)) }
            } else {
                (keys + count).moveInitialize(from: right.keys, count: moved)
                (children + count).moveInitialize(from: right.children, count: moved)
                count += moved
            }
            right.count = 0
        }

        /// Makes the child at `index` uniquely referenced by this node and returns it.
        func uniqueChild(_ index: Int) -> Node {
            let shared = children[index]
            if shared.isUniquelyReferenced { return shared }
            let twin = shared.copy()
            children[index] = twin
            shared.release()
            return twin
        }

        /// Puts `child` (whose reference the caller hands over) at `index` and drops the one held there.
        func replaceChild(_ index: Int, with child: Node) {
            let old = children[index]
            children[index] = child
            old.release()
        }

        /// The area of the entry at `index` (leaves only), rebuilt from its key words, payload and protection.
        @inline(__always)
        func area(_ index: Int) -> Area {
            let slot = Int(slotMap[index])
            return area(start: keys[index], payloads[slot], slot: slot)
        }

        /// Moves the area at `index` out of its slot and frees the slot, leaving the key words and slot byte
        /// for the caller to drop (by lowering `count`).
        func takeArea(at index: Int) -> Area {
            let slot = Int(slotMap[index])
            let payload = (payloads + slot).move()
            freeSlots |= 1 << UInt64(slot)
            return area(start: keys[index], payload, slot: slot)
        }

        /// The area starting at `start` whose payload and protection byte are those of `slot`.
        @inline(__always)
        private func area(start: UInt64, _ payload: consuming SlotPayload, slot: Int) -> Area {
            Area(range: IOVARange(start: start, last: payload.last), pages: payload.pages,
                 pagesOffset: payload.pagesOffset, protection: IOMMUProtection(rawValue: slotProtection[slot]))
        }
        func setKey(_ index: Int, _ key: UInt64) { keys[index] = key }
    }

    /// One root-to-leaf descent: the node entered and the index taken at each depth, the leaf's index being
    /// that of the greatest key <= the sought key (-1 when every key is greater). Recorded without reference
    /// counts, so it is valid only until the tree is next mutated; `insert(_:at:)` and `remove(at:)` use it
    /// to change the tree without a second descent.
    struct Cursor {
        private var nodeWords: PathWords = PathWords()
        private var indexWords: PathWords = PathWords()
        /// Levels recorded; 0 for an empty tree.
        private(set) var depth = 0

        fileprivate mutating func push(_ node: Node, _ index: Int) {
            precondition(depth < AreaTree.maximumDepth, "area tree deeper than a cursor can record")
            nodeWords[depth] = Int(bitPattern: node.base)
            indexWords[depth] = index
            depth += 1
        }

        fileprivate func node(_ level: Int) -> Node {
            Node(base: UnsafeMutableRawPointer(bitPattern: nodeWords[level])!)
        }

        fileprivate mutating func setNode(_ level: Int, _ node: Node) {
            nodeWords[level] = Int(bitPattern: node.base)
        }

        func index(_ level: Int) -> Int { indexWords[level] }

        /// Index in the leaf of the greatest key <= the sought one (-1 if none, or if the tree is empty).
        var leafIndex: Int { depth > 0 ? indexWords[depth - 1] : -1 }

        /// Whether the area with the greatest start <= the sought key ends at or beyond `start`: with the
        /// sought key in a new area starting at `start`, whether that area would overlap it. The leaf's
        /// `widestSpan` answers most of these from the lines the descent already read: a floor starting more
        /// than the widest span below `start` ends below it, and its slot (a cold line at 1M live mappings,
        /// read only for its last IOVA) is not touched.
        func floorReaches(_ start: UInt64) -> Bool {
            let index = leafIndex
            guard index >= 0 else { return false }
            let leaf = node(depth - 1)
            let floorStart = leaf.key(index)
            if floorStart >= start { return true }
            if start &- floorStart > leaf.widestSpan { return false }
            return leaf.last(index) >= start
        }

        /// The range of the area with the greatest start <= the sought key.
        var floorRange: IOVARange? {
            let index = leafIndex
            guard index >= 0 else { return nil }
            return node(depth - 1).range(index)
        }
    }

    /// Fixed inline storage for a cursor's path (no heap allocation).
    struct PathWords {
        private var words: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

        subscript(index: Int) -> Int {
            get { withUnsafeBytes(of: words) { $0.load(fromByteOffset: index * 8, as: Int.self) } }
            set { withUnsafeMutableBytes(of: &words) { $0.storeBytes(of: newValue, toByteOffset: index * 8, as: Int.self) } }
        }
    }

    /// Holds the root's reference for every tree value that shares it: copying a tree copies a reference
    /// to its box, and `isKnownUniquelyReferenced(&rootBox)` tells a mutation whether it must copy the root.
    private final class RootBox {
        let node: Node
        /// Takes over the caller's reference to `node`.
        init(_ node: Node) { self.node = node }
        deinit { node.release() }
    }

    private var rootBox: RootBox?
    private(set) var count = 0
    var root: Node? { rootBox?.node }

    init() {}

    var isEmpty: Bool { count == 0 }

    // MARK: Lookups

    /// The leaf and index holding the greatest key <= `key`, found without touching reference counts.
    @inline(__always)
    private func floorPosition(_ key: UInt64) -> (leaf: Node, index: Int)? {
        guard var node = root else { return nil }
        while true {
            let index = node.floorIndex(key)
            if index < 0 { return nil }
            if node.isLeaf { return (node, index) }
            node = node.child(index)
        }
    }

    /// The area with the greatest start <= `key`.
    func floor(_ key: UInt64) -> Area? {
        guard let (leaf, index) = floorPosition(key) else { return nil }
        return leaf.area(index)
    }

    /// The range of the area with the greatest start <= `key` (no reference to its pages is taken).
    func floorRange(_ key: UInt64) -> IOVARange? {
        guard let (leaf, index) = floorPosition(key) else { return nil }
        return leaf.range(index)
    }

    /// Whether any area overlaps `range`: since areas are disjoint and ordered, only the one with the
    /// greatest start <= `range.last` can, and the map's own check (`Cursor.floorReaches`) decides it.
    func overlapsArea(_ range: IOVARange) -> Bool {
        seek(range.last).floorReaches(range.start)
    }

    var first: Area? {
        guard var node = root else { return nil }
        while !node.isLeaf { node = node.children[0] }
        return node.count > 0 ? node.area(0) : nil
    }

    var last: Area? {
        guard var node = root else { return nil }
        while !node.isLeaf { node = node.children[node.count - 1] }
        return node.count > 0 ? node.area(node.count - 1) : nil
    }

    /// Calls `body` on each area whose start lies in `[low, high]`, in order, until it returns false.
    /// O(log n + k).
    func forEach(startingIn low: UInt64, through high: UInt64, _ body: (Area) -> Bool) {
        guard let root, low <= high else { return }
        _ = Self.visit(root, low, high, body)
    }

    private static func visit(_ node: Node, _ low: UInt64, _ high: UInt64, _ body: (Area) -> Bool) -> Bool {
        if node.isLeaf {
            var index = node.floorIndex(low)
            if index < 0 || node.key(index) < low { index += 1 }
            while index < node.count, node.key(index) <= high {
                if !body(node.area(index)) { return false }
                index += 1
            }
            return true
        }
        var index = max(node.floorIndex(low), 0)
        while index < node.count, node.key(index) <= high {
            if !visit(node.children[index], low, high, body) { return false }
            index += 1
        }
        return true
    }

    /// Every area in order.
    func allAreas() -> [Area] {
        var result: [Area] = []
        result.reserveCapacity(count)
        forEach(startingIn: 0, through: .max) { result.append($0); return true }
        return result
    }

    // MARK: Descents

    /// The descent towards `key`: the leaf position of the greatest key <= `key`, and the path to it.
    func seek(_ key: UInt64) -> Cursor { descend(key, forInsertion: false) }

    /// `seek(key)` for an insertion after the position found. On the way down it also asks, without waiting,
    /// for the lines an insertion needs besides the keys: each internal node's child pointers, and the leaf's
    /// slot map, protection map and the payload slot it will fill. At 1M live mappings these are cold, and a
    /// map waited for them one after another; asked for with the keys, their misses overlap.
    func seekInsertionPoint(_ key: UInt64) -> Cursor { descend(key, forInsertion: true) }

    @inline(__always)
    private func descend(_ key: UInt64, forInsertion: Bool) -> Cursor {
        var cursor = Cursor()
        guard var node = root else { return cursor }
        while true {
            if forInsertion && !node.isLeaf {
                // All the child lines, not only the one the keys pick: at 1M live mappings a bottom
                // internal node is visited once in about 500 pairs, each line of its children once in
                // about 2,700, by when it has left the cache; the key lines, all read on every visit, stay.
                prefetchWords(UInt(bitPattern: node.children), count: node.count)
            }
            let index = node.floorIndex(key)
            guard !node.isLeaf else {
                cursor.push(node, index)
                if forInsertion {
                    // The slot map and protection map (shifted and written) and the payload slot the
                    // insertion will fill (`Node.insert` takes the lowest free slot; a leaf always has one
                    // between operations, and the modulo keeps the hint inside the node regardless).
                    prefetchInsertion(maps: UInt(bitPattern: node.slotMap),
                                      payload: UInt(bitPattern: node.payloads + node.nextFreeSlot % Node.leafSlots),
                                      payloadBytes: MemoryLayout<SlotPayload>.stride)
                }
                return cursor
            }
            let taken = max(index, 0)  // a key below every separator lies in the leftmost subtree
            cursor.push(node, taken)
            node = node.child(taken)
        }
    }

    /// Copies whichever nodes on the cursor's path are shared with another tree value (top down), so the path
    /// can be written in place; the cursor is updated to the copies.
    private mutating func makeUnique(_ cursor: inout Cursor) {
        // A box shared with another tree value shares the root too, whatever the root's own count says.
        if !isKnownUniquelyReferenced(&rootBox) || !rootBox!.node.isUniquelyReferenced {
            rootBox = RootBox(rootBox!.node.copy())
            cursor.setNode(0, rootBox!.node)
        }
        for level in 1..<cursor.depth {
            let parent = cursor.node(level - 1)
            let index = cursor.index(level - 1)
            if !parent.child(index).isUniquelyReferenced { cursor.setNode(level, parent.uniqueChild(index)) }
        }
    }

    // MARK: Mutations

    /// Inserts `area`. The caller guarantees that it overlaps no stored area.
    mutating func insert(_ area: Area) {
        insert(area, at: seekInsertionPoint(area.range.start))
    }

    /// Inserts `area` just after the cursor's leaf position. The cursor must come from `seekInsertionPoint(k)`
    /// (or `seek(k)`) on this unchanged tree with `k` in `area.range` (e.g. its last IOVA, as an overlap check
    /// does), and `area` must overlap no stored area: then no key lies between the floor of `k` and
    /// `area.range.start`.
    mutating func insert(_ area: Area, at cursor: Cursor) {
        guard cursor.depth > 0 else {
            let leaf = Node.make(isLeaf: true)
            leaf.insert(area, at: 0)
            rootBox = RootBox(leaf)
            count = 1
            return
        }
        var path = cursor
        makeUnique(&path)
        let leafLevel = path.depth - 1
        let position = path.leafIndex + 1
        let leaf = path.node(leafLevel)
        assert(position == 0 || leaf.last(position - 1) < area.range.start, "cursor does not precede area")
        assert(position == leaf.count || leaf.key(position) > area.range.last, "cursor does not precede area")
        leaf.insert(area, at: position)
        let overflows = leaf.count > Self.leafCapacity
        count += 1
        if position == 0 {
            // A new smallest key: every separator above it on the leftmost path changes too.
            for level in stride(from: leafLevel - 1, through: 0, by: -1) {
                path.node(level).setKey(path.index(level), area.range.start)
            }
        }
        guard overflows else { return }
        if leafLevel > 0, shiftToSibling(path, leafLevel: leafLevel) { return }
        splitUpward(path, from: leafLevel, insertedAt: position)
    }

    /// Moves one entry of the over-full leaf on `path` into a sibling with room (its first entry to the end
    /// of the left sibling, else its last to the front of the right one) and returns true; false when both
    /// siblings under the same parent are full. Splitting only when the neighbours are full keeps leaves
    /// fuller under churn: a map then an unmap landing in full leaves used to halve every leaf it touched,
    /// so 1M live mappings ended up in 31.7k leaves rather than 21.4k (a third less leaf memory).
    private func shiftToSibling(_ path: Cursor, leafLevel: Int) -> Bool {
        let parent = path.node(leafLevel - 1)
        let leaf = path.node(leafLevel)
        let index = path.index(leafLevel - 1)
        if index > 0, parent.child(index - 1).count < Self.leafCapacity {
            parent.uniqueChild(index - 1).append(leaf.removeArea(at: 0))
            parent.setKey(index, leaf.firstKey)
            return true
        }
        if index + 1 < parent.count, parent.child(index + 1).count < Self.leafCapacity {
            let moved = leaf.removeArea(at: leaf.count - 1)
            parent.uniqueChild(index + 1).insert(moved, at: 0)
            parent.setKey(index + 1, moved.range.start)
            return true
        }
        return false
    }

    /// Splits the over-full node at `level` of `path`, then each ancestor the split fills over capacity.
    private mutating func splitUpward(_ path: Cursor, from leafLevel: Int, insertedAt position: Int) {
        var level = leafLevel
        while true {
            let node = path.node(level)
            let capacity = node.isLeaf ? Self.leafCapacity : Self.internalCapacity
            guard node.count > capacity else { return }
            // Appending at the end of a leaf (ascending fills) leaves it full instead of half empty.
            let splitAt = node.isLeaf && position == node.count - 1 ? position : node.count / 2
            let right = node.splitOff(from: splitAt)
            guard level > 0 else {
                // The new root takes a reference to the old one; the old box, dropped, gives its own back.
                let newRoot = Node.make(isLeaf: false)
                newRoot.insert(node.retain(), at: 0)
                newRoot.insert(right, at: 1)
                rootBox = RootBox(newRoot)
                return
            }
            let parent = path.node(level - 1)
            parent.insert(right, at: path.index(level - 1) + 1)
            level -= 1
        }
    }

    /// Removes and returns the area starting exactly at `key`.
    @discardableResult
    mutating func remove(startingAt key: UInt64) -> Area? {
        let cursor = seek(key)
        guard let found = cursor.floorRange, found.start == key else { return nil }
        return remove(at: cursor)
    }

    /// Removes and returns the area at the cursor's leaf position, which must exist (`floorRange != nil`).
    /// The cursor must come from `seek` on this unchanged tree.
    mutating func remove(at cursor: Cursor) -> Area {
        precondition(cursor.leafIndex >= 0, "no area at cursor")
        var path = cursor
        makeUnique(&path)
        let leafLevel = path.depth - 1
        let leaf = path.node(leafLevel)
        let removed = leaf.removeArea(at: path.leafIndex)
        let leafCount = leaf.count
        count -= 1
        // Most removals keep the leaf's smallest key and leave it full enough: nothing above changes.
        if path.leafIndex > 0 && (leafLevel == 0 || leafCount >= Self.minimumFill) { return removed }
        // Bottom up, as a recursive removal would unwind: refresh the separator, refill an under-full child.
        for level in stride(from: leafLevel - 1, through: 0, by: -1) {
            let index = path.index(level)
            let child = path.node(level + 1)
            let parent = path.node(level)
            if child.count > 0, parent.keys[index] != child.firstKey { parent.setKey(index, child.firstKey) }
            if child.count < Self.minimumFill { Self.rebalance(parent, childAt: index) }
        }
        let top = path.node(0)
        if top.isLeaf {
            if top.count == 0 { rootBox = nil }
        } else if top.count == 1 {
            // The only child becomes the root: retained first, as dropping the old root releases it.
            rootBox = RootBox(top.child(0).retain())
        }
        return removed
    }

    /// Merges `node.children[index]` with a sibling, or evens out their entries.
    private static func rebalance(_ node: Node, childAt index: Int) {
        guard node.count > 1 else { return }
        let leftIndex = index > 0 ? index - 1 : index
        let left = node.uniqueChild(leftIndex)
        let right = node.uniqueChild(leftIndex + 1)
        let capacity = left.isLeaf ? leafCapacity : internalCapacity
        if left.count + right.count <= capacity {
            left.absorb(right)
            node.removeChild(at: leftIndex + 1)
            node.setKey(leftIndex, left.firstKey)  // left may have been the emptied child
            return
        }
        let target = (left.count + right.count) / 2
        if left.count > target {
            let moved = left.splitOff(from: target)
            moved.absorb(right)
            node.replaceChild(leftIndex + 1, with: moved)
        } else {
            let tail = right.splitOff(from: target - left.count)
            left.absorb(right)
            node.replaceChild(leftIndex + 1, with: tail)
        }
        node.setKey(leftIndex, left.firstKey)
        node.setKey(leftIndex + 1, node.children[leftIndex + 1].firstKey)
    }

    mutating func removeAll() {
        rootBox = nil
        count = 0
    }

    // MARK: Diagnostics

    /// Levels from the root to the leaves (0 for an empty tree).
    var height: Int {
        guard var node = root else { return 0 }
        var levels = 1
        while !node.isLeaf { node = node.child(0); levels += 1 }
        return levels
    }

    /// Nodes reachable from this tree that another tree's nodes or root also hold: 0 once every copy this
    /// tree shared nodes with has been written all over or dropped (a copy sharing the whole tree shares
    /// its root box instead, and counts 0 here).
    func sharedNodeCount() -> Int {
        guard let root else { return 0 }
        func count(_ node: Node) -> Int {
            let own = node.isUniquelyReferenced ? 0 : 1
            return node.isLeaf ? own : (0..<node.count).reduce(own) { $0 + count(node.child($1)) }
        }
        return count(root)
    }

    /// Structural problems (empty when the B+-tree invariants hold).
    func structuralProblems() -> [String] {
        guard let root else { return count == 0 ? [] : ["count \(count) but no root"] }
        var problems: [String] = []
        var leafDepth: Int? = nil
        var seen = 0
        func check(_ node: Node, depth: Int, isRoot: Bool) {
            if node.count == 0 { problems.append("empty node at depth \(depth)"); return }
            for i in 1..<max(node.count, 1) where node.key(i - 1) >= node.key(i) {
                problems.append("keys out of order at depth \(depth)")
            }
            if node.isLeaf {
                if let leafDepth, leafDepth != depth { problems.append("leaves at depths \(leafDepth) and \(depth)") }
                leafDepth = depth
                seen += node.count
                for i in 0..<node.count where node.last(i) < node.key(i) {
                    problems.append("leaf key \(node.key(i)) above its last \(node.last(i))")
                }
                for i in 0..<node.count where node.last(i) &- node.key(i) > node.widestSpan {
                    problems.append("leaf area at \(node.key(i)) wider than the leaf's bound \(node.widestSpan)")
                }
                var used: UInt64 = 0
                for i in 0..<node.count {
                    let bit: UInt64 = 1 << UInt64(node.slotMap[i])
                    if used & bit != 0 || node.freeSlots & bit != 0 { problems.append("leaf slot \(node.slotMap[i]) reused or marked free") }
                    used |= bit
                }
                if used | node.freeSlots != Node.allSlotsFree { problems.append("leaf slot mask lost slots") }
            } else {
                if isRoot && node.count < 2 { problems.append("internal root with one child") }
                for i in 0..<node.count {
                    let child = node.children[i]
                    if child.count > 0, child.firstKey != node.keys[i] { problems.append("stale separator at depth \(depth)") }
                    check(child, depth: depth + 1, isRoot: false)
                }
            }
        }
        check(root, depth: 0, isRoot: true)
        if seen != count { problems.append("count \(count) but \(seen) areas stored") }
        return problems
    }
}

// Nodes are only mutated while uniquely referenced (copy-on-write), so sharing a tree value across
// concurrency domains never exposes a mutation.
extension AreaTree: @unchecked Sendable {}

/// In-order walk over a tree's leaves: a stack of (node, next index), O(1) amortised per area.
public struct AreaIterator: IteratorProtocol {
    /// The tree walked, held so that its nodes live (and stay unchanged: a mutation of the value the
    /// iterator came from copies the nodes it shares with this one) while the stack names them.
    private let tree: AreaTree
    private var stack: [(node: AreaTree.Node, index: Int)] = []

    init(_ tree: AreaTree) {
        self.tree = tree
        if let root = tree.root { stack.append((root, 0)) }
    }

    public mutating func next() -> Area? {
        while let top = stack.last {
            if top.index >= top.node.count {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].index += 1
            if top.node.isLeaf { return top.node.area(top.index) }
            stack.append((top.node.children[top.index], 0))
        }
        return nil
    }
}
