// libcurl through dlopen: the forwarders CCurl.h promises, and the one load that fills them.
//
// The curl_* functions defined here carry curl's own names (so the Swift code reads as
// ordinary libcurl code) but hidden visibility: they never enter the binary's dynamic symbol
// table, so the libcurl that dlopen brings in (RTLD_LOCAL) keeps calling its own functions
// and can never be bound to these.
//
// The C library's headers come first, outside the hidden region: their functions are the
// C library's, not this file's.
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define CURL_DISABLE_TYPECHECK
#pragma GCC visibility push(hidden)
// curl 7.88 declares curl_url_get(CURLU *, …), curl 8 curl_url_get(const CURLU *, …): a
// definition matches only one of them, so the header's declaration goes under another name and
// this file declares its own (the same function at the ABI level, whichever the header).
#define curl_url_get manifold_curl_url_get_as_declared_by_curl
#include "CCurl.h"
#undef curl_url_get
CURLUcode curl_url_get(CURLU *handle, CURLUPart what, char **part, unsigned int flags);

#if defined(__APPLE__)
#define MANIFOLD_CURL_LIBRARY "libcurl.4.dylib"
#else
#define MANIFOLD_CURL_LIBRARY "libcurl.so.4"
#endif

// Every libcurl function manifold calls. A missing one fails the load with dlsym's words, so
// an older libcurl (curl_url_strerror is 7.80) is refused at once, not at the first call.
#define MANIFOLD_CURL_FUNCTIONS(X) \
    X(global_init)                 \
    X(easy_init)                   \
    X(easy_cleanup)                \
    X(easy_reset)                  \
    X(easy_perform)                \
    X(easy_strerror)               \
    X(easy_setopt)                 \
    X(easy_getinfo)                \
    X(share_init)                  \
    X(share_cleanup)               \
    X(share_setopt)                \
    X(share_strerror)              \
    X(slist_append)                \
    X(slist_free_all)              \
    X(url)                         \
    X(url_cleanup)                 \
    X(url_set)                     \
    X(url_get)                     \
    X(url_strerror)                \
    X(free)

