/// The ordered map of disjoint areas keyed by start IOVA: a copy-on-write B+-tree (iommufd keeps areas in
/// `area_itree`; since areas never overlap, an ordered map with floor lookup answers every interval query).
///
/// Invariants: all leaves are at the same depth; a leaf's `keys[i] == areas[i].range.start`, strictly
/// increasing; an internal node's `keys[i]` is exactly the smallest key under `children[i]`; every node but
/// the root holds at least `minimumFill` entries once a removal has touched it. A node is mutated only
/// after `isKnownUniquelyReferenced` proved no other tree value shares it.
struct AreaTree {
    static let leafCapacity = 64
    static let internalCapacity = 64
    static let minimumFill = 16

    final class Node {
        let isLeaf: Bool
        var keys: [UInt64]
        /// Leaf entries, parallel to `keys`.
        var areas: [Area]
        /// Internal children, parallel to `keys`.
        var children: [Node]

        init(leafKeys keys: [UInt64], areas: [Area]) {
            isLeaf = true
            self.keys = keys
            self.areas = areas
            self.children = []
            self.keys.reserveCapacity(AreaTree.leafCapacity + 1)
            self.areas.reserveCapacity(AreaTree.leafCapacity + 1)
        }

        init(internalKeys keys: [UInt64], children: [Node]) {
            isLeaf = false
            self.keys = keys
            self.areas = []
            self.children = children
            self.keys.reserveCapacity(AreaTree.internalCapacity + 1)
            self.children.reserveCapacity(AreaTree.internalCapacity + 1)
        }

        private init(copying other: Node) {
            isLeaf = other.isLeaf
            keys = other.keys
            areas = other.areas
            children = other.children
        }

        func copy() -> Node { Node(copying: self) }

        var count: Int { keys.count }

        /// Index of the last key <= `key`, or -1.
        @inline(__always)
        func floorIndex(_ key: UInt64) -> Int {
            keys.withUnsafeBufferPointer { buffer in
                var low = 0
                var high = buffer.count
                while low < high {
                    let mid = (low &+ high) >> 1
                    if buffer[mid] <= key { low = mid &+ 1 } else { high = mid }
                }
                return low &- 1
            }
        }

        /// Moves entries `from..<count` into a new right sibling and returns it.
        func splitOff(from index: Int) -> Node {
            let right: Node
            if isLeaf {
                right = Node(leafKeys: Array(keys[index...]), areas: Array(areas[index...]))
                areas.removeSubrange(index...)
            } else {
                right = Node(internalKeys: Array(keys[index...]), children: Array(children[index...]))
                children.removeSubrange(index...)
            }
            keys.removeSubrange(index...)
            return right
        }

        /// Appends every entry of `right` (the next sibling at the same depth).
        func absorb(_ right: Node) {
            keys.append(contentsOf: right.keys)
            if isLeaf { areas.append(contentsOf: right.areas) } else { children.append(contentsOf: right.children) }
        }

        /// Makes `children[index]` uniquely referenced by this node and returns it.
        @inline(__always)
        func uniqueChild(_ index: Int) -> Node {
            if !isKnownUniquelyReferenced(&children[index]) {
                children[index] = children[index].copy()
            }
            return children[index]
        }
    }

    private(set) var root: Node?
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    // MARK: Lookups

    /// The area with the greatest start <= `key`.
    func floor(_ key: UInt64) -> Area? {
        guard var node = root else { return nil }
        while true {
            let index = node.floorIndex(key)
            if index < 0 { return nil }
            if node.isLeaf { return node.areas[index] }
            node = node.children[index]
        }
    }

    /// The area with the greatest start <= `range.last`, if it overlaps `range`: since areas are disjoint and
    /// ordered, it is the last overlapping area, and none overlaps when it does not.
    func lastOverlapping(_ range: IOVARange) -> Area? {
        guard let area = floor(range.last), area.range.last >= range.start else { return nil }
        return area
    }

