#ifndef MANIFOLD_COPENSSL_SHIM_H
#define MANIFOLD_COPENSSL_SHIM_H
// libcrypto's message-digest API (EVP): SHA-256 and SHA-512; and its public-key API (EVP_PKEY,
// PEM) for checking signatures with a given key: ECDSA, RSA (PKCS#1 v1.5 and PSS), Ed25519.
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/rsa.h>
#include <openssl/obj_mac.h>

// Function-like macros and constants Swift cannot import.
static inline int manifold_pkey_rsa_pss_saltlen_auto(void) { return RSA_PSS_SALTLEN_AUTO; }
static inline int manifold_pkey_rsa_pkcs1_padding(void) { return RSA_PKCS1_PADDING; }
static inline int manifold_pkey_rsa_pss_padding(void) { return RSA_PKCS1_PSS_PADDING; }
#endif
