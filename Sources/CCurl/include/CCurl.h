#ifndef MANIFOLD_CCURL_H
#define MANIFOLD_CCURL_H
// libcurl, loaded at run time: only the registry commands need it, so the binary does not
// link it (libcurl.so.4 brings some thirty shared libraries: TLS, Kerberos, LDAP, SSH…,
// which every local command would pay for at start-up).
//
// curl's headers give the types and the declarations of the curl_* functions manifold
// calls; CCurl.c defines those functions as forwarders through a table filled by dlsym, so
// Swift calls them by their usual names. Call manifold_curl_load() first: until it has
// succeeded every forwarder fails softly (NULL, CURLE_FAILED_INIT, CURLUE_OUT_OF_MEMORY…)
// instead of calling through a missing pointer.
#include <curl/curl.h>

#pragma clang assume_nonnull begin

/// Loads libcurl and runs curl_global_init, once per process, whichever thread comes first.
/// Returns NULL when libcurl is ready, else why not (dlerror's text, or curl_global_init's),
/// the same text on every call.
const char *_Nullable manifold_curl_load(void);

/// The file name dlopen is given: libcurl.so.4 (libcurl.4.dylib on macOS).
const char *manifold_curl_library_name(void);

// curl_easy_setopt, curl_easy_getinfo and curl_share_setopt are variadic, which Swift cannot
// call: these typed wrappers pass each kind of argument (long, pointer, string, curl_off_t,
// callback) the way the C ABI expects.
CURLcode manifold_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode manifold_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *_Nullable value);
CURLcode manifold_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode manifold_curl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
// CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION share this signature.
CURLcode manifold_curl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback callback);
CURLcode manifold_curl_easy_setopt_read_callback(CURL *handle, curl_read_callback callback);
CURLcode manifold_curl_easy_setopt_xferinfo_callback(CURL *handle, curl_xferinfo_callback callback);
CURLcode manifold_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode manifold_curl_easy_getinfo_string(CURL *handle, CURLINFO info, char *_Nullable *_Nonnull value);
CURLSHcode manifold_curl_share_setopt_long(CURLSH *share, CURLSHoption option, long value);
CURLSHcode manifold_curl_share_setopt_pointer(CURLSH *share, CURLSHoption option, void *_Nullable value);
CURLSHcode manifold_curl_share_setopt_lock(CURLSH *share, curl_lock_function function);
CURLSHcode manifold_curl_share_setopt_unlock(CURLSH *share, curl_unlock_function function);

#pragma clang assume_nonnull end

#endif
