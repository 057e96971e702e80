#ifndef CHATSHELL_CCURL_SHIM_H
#define CHATSHELL_CCURL_SHIM_H
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: these typed
// wrappers are the only way the Swift side talks to them.
#include <curl/curl.h>

typedef size_t (*cs_curl_data_fn)(char *, size_t, size_t, void *);
typedef int (*cs_curl_xferinfo_fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

static inline CURLcode cs_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cs_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cs_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cs_curl_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cs_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cs_curl_setopt_data_function(CURL *h, CURLoption o, cs_curl_data_fn f) { return curl_easy_setopt(h, o, f); }
static inline CURLcode cs_curl_setopt_xferinfo_function(CURL *h, cs_curl_xferinfo_fn f) {
    return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f);
}
static inline CURLcode cs_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode cs_curl_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode cs_curl_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
// The string is owned by the handle and valid until curl_easy_cleanup; copy it before then.
static inline CURLcode cs_curl_getinfo_string(CURL *h, CURLINFO i, const char **v) { return curl_easy_getinfo(h, i, v); }
// CURL_READFUNC_ABORT is a macro wider than Int32 would suggest; a function keeps its type size_t.
static inline size_t cs_curl_readfunc_abort(void) { return CURL_READFUNC_ABORT; }
static inline long cs_curl_global_all(void) { return CURL_GLOBAL_ALL; }
#endif
