/// The ordered map of disjoint areas keyed by start IOVA: a copy-on-write B+-tree (iommufd keeps areas in
/// `area_itree`; since areas never overlap, an ordered map with floor lookup answers every interval query).
///
/// Invariants: all leaves are at the same depth; a leaf's `keys[i] == areas[i].range.start`, strictly
/// increasing; an internal node's `keys[i]` is exactly the smallest key under `children[i]`; a node other
/// than the root is refilled from a sibling once a removal leaves it under `minimumFill`. A node is mutated
/// only after `isKnownUniquelyReferenced` proved that no other tree value shares it.
struct AreaTree {
    static let leafCapacity = 64
    static let internalCapacity = 64
    static let minimumFill = 16

    /// One node. Keys and entries live in fixed-capacity buffers owned by the node (one spare slot for the
    /// entry that triggers a split), so lookups read plain memory with no reference counting.
    final class Node {
        let isLeaf: Bool
        private(set) var count = 0
        let keys: UnsafeMutablePointer<UInt64>
        /// Leaf entries, parallel to `keys` (nil in internal nodes).
        let areas: UnsafeMutablePointer<Area>?
        /// Internal children, parallel to `keys` (nil in leaves).
        let children: UnsafeMutablePointer<Node>?

        init(isLeaf: Bool) {
            self.isLeaf = isLeaf
            let capacity = (isLeaf ? AreaTree.leafCapacity : AreaTree.internalCapacity) + 1
            keys = .allocate(capacity: capacity)
            areas = isLeaf ? .allocate(capacity: capacity) : nil
            children = isLeaf ? nil : .allocate(capacity: capacity)
        }

        deinit {
            areas?.deinitialize(count: count)
            areas?.deallocate()
            children?.deinitialize(count: count)
            children?.deallocate()
            keys.deallocate()
        }

        /// A node holding the same entries (children and pages are shared, not deep-copied).
        func copy() -> Node {
            let twin = Node(isLeaf: isLeaf)
            twin.keys.initialize(from: keys, count: count)
            if let areas { twin.areas!.initialize(from: areas, count: count) }
            if let children { twin.children!.initialize(from: children, count: count) }
            twin.count = count
            return twin
        }

        /// Index of the last key <= `key`, or -1. A binary search whose steps are conditional moves rather
        /// than unpredictable branches.
        @inline(__always)
        func floorIndex(_ key: UInt64) -> Int {
            var n = count
            guard n > 0 else { return -1 }
            var base = 0
            while n > 1 {
                let half = n >> 1
                base = keys[base &+ half] <= key ? base &+ half : base
                n &-= half
            }
            return keys[base] <= key ? base : -1  // base moved only past keys <= key, so -1 means base is 0
        }

        /// The child at `index`, without retaining it.
        @inline(__always)
        func unretainedChild(_ index: Int) -> Unmanaged<Node> {
            UnsafeRawPointer(children! + index).load(as: Unmanaged<Node>.self)
        }

        var firstKey: UInt64 { keys[0] }

        func insert(_ area: Area, at index: Int) {
            (keys + index + 1).moveInitialize(from: keys + index, count: count - index)
            (areas! + index + 1).moveInitialize(from: areas! + index, count: count - index)
            (keys + index).initialize(to: area.range.start)
            (areas! + index).initialize(to: area)
            count += 1
        }

        func insert(_ child: Node, at index: Int) {
            (keys + index + 1).moveInitialize(from: keys + index, count: count - index)
            (children! + index + 1).moveInitialize(from: children! + index, count: count - index)
            (keys + index).initialize(to: child.firstKey)
            (children! + index).initialize(to: child)
            count += 1
        }

        func removeArea(at index: Int) -> Area {
            let area = (areas! + index).move()
            (areas! + index).moveInitialize(from: areas! + index + 1, count: count - index - 1)
            (keys + index).moveInitialize(from: keys + index + 1, count: count - index - 1)
            count -= 1
            return area
        }

        func removeChild(at index: Int) {
            (children! + index).deinitialize(count: 1)
            (children! + index).moveInitialize(from: children! + index + 1, count: count - index - 1)
            (keys + index).moveInitialize(from: keys + index + 1, count: count - index - 1)
            count -= 1
        }

