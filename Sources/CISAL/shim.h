#ifndef MANIFOLD_CISAL_SHIM_H
#define MANIFOLD_CISAL_SHIM_H
// ISA-L's igzip: raw-deflate inflate (we parse gzip headers and trailers ourselves so that
// every failure can be named), its CRC-32 for gzip header checksums, and its deflate for
// `push --compress gzip`.
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

// A deflate stream at `level` (0–3) writing the gzip trailer but no header (the caller
// writes a fixed one), with the level's buffer; NULL when out of memory.
struct manifold_isal_deflater {
    struct isal_zstream stream;
    uint8_t *level_buffer;
};
static inline struct manifold_isal_deflater *manifold_isal_deflate_new(uint32_t level) {
    static const uint32_t sizes[] = {ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT, ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT};
    if (level > 3) return NULL;
    struct manifold_isal_deflater *d = (struct manifold_isal_deflater *)calloc(1, sizeof *d);
    if (!d) return NULL;
    d->level_buffer = (uint8_t *)malloc(sizes[level]);
    if (!d->level_buffer) { free(d); return NULL; }
    isal_deflate_init(&d->stream);
    d->stream.level = level;
    d->stream.level_buf = d->level_buffer;
    d->stream.level_buf_size = sizes[level];
    d->stream.gzip_flag = IGZIP_GZIP_NO_HDR;
    d->stream.flush = NO_FLUSH;
    return d;
}
static inline void manifold_isal_deflate_free(struct manifold_isal_deflater *d) {
    if (!d) return;
    free(d->level_buffer);
    free(d);
}
static inline int manifold_isal_deflate_ended(const struct manifold_isal_deflater *d) {
    return d->stream.internal_state.state == ZSTATE_END;
}
#endif
