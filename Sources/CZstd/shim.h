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
// The content size a frame header declares: its value, or -1 when the header does not
// declare one (or is not complete or valid in the `size` bytes given).
static inline long long manifold_zstd_declared_content_size(const void *header, size_t size) {
    if (size < 5) return -1;
    size_t needed = ZSTD_frameHeaderSize(header, size);
    if (ZSTD_isError(needed) || needed > size) return -1;
    unsigned long long value = ZSTD_getFrameContentSize(header, size);
    if (value == ZSTD_CONTENTSIZE_UNKNOWN || value == ZSTD_CONTENTSIZE_ERROR || value > (unsigned long long)9223372036854775807LL) return -1;
    return (long long)value;
}
#endif