        /// Moves entries `index..<count` into a new right sibling and returns it.
        func splitOff(from index: Int) -> Node {
            let right = Node(isLeaf: isLeaf)
            let moved = count - index
            right.keys.moveInitialize(from: keys + index, count: moved)
            if isLeaf {
                right.areas!.moveInitialize(from: areas! + index, count: moved)
            } else {
                right.children!.moveInitialize(from: children! + index, count: moved)
            }
            right.count = moved
            count = index
            return right
        }

        /// Moves every entry of `right` (the next sibling at the same depth) onto the end of this node.
        func absorb(_ right: Node) {
            let moved = right.count
            (keys + count).moveInitialize(from: right.keys, count: moved)
            if isLeaf {
                (areas! + count).moveInitialize(from: right.areas!, count: moved)
            } else {
                (children! + count).moveInitialize(from: right.children!, count: moved)
            }
            count += moved
            right.count = 0
        }

        /// Makes the child at `index` uniquely referenced by this node and returns it.
        @inline(__always)
        func uniqueChild(_ index: Int) -> Node {
            if !isKnownUniquelyReferenced(&children![index]) {
                children![index] = children![index].copy()
            }
            return children![index]
        }

        func key(_ index: Int) -> UInt64 { keys[index] }
        func area(_ index: Int) -> Area { areas![index] }
        func setKey(_ index: Int, _ key: UInt64) { keys[index] = key }
    }

    private(set) var root: Node?
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    // MARK: Lookups

    /// The leaf and index holding the greatest key <= `key`, found without touching reference counts.
    @inline(__always)
    private func floorPosition(_ key: UInt64) -> (leaf: Unmanaged<Node>, index: Int)? {
        guard let root else { return nil }
        var node = Unmanaged.passUnretained(root)
        while true {
            let (index, next): (Int, Unmanaged<Node>?) = node._withUnsafeGuaranteedRef { current in
                let index = current.floorIndex(key)
                if index < 0 || current.isLeaf { return (index, nil) }
                return (index, current.unretainedChild(index))
            }
            if index < 0 { return nil }
            guard let next else { return (node, index) }
            node = next
        }
    }

    /// The area with the greatest start <= `key`.
    func floor(_ key: UInt64) -> Area? {
        guard let (leaf, index) = floorPosition(key) else { return nil }
        return leaf._withUnsafeGuaranteedRef { $0.areas![index] }
    }

    /// The range of the area with the greatest start <= `key` (no reference to its pages is taken).
    func floorRange(_ key: UInt64) -> IOVARange? {
        guard let (leaf, index) = floorPosition(key) else { return nil }
        return leaf._withUnsafeGuaranteedRef { ($0.areas! + index).pointee.range }
    }

    /// The range of the last area overlapping `range`: since areas are disjoint and ordered, the one with the
    /// greatest start <= `range.last` is the last overlapping one, and if it does not overlap, none does.
    func lastOverlapping(_ range: IOVARange) -> IOVARange? {
        guard let found = floorRange(range.last), found.last >= range.start else { return nil }
        return found
    }

    var first: Area? {
        guard var node = root else { return nil }
        while !node.isLeaf { node = node.children![0] }
        return node.count > 0 ? node.areas![0] : nil
    }

