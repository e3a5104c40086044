#ifndef MANIFOLD_COPENSSL_SHIM_H
#define MANIFOLD_COPENSSL_SHIM_H
// Only libcrypto's message-digest API (EVP) is used: SHA-256 and SHA-512.
#include <openssl/evp.h>
#include <openssl/err.h>
#endif
