#ifndef MANIFOLD_COPENSSL_SHIM_H
#define MANIFOLD_COPENSSL_SHIM_H
// libcrypto's message-digest API (EVP): SHA-256 and SHA-512; and its public-key API (EVP_PKEY,
// PEM) for checking signatures with a given key: ECDSA, RSA (PKCS#1 v1.5 and PSS), Ed25519;
// and X.509 (certificates, X509_STORE chain checks) for Notation signatures.
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/rsa.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <stdlib.h>

// Function-like macros and constants Swift cannot import.
static inline int manifold_pkey_rsa_pss_saltlen_auto(void) { return RSA_PSS_SALTLEN_AUTO; }
static inline int manifold_pkey_rsa_pkcs1_padding(void) { return RSA_PKCS1_PADDING; }
static inline int manifold_pkey_rsa_pss_padding(void) { return RSA_PKCS1_PSS_PADDING; }
static inline int manifold_pkey_rsa_pss_saltlen_digest(void) { return RSA_PSS_SALTLEN_DIGEST; }

// STACK_OF(X509) is made of macros: a stack of certificates (the chain a signature carries).
static inline STACK_OF(X509) *manifold_x509_stack_new(void) { return sk_X509_new_null(); }
static inline int manifold_x509_stack_push(STACK_OF(X509) *stack, X509 *certificate) { return sk_X509_push(stack, certificate); }
static inline void manifold_x509_stack_free(STACK_OF(X509) *stack) { sk_X509_free(stack); }

// A JWS ECDSA signature is r‖s, each `half` bytes (RFC 7518 §3.4); EVP wants DER. Returns the
// DER length written to a malloc'ed *out (free with free()), or -1.
static inline int manifold_ecdsa_raw_to_der(const unsigned char *raw, size_t half, unsigned char **out) {
    ECDSA_SIG *sig = ECDSA_SIG_new();
    if (sig == NULL) return -1;
    BIGNUM *r = BN_bin2bn(raw, (int)half, NULL);
    BIGNUM *s = BN_bin2bn(raw + half, (int)half, NULL);
    if (r == NULL || s == NULL || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r); BN_free(s); ECDSA_SIG_free(sig);
        return -1;
    }
    *out = NULL;
    int length = i2d_ECDSA_SIG(sig, out);
    ECDSA_SIG_free(sig);
    return length;
}
#endif
