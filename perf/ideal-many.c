// The machine's limit for checking many small blobs, single-threaded, with the same
// libraries manifold links: SHA-256 (OpenSSL EVP) of every blob, ISA-L inflate of every gzip
// blob, SHA-256 of every inflated stream. Every file is read into memory first and every
// inflated stream is kept, so what is measured is the CPU cost of the three parts, with the
// per-blob setup a careful program cannot avoid (a digest context per blob, an inflate reset
// per layer) and nothing else: no threads, no reads, no page faults on fresh buffers.
//
//   ideal-many FILE...     prints: sha256_stored_s inflate_s sha256_inflated_s blobs layers bytes_in bytes_out
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

static void sha256(EVP_MD_CTX *ctx, const uint8_t *data, size_t n) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 || EVP_DigestUpdate(ctx, data, n) != 1 ||
        EVP_DigestFinal_ex(ctx, out, &len) != 1) {
        fprintf(stderr, "EVP failed\n");
        exit(2);
    }
}

struct blob { uint8_t *in; size_t n; uint8_t *out; size_t out_n; int gzip; };

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: ideal-many FILE...\n"); return 2; }
    size_t count = (size_t)argc - 1, layers = 0, bytes_in = 0, bytes_out = 0;
    struct blob *blobs = calloc(count, sizeof *blobs);
    for (size_t i = 0; i < count; i++) {
        FILE *f = fopen(argv[i + 1], "rb");
        if (!f) { perror(argv[i + 1]); return 2; }
        fseek(f, 0, SEEK_END);
        size_t n = ftell(f);
        fseek(f, 0, SEEK_SET);
        blobs[i].in = malloc(n ? n : 1);
        if (!blobs[i].in || fread(blobs[i].in, 1, n, f) != n) { fprintf(stderr, "read failed\n"); return 2; }
        fclose(f);
        blobs[i].n = n;
        bytes_in += n;
        blobs[i].gzip = n > 18 && blobs[i].in[0] == 0x1f && blobs[i].in[1] == 0x8b;
        if (blobs[i].gzip) {
            // ISIZE (the trailer's last 4 bytes) sizes the output: one member, under 4 GiB.
            const uint8_t *t = blobs[i].in + n - 4;
            size_t size = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
            blobs[i].out = malloc(size + 1);
            memset(blobs[i].out, 0, size + 1);  // fault the pages in now, not while timing
            blobs[i].out_n = size;
            layers++;
        }
    }

    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    double t0 = now();
    for (size_t i = 0; i < count; i++) sha256(ctx, blobs[i].in, blobs[i].n);
    double hash_in = now() - t0;

    struct inflate_state *s = calloc(1, sizeof *s);
    double t1 = now();
    for (size_t i = 0; i < count; i++) {
        if (!blobs[i].gzip) continue;
        isal_inflate_init(s);
        s->crc_flag = ISAL_GZIP;
        s->next_in = blobs[i].in;
        s->avail_in = (uint32_t)blobs[i].n;
        s->next_out = blobs[i].out;
        s->avail_out = (uint32_t)blobs[i].out_n + 1;
        int r = isal_inflate(s);
        if (r != ISAL_DECOMP_OK || s->block_state != ISAL_BLOCK_FINISH || s->total_out != blobs[i].out_n) {
            fprintf(stderr, "%s: inflate error %d\n", argv[i + 1], r);
            return 1;
        }
        bytes_out += blobs[i].out_n;
    }
    double inflate = now() - t1;

    double t2 = now();
    for (size_t i = 0; i < count; i++)
        if (blobs[i].gzip) sha256(ctx, blobs[i].out, blobs[i].out_n);
    double hash_out = now() - t2;
    EVP_MD_CTX_free(ctx);

    printf("%.4f %.4f %.4f %zu %zu %zu %zu\n", hash_in, inflate, hash_out, count, layers, bytes_in, bytes_out);
    return 0;
}
