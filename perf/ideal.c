// The machine's limit for each part of a blob check, single-threaded, with the same
// libraries manifold links: SHA-256 (OpenSSL EVP) over the compressed file, ISA-L inflate
// of it, and SHA-256 over the inflated bytes. Input comes from memory (the file is read
// first), so what is measured is the CPU cost, as manifold's reads come from the page cache.
//
//   ideal FILE.gz     prints: sha256_compressed_s inflate_s sha256_uncompressed_s bytes_in bytes_out
#include <isa-l/igzip_lib.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void sha256(const uint8_t *data, size_t n, unsigned char out[32]) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned len = 0;
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) { fprintf(stderr, "EVP init failed\n"); exit(2); }
    const size_t chunk = 1 << 20;  // the same chunking manifold uses
    for (size_t off = 0; off < n; off += chunk) {
        size_t len_ = n - off < chunk ? n - off : chunk;
        if (EVP_DigestUpdate(ctx, data + off, len_) != 1) { fprintf(stderr, "EVP update failed\n"); exit(2); }
    }
    if (EVP_DigestFinal_ex(ctx, out, &len) != 1) { fprintf(stderr, "EVP final failed\n"); exit(2); }
    EVP_MD_CTX_free(ctx);
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: ideal FILE.gz\n"); return 2; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    fseek(f, 0, SEEK_END);
    size_t n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *in = malloc(n);
    if (!in || fread(in, 1, n, f) != n) { fprintf(stderr, "read failed\n"); return 2; }
    fclose(f);

    unsigned char digest[32];
    double t0 = now();
    sha256(in, n, digest);
    double hash_in = now() - t0;

    // Inflate into a ring of four 1 MiB buffers, as manifold's pipeline does: the cost of
    // inflating alone, with no page faults on a fresh output buffer.
    enum { STEP = 1 << 20, RING = 4 };
    uint8_t *ring = aligned_alloc(4096, (size_t)STEP * RING);
    memset(ring, 0, (size_t)STEP * RING);
    size_t out_n = 0;
    struct inflate_state *s = calloc(1, sizeof *s);
    isal_inflate_init(s);
    s->crc_flag = ISAL_GZIP;
    s->next_in = in;
    s->avail_in = (uint32_t)(n > UINT32_MAX ? UINT32_MAX : n);
    size_t fed = s->avail_in;
    double t1 = now();
    for (unsigned slot = 0;; slot = (slot + 1) % RING) {
        s->next_out = ring + (size_t)slot * STEP;
        s->avail_out = STEP;
        int r = isal_inflate(s);
        out_n += STEP - s->avail_out;
        if (r != ISAL_DECOMP_OK) { fprintf(stderr, "inflate error %d\n", r); return 1; }
        if (s->block_state == ISAL_BLOCK_FINISH) break;
        if (s->avail_in == 0 && fed < n) {
            size_t more = n - fed > UINT32_MAX ? UINT32_MAX : n - fed;
            s->next_in = in + fed; s->avail_in = (uint32_t)more; fed += more;
        }
    }
    double inflate = now() - t1;

    // Hashing cost does not depend on the bytes: hash out_n bytes of the ring, 1 MiB at a
    // time, the way manifold hashes each output buffer soon after it is written.
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned len = 0;
    double t2 = now();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (size_t done = 0, slot = 0; done < out_n; done += STEP, slot = (slot + 1) % RING) {
        size_t step = out_n - done < STEP ? out_n - done : STEP;
        EVP_DigestUpdate(ctx, ring + slot * STEP, step);
    }
    EVP_DigestFinal_ex(ctx, digest, &len);
    double hash_out = now() - t2;
    EVP_MD_CTX_free(ctx);

    printf("%.4f %.4f %.4f %zu %zu\n", hash_in, inflate, hash_out, n, out_n);
    return 0;
}
