// Software prefetch for the batched index search; Swift has no prefetch intrinsic.
#ifndef VIGIL_CPREFETCH_H
#define VIGIL_CPREFETCH_H

/// Hints that the cache line holding `address` will be read soon. Never faults.
static inline void vigil_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
