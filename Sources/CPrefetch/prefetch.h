// Software prefetch for the index search; Swift has no prefetch intrinsic.
#ifndef VIGIL_CPREFETCH_H
#define VIGIL_CPREFETCH_H

/// Hints that the cache line holding `address` will be read soon (into L1). Never faults.
static inline void vigil_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Hints that the cache line holding `address` will be read later (into L2 only: L2 keeps more
/// misses in flight than L1 does, so far-ahead requests go there). Never faults.
static inline void vigil_prefetch_l2(const void *address) { __builtin_prefetch(address, 0, 1); }

#endif