    var last: Area? {
        guard var node = root else { return nil }
        while !node.isLeaf { node = node.children![node.count - 1] }
        return node.count > 0 ? node.areas![node.count - 1] : nil
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
            if index < 0 || node.keys[index] < low { index += 1 }
            while index < node.count, node.keys[index] <= high {
                if !body(node.areas![index]) { return false }
                index += 1
            }
            return true
        }
        var index = max(node.floorIndex(low), 0)
        while index < node.count, node.keys[index] <= high {
            if !visit(node.children![index], low, high, body) { return false }
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

    // MARK: Mutations

    /// Inserts `area`. The caller guarantees that it overlaps no stored area.
    mutating func insert(_ area: Area) {
        guard root != nil else {
            let leaf = Node(isLeaf: true)
            leaf.insert(area, at: 0)
            root = leaf
            count = 1
            return
        }
        if !isKnownUniquelyReferenced(&root!) { root = root!.copy() }
        let top = root!
        if let right = Self.insert(area, into: top) {
            let newRoot = Node(isLeaf: false)
            newRoot.insert(top, at: 0)
            newRoot.insert(right, at: 1)
            root = newRoot
        }
        count += 1
    }

    /// Returns the new right sibling when `node` had to split.
    private static func insert(_ area: Area, into node: Node) -> Node? {
        let position = node.floorIndex(area.range.start) + 1
        if node.isLeaf {
            node.insert(area, at: position)
            guard node.count > leafCapacity else { return nil }
            // Appending at the end (ascending fills) leaves the left leaf full instead of half empty.
            return node.splitOff(from: position == node.count - 1 ? position : node.count / 2)
        }
        let index = max(position - 1, 0)
        let child = node.uniqueChild(index)
        let split = insert(area, into: child)
        node.setKey(index, child.firstKey)
        guard let split else { return nil }
        node.insert(split, at: index + 1)
        guard node.count > internalCapacity else { return nil }
        return node.splitOff(from: node.count / 2)
    }

    /// Removes and returns the area starting exactly at `key`.
    @discardableResult
    mutating func remove(startingAt key: UInt64) -> Area? {
        guard root != nil else { return nil }
        if !isKnownUniquelyReferenced(&root!) { root = root!.copy() }
        let top = root!
        guard let removed = Self.remove(key, from: top) else { return nil }
        count -= 1
        if top.isLeaf {
            if top.count == 0 { root = nil }
        } else if top.count == 1 {
            root = top.children![0]
        }
        return removed
    }

    private static func remove(_ key: UInt64, from node: Node) -> Area? {
        let index = node.floorIndex(key)
        guard index >= 0 else { return nil }
        if node.isLeaf {
            guard node.keys[index] == key else { return nil }
            return node.removeArea(at: index)
        }
        let child = node.uniqueChild(index)
        guard let removed = remove(key, from: child) else { return nil }
        if child.count > 0 { node.setKey(index, child.firstKey) }
        if child.count < minimumFill { rebalance(node, childAt: index) }
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
            node.children![leftIndex + 1] = moved
        } else {
            let tail = right.splitOff(from: target - left.count)
            left.absorb(right)
            node.children![leftIndex + 1] = tail
        }
        node.setKey(leftIndex, left.firstKey)
        node.setKey(leftIndex + 1, node.children![leftIndex + 1].firstKey)
    }

    mutating func removeAll() {
        root = nil
        count = 0
    }

    // MARK: Diagnostics

    /// Structural problems (empty when the B+-tree invariants hold).
    func structuralProblems() -> [String] {
        guard let root else { return count == 0 ? [] : ["count \(count) but no root"] }
        var problems: [String] = []
        var leafDepth: Int? = nil
        var seen = 0
        func check(_ node: Node, depth: Int, isRoot: Bool) {
            if node.count == 0 { problems.append("empty node at depth \(depth)"); return }
            for i in 1..<max(node.count, 1) where node.keys[i - 1] >= node.keys[i] {
                problems.append("keys out of order at depth \(depth)")
            }
            if node.isLeaf {
                if let leafDepth, leafDepth != depth { problems.append("leaves at depths \(leafDepth) and \(depth)") }
                leafDepth = depth
                seen += node.count
                for i in 0..<node.count where node.keys[i] != node.areas![i].range.start {
                    problems.append("leaf key 0x\(String(node.keys[i], radix: 16)) != area start")
                }
            } else {
                if isRoot && node.count < 2 { problems.append("internal root with one child") }
                for i in 0..<node.count {
                    let child = node.children![i]
                    if child.count > 0, child.keys[0] != node.keys[i] { problems.append("stale separator at depth \(depth)") }
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
    private var stack: [(node: AreaTree.Node, index: Int)] = []

    init(_ root: AreaTree.Node?) {
        if let root { stack.append((root, 0)) }
    }

    public mutating func next() -> Area? {
        while let top = stack.last {
            if top.index >= top.node.count {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].index += 1
            if top.node.isLeaf { return top.node.areas![top.index] }
            stack.append((top.node.children![top.index], 0))
        }
        return nil
    }
}
