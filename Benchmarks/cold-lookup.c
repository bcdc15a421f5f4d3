// cold-lookup: what one random lookup costs this machine's memory system, with no Swift in the way.
// It bounds what iopt-bench can reach at 1M live mappings: every map there starts with one.
//
//   chase KB      dependent loads over KB of memory, each to a random 64-byte line (4 KiB pages, then
//                 THP): where the caches end, and what a load beyond them costs
//   tree N        random floor lookups in a B+-tree of N keys shaped like the engine's AreaTree:
//                 internal nodes of 48 keys + children, leaves of 47 keys + lasts + 1 KiB payload,
//                 with a 48-byte object allocated per key between leaves (the engine's Pages); timed
//                 back to back (the CPU overlaps one lookup's misses with the next one's) and one at a
//                 time (each waits for the last, as a map+unmap pair's thousands of instructions do);
//                 with `alone`, one at a time only
//   lines KB K    dependent loads to random 2.5 KiB blocks (a leaf's size) over KB of memory, each also
//                 reading K more lines of its block: known as soon as the block is, so issued together
//                 with its first line. What a node costs for each line it touches beyond the first
//
// Build and run with Benchmarks/cold-lookup.sh.
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double thread_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static uint64_t next_random(uint64_t *state) {  // SplitMix64, as in iopt-bench
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Links the `count` blocks of `stride` bytes at `buffer` into one cycle in a random order (each block's
// first word points at the next) and returns the first block.
static char *link_randomly(char *buffer, size_t count, size_t stride, uint64_t seed) {
    size_t *order = malloc(count * sizeof *order);
    if (!order) { perror("malloc"); exit(1); }
    for (size_t i = 0; i < count; i++) order[i] = i;
    for (size_t i = count - 1; i > 0; i--) {
        size_t j = next_random(&seed) % (i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < count; i++) *(char **)(buffer + order[i] * stride) = buffer + order[(i + 1) % count] * stride;
    char *first = buffer + order[0] * stride;
    free(order);
    return first;
}

static void chase(size_t kilobytes, int huge) {
    // Every line of the buffer once, in random order. (Strides of 2 KiB, as this tool first used, map
    // onto a thirty-second of the cache's sets and so found the caches far smaller than they are.)
    size_t bytes = kilobytes << 10, line = 64, count = bytes / line;
    char *raw = mmap(NULL, bytes + (2u << 20), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) { perror("mmap"); exit(1); }
    char *buffer = (char *)(((uintptr_t)raw + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1));
    madvise(buffer, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
    memset(buffer, 1, bytes);
    char *p = link_randomly(buffer, count, line, 1);
    long loads = 4000000;
    for (long i = 0; i < loads; i++) p = *(char **)p;  // warm the caches and the TLB as far as they reach
    double start = thread_seconds();
    for (long i = 0; i < loads; i++) p = *(char **)p;
    double elapsed = thread_seconds() - start;
    printf("chase %6zu KB %-9s %6.1f ns per dependent load (%p)\n", kilobytes, huge ? "THP" : "4 KiB", elapsed * 1e9 / loads, (void *)p);
    munmap(raw, bytes + (2u << 20));
}

static void lines(size_t kilobytes, int more) {
    const size_t block = 2560, line = 64;
    size_t bytes = kilobytes << 10, count = bytes / block;
    if (count < 2 || more < 0 || (size_t)more >= block / line) { fprintf(stderr, "lines: bad size\n"); exit(2); }
    char *buffer = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buffer == MAP_FAILED) { perror("mmap"); exit(1); }
    madvise(buffer, bytes, MADV_NOHUGEPAGE);  // 4 KiB pages, as the engine's malloc'd nodes get by default
    memset(buffer, 1, bytes);
    uint64_t sum = 0;
    char *p = link_randomly(buffer, count, block, 3);
    long steps = 2000000;
    for (long i = 0; i < steps / 4; i++) p = *(char **)p;
    double start = thread_seconds();
    for (long i = 0; i < steps; i++) {
        for (int k = 1; k <= more; k++) sum += *(volatile uint64_t *)(p + k * line);
        p = *(char **)p;  // the next block depends on this one's first line only
    }
    double elapsed = thread_seconds() - start;
    printf("lines %6zu KB  1 + %2d lines per block  %6.1f ns per block (%llu)\n", kilobytes, more, elapsed * 1e9 / steps,
           (unsigned long long)sum);
    munmap(buffer, bytes);
}

typedef struct { int64_t count; uint64_t keys[65]; void *children[65]; } Internal;
typedef struct { int64_t count; uint64_t keys[64], lasts[64]; char payload[64 * 16]; } Leaf;

static int floor_index(const uint64_t *keys, int64_t count, uint64_t key) {
    int below = 0;
    for (int64_t i = 0; i < count; i++) below += keys[i] <= key;
    return below - 1;
}

static void tree(long keys, int only_alone) {
    const int fill = 47, fanout = 48;
    long count = (keys + fill - 1) / fill;
    void **level = malloc(count * sizeof *level);
    uint64_t *first = malloc(count * sizeof *first);
    for (long i = 0; i < count; i++) {
        Leaf *leaf = malloc(sizeof *leaf);
        leaf->count = 0;
        for (long k = i * fill; k < keys && k < (i + 1) * fill; k++) {
            leaf->keys[leaf->count] = 2 * (uint64_t)k;
            leaf->lasts[leaf->count++] = 2 * (uint64_t)k;
            if (!malloc(48)) exit(1);  // a Pages object per area, allocated as the engine's fill does
        }
        level[i] = leaf;
        first[i] = leaf->keys[0];
    }
    int depth = 1;
    while (count > 1) {
        long parents = (count + fanout - 1) / fanout;
        for (long i = 0; i < parents; i++) {
            Internal *node = malloc(sizeof *node);
            node->count = 0;
            for (long j = i * fanout; j < count && j < (i + 1) * fanout; j++) {
                node->keys[node->count] = first[j];
                node->children[node->count++] = level[j];
            }
            first[i] = node->keys[0];
            level[i] = node;
        }
        count = parents;
        depth++;
    }
    void *root = level[0];
    long lookups = 2000000;
    uint64_t *probes = malloc(lookups * sizeof *probes), state = 7, sum = 0;
    for (long i = 0; i < lookups; i++) probes[i] = 2 * (next_random(&state) % (uint64_t)keys) + 1;
    for (int alone = only_alone; alone <= 1; alone++) {
        double start = thread_seconds();
        uint64_t last = 0;
        for (long i = 0; i < lookups; i++) {
            // One at a time: the probe depends on the last result (always adding 0) and lfence keeps the
            // next lookup from starting before this one has finished.
            uint64_t probe = probes[i] + (alone ? (last >> 63) : 0);
            void *node = root;
            for (int d = 1; d < depth; d++) {
                Internal *in = node;
                int index = floor_index(in->keys, in->count, probe);
                node = in->children[index < 0 ? 0 : index];
            }
            Leaf *leaf = node;
            int index = floor_index(leaf->keys, leaf->count, probe);
            last = leaf->lasts[index < 0 ? 0 : index];
            sum += last;
#if defined(__x86_64__)
            if (alone) __asm__ volatile("lfence" ::: "memory");
#endif
        }
        double elapsed = thread_seconds() - start;
        printf("tree  %8ld keys, depth %d  %6.1f ns per lookup, %s (%llu)\n", keys, depth, elapsed * 1e9 / lookups,
               alone ? "one at a time" : "back to back", (unsigned long long)sum);
    }
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "chase")) {
        chase(strtoul(argv[2], NULL, 10), 0);
        chase(strtoul(argv[2], NULL, 10), 1);
    } else if ((argc == 3 || (argc == 4 && !strcmp(argv[3], "alone"))) && !strcmp(argv[1], "tree")) {
        tree(strtol(argv[2], NULL, 10), argc == 4);
    } else if (argc == 4 && !strcmp(argv[1], "lines")) {
        char *end;
        long more = strtol(argv[3], &end, 10);
        if (*end != '\0') { fprintf(stderr, "lines: MORE must be a number of lines\n"); return 2; }
        lines(strtoul(argv[2], NULL, 10), (int)more);
    } else {
        fprintf(stderr, "usage: cold-lookup chase KILOBYTES | tree KEYS [alone] | lines KILOBYTES MORE\n");
        return 2;
    }
    return 0;
}
