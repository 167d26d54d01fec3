#ifndef PERISCOPE_MEMORY_H
#define PERISCOPE_MEMORY_H

/// Asks the CPU to bring the cache line holding `address` into its cache, ready to be written, without waiting for
/// it: a later store to the line then finds it there instead of stalling on the fetch. Only a hint: it never faults
/// and changes no memory, whatever the address.
static inline void periscope_prefetch_for_write(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 1, 3);
#else
    (void)address;
#endif
}

#endif
