#ifndef MANIFOLD_CISAL_SHIM_H
#define MANIFOLD_CISAL_SHIM_H
// ISA-L's igzip: raw-deflate inflate (we parse gzip headers and trailers ourselves so that
// every failure can be named) and its CRC-32 for gzip header checksums.
#include <stdlib.h>
#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>

// struct inflate_state is ~20 KiB; allocate it on the heap, never on a Swift stack.
static inline struct inflate_state *manifold_isal_inflate_new(void) {
    return (struct inflate_state *)calloc(1, sizeof(struct inflate_state));
}
static inline void manifold_isal_inflate_free(struct inflate_state *state) { free(state); }

// Starts a fresh raw-deflate member whose output CRC-32 ISA-L tracks in state->crc.
static inline void manifold_isal_inflate_begin_member(struct inflate_state *state) {
    isal_inflate_reset(state);
    state->crc_flag = ISAL_GZIP_NO_HDR;
    state->crc = 0;
}

static inline int manifold_isal_block_finished(const struct inflate_state *state) {
    return state->block_state == ISAL_BLOCK_FINISH;
}
#endif
