#ifndef MANIFOLD_CZSTD_SHIM_H
#define MANIFOLD_CZSTD_SHIM_H
#include <zstd.h>
#include <zstd_errors.h>

// ZSTD_getErrorCode returns an enum whose import differs between libzstd versions;
// expose the cases we classify as plain ints.
static inline int manifold_zstd_error_code(size_t result) { return (int)ZSTD_getErrorCode(result); }
static inline int manifold_zstd_error_window_too_large(void) { return (int)ZSTD_error_frameParameter_windowTooLarge; }
static inline int manifold_zstd_error_prefix_unknown(void) { return (int)ZSTD_error_prefix_unknown; }
static inline int manifold_zstd_error_checksum_wrong(void) { return (int)ZSTD_error_checksum_wrong; }
static inline int manifold_zstd_error_memory_allocation(void) { return (int)ZSTD_error_memory_allocation; }
#endif
