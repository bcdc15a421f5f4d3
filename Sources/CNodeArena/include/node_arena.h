// Memory for the engine's area-tree nodes, on transparent huge pages where the kernel allows them.
// Nothing Swift can say: mmap'd, 2 MiB-aligned chunks advised with MADV_HUGEPAGE, so that a lookup at
// 1M live mappings (about 45 MB of nodes) misses the TLB far less often than on malloc's 4 KiB pages.
#pragma once
#include <stddef.h>

// A block of `bytes` (a multiple of 64, at most IOPT_NODE_MAX_BYTES), aligned to 64 bytes, its contents
// undefined; NULL when the system has no memory left. Safe to call from any thread.
void *iopt_node_alloc(size_t bytes);

// Returns a block from `iopt_node_alloc(bytes)` for reuse by the next allocation of the same size.
void iopt_node_free(void *block, size_t bytes);

// Blocks allocated on the calling thread less those freed on it (for leak checks in tests, which run
// concurrently: a synchronous test's own trees are built and dropped on its one thread).
long iopt_node_thread_balance(void);

#define IOPT_NODE_MAX_BYTES 8192

#include <stdint.h>

// A node's reference count, changed by every thread that shares the node (tree values are Sendable):
// atomic, as Swift's own object counts are. Acquire on the last release and on the uniqueness check, so
// that a node's contents are seen whole by whoever frees or mutates it.
static inline __attribute__((always_inline)) void iopt_refs_retain(uint32_t *refs) {
    __atomic_fetch_add(refs, 1, __ATOMIC_RELAXED);
}
static inline __attribute__((always_inline)) uint32_t iopt_refs_release(uint32_t *refs) {
    return __atomic_sub_fetch(refs, 1, __ATOMIC_ACQ_REL);
}
static inline __attribute__((always_inline)) uint32_t iopt_refs_load(uint32_t *refs) {
    return __atomic_load_n(refs, __ATOMIC_ACQUIRE);
}