    var first: Area? {
        guard var node = root else { return nil }
        while !node.isLeaf { node = node.children[0] }
        return node.areas.first
    }

    var last: Area? {
        guard var node = root else { return nil }
        while !node.isLeaf { node = node.children[node.count - 1] }
        return node.areas.last
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
                if !body(node.areas[index]) { return false }
                index += 1
            }
            return true
        }
        var index = max(node.floorIndex(low), 0)
        while index < node.count, node.keys[index] <= high {
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

    // MARK: Mutations

    /// Inserts `area`. The caller guarantees that it overlaps no stored area.
    mutating func insert(_ area: Area) {
        guard root != nil else {
            root = Node(leafKeys: [area.range.start], areas: [area])
            count = 1
            return
        }
        if !isKnownUniquelyReferenced(&root!) { root = root!.copy() }
        let top = root!
        if let right = Self.insert(area, into: top) {
            root = Node(internalKeys: [top.keys[0], right.keys[0]], children: [top, right])
        }
        count += 1
    }

    /// Returns the new right sibling when `node` had to split.
    private static func insert(_ area: Area, into node: Node) -> Node? {
        let key = area.range.start
        let position = node.floorIndex(key) + 1
        if node.isLeaf {
            node.keys.insert(key, at: position)
            node.areas.insert(area, at: position)
            guard node.count > leafCapacity else { return nil }
            // Appending at the end (ascending fills) leaves the left leaf full instead of half empty.
            return node.splitOff(from: position == node.count - 1 ? position : node.count / 2)
        }
        let index = max(position - 1, 0)
        let child = node.uniqueChild(index)
        let split = insert(area, into: child)
        node.keys[index] = child.keys[0]
        guard let split else { return nil }
        node.keys.insert(split.keys[0], at: index + 1)
        node.children.insert(split, at: index + 1)
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
            root = top.children[0]
        }
        return removed
    }

    private static func remove(_ key: UInt64, from node: Node) -> Area? {
        let index = node.floorIndex(key)
        guard index >= 0 else { return nil }
        if node.isLeaf {
            guard node.keys[index] == key else { return nil }
            node.keys.remove(at: index)
            return node.areas.remove(at: index)
        }
        let child = node.uniqueChild(index)
        guard let removed = remove(key, from: child) else { return nil }
        if child.count > 0 { node.keys[index] = child.keys[0] }
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
            node.keys.remove(at: leftIndex + 1)
            node.children.remove(at: leftIndex + 1)
            node.keys[leftIndex] = left.keys[0]  // left may have been the emptied child
            return
        }
        let target = (left.count + right.count) / 2
        if left.count > target {
            let moved = left.splitOff(from: target)
            moved.absorb(right)
            node.children[leftIndex + 1] = moved
        } else {
            let tail = right.splitOff(from: target - left.count)
            left.absorb(right)
            node.children[leftIndex + 1] = tail
        }
        node.keys[leftIndex] = left.keys[0]
        node.keys[leftIndex + 1] = node.children[leftIndex + 1].keys[0]
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
            if node.count == 0 { problems.append("empty node at depth \(depth)") ; return }
            for i in 1..<max(node.count, 1) where node.keys[i - 1] >= node.keys[i] {
                problems.append("keys out of order at depth \(depth)")
            }
            if node.isLeaf {
                if let leafDepth, leafDepth != depth { problems.append("leaves at depths \(leafDepth) and \(depth)") }
                leafDepth = depth
                seen += node.count
                for (key, area) in zip(node.keys, node.areas) where key != area.range.start {
                    problems.append("leaf key 0x\(String(key, radix: 16)) != area start")
                }
            } else {
                if isRoot && node.count < 2 { problems.append("internal root with one child") }
                for (key, child) in zip(node.keys, node.children) {
                    if child.count > 0, child.keys[0] != key { problems.append("stale separator at depth \(depth)") }
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
            if top.node.isLeaf { return top.node.areas[top.index] }
            stack.append((top.node.children[top.index], 0))
        }
        return nil
    }
}
