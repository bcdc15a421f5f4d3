// A process-wide pool of fixed-size blocks per size (one size per node kind), carved from chunks that are
// mmap'd 2 MiB-aligned and advised MADV_HUGEPAGE. Freed blocks go on their size's free list and are
// reused; chunks are never unmapped (as glibc keeps most of a heap it grew). One mutex guards it all: a
// block is taken or given back only when a node is created or dies (a split, a merge, a copy), never on
// the hot map+unmap path that only shifts entries inside a leaf.
#include "node_arena.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

#define LINE 64
#define HUGE_PAGE ((size_t)2 << 20)
#define FIRST_CHUNK HUGE_PAGE
#define LARGEST_CHUNK ((size_t)64 << 20)
#define CLASSES (IOPT_NODE_MAX_BYTES / LINE)

struct pool {
    void *free;          // freed blocks, linked through their first word
    char *bump;          // next never-used block in the newest chunk
    char *end;           // end of the newest chunk
    size_t next_chunk;   // bytes of the next chunk (doubling up to LARGEST_CHUNK)
};

static struct pool pools[CLASSES + 1];
static __thread long thread_balance;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

// A fresh chunk of `bytes` (a multiple of HUGE_PAGE) starting on a huge-page boundary, or NULL.
static char *map_chunk(size_t bytes) {
    size_t reserve = bytes + HUGE_PAGE;
    char *raw = mmap(NULL, reserve, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return NULL;
    char *start = (char *)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (start > raw) munmap(raw, (size_t)(start - raw));
    char *tail = start + bytes;
    if (tail < raw + reserve) munmap(tail, (size_t)(raw + reserve - tail));
    // Only a hint: with THP off (or `never`) the chunk is plain 4 KiB pages and everything still works.
    (void)madvise(start, bytes, MADV_HUGEPAGE);
    return start;
}

void *iopt_node_alloc(size_t bytes) {
    if (bytes == 0 || bytes % LINE != 0 || bytes > IOPT_NODE_MAX_BYTES) return NULL;
    struct pool *pool = &pools[bytes / LINE];
    void *block = NULL;
    pthread_mutex_lock(&lock);
    if (pool->free != NULL) {
        block = pool->free;
        pool->free = *(void **)block;
    } else {
        if (pool->bump == NULL || (size_t)(pool->end - pool->bump) < bytes) {
            size_t size = pool->next_chunk ? pool->next_chunk : FIRST_CHUNK;
            char *chunk = map_chunk(size);
            if (chunk != NULL) {
                pool->bump = chunk;
                pool->end = chunk + size;
                pool->next_chunk = size < LARGEST_CHUNK ? size * 2 : LARGEST_CHUNK;
            }
        }
        if (pool->bump != NULL && (size_t)(pool->end - pool->bump) >= bytes) {
            block = pool->bump;
            pool->bump += bytes;
        }
    }
    pthread_mutex_unlock(&lock);
    if (block != NULL) thread_balance++;
    return block;
}

void iopt_node_free(void *block, size_t bytes) {
    if (block == NULL) return;
    struct pool *pool = &pools[bytes / LINE];
    pthread_mutex_lock(&lock);
    *(void **)block = pool->free;
    pool->free = block;
    pthread_mutex_unlock(&lock);
    thread_balance--;
}

long iopt_node_thread_balance(void) { return thread_balance; }
