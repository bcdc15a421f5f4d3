// Cache hints for the engine's descents: the one thing Swift cannot say. A prefetch neither reads nor
// writes memory the program sees and cannot fault (an address that maps nothing is dropped), so the
// engine stays a pure model; like the kernel's prefetch() and prefetchw() (include/linux/prefetch.h), it
// asks for a line the code will soon read or write, without making the code wait for it.
#pragma once
#include <stdint.h>

// Fetches the line ready to be written (x86 PREFETCHW; the compiler emits it only under -mprfchw, and
// CPUs without it decode the opcode as a NOP).
static inline __attribute__((always_inline)) void iopt_prefetchw(uintptr_t address) {
#if defined(__x86_64__)
    __asm__ volatile("prefetchw %0" : : "m"(*(const char *)address));
#else
    __builtin_prefetch((const void *)address, 1, 3);
#endif
}

static inline __attribute__((always_inline)) void iopt_prefetch(uintptr_t address) {
    __builtin_prefetch((const void *)address, 0, 3);
}

// The lines a leaf insertion writes besides the keys: the 128 bytes of slot map and protection map from
// `maps` (three lines at most) and the `payload_bytes` (at most 64) of the slot it fills (two at most).
static inline __attribute__((always_inline)) void iopt_prefetch_insertion(uintptr_t maps, uintptr_t payload,
                                                                          uintptr_t payload_bytes) {
    iopt_prefetchw(maps);
    iopt_prefetchw(maps + 64);
    iopt_prefetchw(maps + 127);
    iopt_prefetchw(payload);
    iopt_prefetchw(payload + payload_bytes - 1);
}

// Every line holding any of the `count` 8-byte words from `words` (an internal node's child pointers).
static inline __attribute__((always_inline)) void iopt_prefetch_words(uintptr_t words, intptr_t count) {
    uintptr_t end = words + (uintptr_t)count * 8;
    for (uintptr_t line = words & ~(uintptr_t)63; line < end; line += 64) iopt_prefetch(line);
}