// The table: one pointer per function, typed from curl's own declaration of it.
#define MANIFOLD_CURL_FIELD(name) __typeof__(&curl_##name) name;
static struct {
    MANIFOLD_CURL_FUNCTIONS(MANIFOLD_CURL_FIELD)
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
// Written only inside load(), read only after pthread_once returned: pthread_once orders them.
static const char *load_failure = "libcurl was not loaded";
static char load_failure_text[512];

static void fail(const char *text) {
    snprintf(load_failure_text, sizeof load_failure_text, "%s", text ? text : "unknown dlopen error");
    load_failure = load_failure_text;
}

static void load(void) {
    void *library = dlopen(MANIFOLD_CURL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fail(dlerror());
        return;
    }
    // dlsym returns a data pointer; POSIX guarantees it converts to the function's type.
#define MANIFOLD_CURL_RESOLVE(name)                                  \
    {                                                                \
        void *symbol = dlsym(library, "curl_" #name);                \
        if (symbol == NULL) {                                        \
            fail(dlerror());                                         \
            memset(&curl, 0, sizeof curl);                           \
            dlclose(library);                                        \
            return;                                                  \
        }                                                            \
        curl.name = (__typeof__(curl.name))symbol;                   \
    }
    MANIFOLD_CURL_FUNCTIONS(MANIFOLD_CURL_RESOLVE)
#undef MANIFOLD_CURL_RESOLVE
    // curl_global_init is not safe to race with any other curl call: here it runs once,
    // before anyone can make one. The library stays loaded for the life of the process.
    CURLcode code = curl.global_init(CURL_GLOBAL_ALL);
    if (code != CURLE_OK) {
        char text[256];
        snprintf(text, sizeof text, "curl_global_init failed: %s", curl.easy_strerror(code));
        fail(text);
        return;
    }
    load_failure = NULL;
}

const char *manifold_curl_load(void) {
    pthread_once(&load_once, load);
    return load_failure;
}

const char *manifold_curl_library_name(void) { return MANIFOLD_CURL_LIBRARY; }

static int ready(void) { return manifold_curl_load() == NULL; }

// The forwarders. Each loads on first use and fails softly, with the value curl itself
// returns for "could not", when libcurl is not there. curl_global_init has none: the load
// has run it.

CURL *curl_easy_init(void) { return ready() ? curl.easy_init() : NULL; }

void curl_easy_cleanup(CURL *handle) {
    if (ready()) curl.easy_cleanup(handle);
}

void curl_easy_reset(CURL *handle) {
    if (ready()) curl.easy_reset(handle);
}

CURLcode curl_easy_perform(CURL *handle) { return ready() ? curl.easy_perform(handle) : CURLE_FAILED_INIT; }

const char *curl_easy_strerror(CURLcode code) {
    return ready() ? curl.easy_strerror(code) : "libcurl is not loaded";
}

CURLSH *curl_share_init(void) { return ready() ? curl.share_init() : NULL; }

CURLSHcode curl_share_cleanup(CURLSH *share) { return ready() ? curl.share_cleanup(share) : CURLSHE_NOT_BUILT_IN; }

const char *curl_share_strerror(CURLSHcode code) {
    return ready() ? curl.share_strerror(code) : "libcurl is not loaded";
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *text) {
    return ready() ? curl.slist_append(list, text) : NULL;
}

void curl_slist_free_all(struct curl_slist *list) {
    if (ready()) curl.slist_free_all(list);
}

CURLU *curl_url(void) { return ready() ? curl.url() : NULL; }

void curl_url_cleanup(CURLU *handle) {
    if (ready()) curl.url_cleanup(handle);
}

CURLUcode curl_url_set(CURLU *handle, CURLUPart what, const char *part, unsigned int flags) {
    return ready() ? curl.url_set(handle, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_get(CURLU *handle, CURLUPart what, char **part, unsigned int flags) {
    return ready() ? curl.url_get(handle, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

const char *curl_url_strerror(CURLUcode code) { return ready() ? curl.url_strerror(code) : "libcurl is not loaded"; }

void curl_free(void *pointer) {
    if (ready()) curl.free(pointer);
}

// The typed wrappers of the variadic calls.

CURLcode manifold_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return ready() ? curl.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode manifold_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return ready() ? curl.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode manifold_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return ready() ? curl.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode manifold_curl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return ready() ? curl.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode manifold_curl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback callback) {
    return ready() ? curl.easy_setopt(handle, option, callback) : CURLE_FAILED_INIT;
}

CURLcode manifold_curl_easy_setopt_read_callback(CURL *handle, curl_read_callback callback) {
    return ready() ? curl.easy_setopt(handle, CURLOPT_READFUNCTION, callback) : CURLE_FAILED_INIT;
}

CURLcode manifold_curl_easy_setopt_xferinfo_callback(CURL *handle, curl_xferinfo_callback callback) {
    return ready() ? curl.easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback) : CURLE_FAILED_INIT;
}

CURLcode manifold_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return ready() ? curl.easy_getinfo(handle, info, value) : CURLE_FAILED_INIT;
}

CURLcode manifold_curl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return ready() ? curl.easy_getinfo(handle, info, value) : CURLE_FAILED_INIT;
}

CURLSHcode manifold_curl_share_setopt_long(CURLSH *share, CURLSHoption option, long value) {
    return ready() ? curl.share_setopt(share, option, value) : CURLSHE_NOT_BUILT_IN;
}

CURLSHcode manifold_curl_share_setopt_pointer(CURLSH *share, CURLSHoption option, void *value) {
    return ready() ? curl.share_setopt(share, option, value) : CURLSHE_NOT_BUILT_IN;
}

CURLSHcode manifold_curl_share_setopt_lock(CURLSH *share, curl_lock_function function) {
    return ready() ? curl.share_setopt(share, CURLSHOPT_LOCKFUNC, function) : CURLSHE_NOT_BUILT_IN;
}

CURLSHcode manifold_curl_share_setopt_unlock(CURLSH *share, curl_unlock_function function) {
    return ready() ? curl.share_setopt(share, CURLSHOPT_UNLOCKFUNC, function) : CURLSHE_NOT_BUILT_IN;
}

#pragma GCC visibility pop
