/*
 * One transfer's curl easy handle: options, callbacks, and the decision
 * after each attempt (done, or retry after a delay). The loop that drives
 * transfers is in perform.c.
 */
#include "net/transfer.h"
#include "net/ca_trust.h"
#include "util/error.h"
#include "copa/common.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum { DEFAULT_MAX_BODY = 16 * 1024 * 1024, ERROR_BODY_MAX = 64 * 1024, MAX_REDIRECTS = 5 };

static size_t on_header(char *data, size_t size, size_t count, void *user)
{
    copa__transfer *t = user;
    size_t length = size * count, trimmed = length;

    /* Each new status line (after a redirect or 100-continue) starts over. */
    if (length >= 5 && memcmp(data, "HTTP/", 5) == 0)
        copa__buf_clear(&t->response->headers);
    while (trimmed > 0 && (data[trimmed - 1] == '\r' || data[trimmed - 1] == '\n'))
        trimmed--;
    if (trimmed == 0)
        return length;
    if (copa__buf_append(&t->response->headers, data, trimmed) != 0 ||
        copa__buf_append(&t->response->headers, "\n", 1) != 0) {
        t->error = COPA_ENOMEM;
        return 0;
    }
    return length;
}

static size_t on_write(char *data, size_t size, size_t count, void *user)
{
    copa__transfer *t = user;
    size_t length = size * count, limit;
    long status = 0;
    int rc;

    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    t->response->body_length += length;
    if (copa__sha256_update(t->sha, data, length) != 0) {
        t->error = COPA_ERROR;
        return 0;
    }
    if (status >= 200 && status < 300 && t->request->write != NULL) {
        t->delivered = 1;
        rc = t->request->write(data, length, t->request->payload);
        if (rc != 0) {
            t->error = rc;
            return 0;
        }
        return length;
    }
    limit = t->request->max_body ? t->request->max_body : DEFAULT_MAX_BODY;
    if (status < 200 || status >= 300)
        limit = ERROR_BODY_MAX; /* error bodies are only read for messages */
    if (t->response->body.length + length > limit) {
        if (status < 200 || status >= 300)
            return length; /* keep the start, drop the rest */
        t->error = copa__error_set(COPA_EINVALID, "%s %s: response body larger than %zu bytes",
                                   t->request->method, t->safe_url, limit);
        return 0;
    }
    if (copa__buf_append(&t->response->body, data, length) != 0) {
        t->error = COPA_ENOMEM;
        return 0;
    }
    return length;
}

static size_t on_read(char *out, size_t size, size_t count, void *user)
{
    copa__transfer *t = user;
    const copa__http_request *r = t->request;
    uint64_t left = r->body_length - t->read_position;
    size_t want = size * count;
    ssize_t got;

    if (want > left)
        want = (size_t)left;
    if (want == 0)
        return 0;
    if (r->body != NULL) {
        memcpy(out, (const char *)r->body + t->read_position, want);
        got = (ssize_t)want;
    } else {
        got = pread(r->body_fd, out, want, (off_t)(r->body_offset + t->read_position));
        if (got <= 0) {
            t->error = copa__error_set(COPA_ERROR, "%s %s: reading the request body failed",
                                       r->method, t->safe_url);
            return CURL_READFUNC_ABORT;
        }
    }
    t->read_position += (uint64_t)got;
    return (size_t)got;
}

static int on_seek(void *user, curl_off_t offset, int origin)
{
    copa__transfer *t = user;

    if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > t->request->body_length)
        return CURL_SEEKFUNC_CANTSEEK;
    t->read_position = (uint64_t)offset;
    return CURL_SEEKFUNC_OK;
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    copa__transfer *t = user;

    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    if (t->options->cancel != NULL && t->options->cancel(t->options->cancel_payload) != 0) {
        t->error =
            copa__error_set(COPA_ECANCELLED, "%s %s: cancelled", t->request->method, t->safe_url);
        return 1;
    }
    return 0;
}

static int set_headers(copa__transfer *t)
{
    const char *const *h;
    struct curl_slist *next;
    char *line;

    /* No 100-continue round trip: registries answer uploads directly. */
    if ((next = curl_slist_append(t->headers, "Expect:")) == NULL)
        return copa__error_oom();
    t->headers = next;
    for (h = t->request->headers; h != NULL && *h != NULL; h++) {
        if ((next = curl_slist_append(t->headers, *h)) == NULL)
            return copa__error_oom();
        t->headers = next;
    }
    if (t->request->authorization != NULL) {
        /* curl keeps a custom Authorization header to the original host on
         * redirects (no CURLOPT_UNRESTRICTED_AUTH), which blob downloads rely on. */
        if (asprintf(&line, "Authorization: %s", t->request->authorization) < 0)
            return copa__error_oom();
        next = curl_slist_append(t->headers, line);
        explicit_bzero(line, strlen(line));
        free(line);
        if (next == NULL)
            return copa__error_oom();
        t->headers = next;
    }
    return 0;
}

static int set_method(copa__transfer *t)
{
    const copa__http_request *r = t->request;
    CURL *e = t->easy;

    if (strcmp(r->method, "HEAD") == 0)
        return curl_easy_setopt(e, CURLOPT_NOBODY, 1L) == CURLE_OK ? 0 : COPA_ERROR;
    if (strcmp(r->method, "GET") != 0)
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
    if (strcmp(r->method, "PUT") == 0 || strcmp(r->method, "POST") == 0 ||
        strcmp(r->method, "PATCH") == 0) {
        curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->body_length);
        curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(e, CURLOPT_READDATA, t);
        curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
        curl_easy_setopt(e, CURLOPT_SEEKDATA, t);
    }
    return 0;
}

/* The CA certificates and client certificate of this transfer (ca_trust.h). */
static int set_trust(copa__transfer *t)
{
    const copa__http_options *o = t->options;
    char *default_ca_file = NULL;
    copa__ca_trust trust;
    int rc;

    if (strncasecmp(t->request->url, "https:", 6) != 0)
        return 0; /* plain HTTP (a registry named insecure, a mirror): no trust to set */
#if LIBCURL_VERSION_NUM >= 0x075400 /* 7.84: CURLINFO_CAINFO */
    curl_easy_getinfo(t->easy, CURLINFO_CAINFO, &default_ca_file);
#endif
    if ((rc = copa__ca_trust_build(&trust, default_ca_file, o->ca_file, o->ca_host)) != 0)
        return copa__error_prefix("%s %s: ", t->request->method, t->safe_url);
    if (trust.pem.length > 0) {
        struct curl_blob blob;
        blob.data = trust.pem.data;
        blob.len = trust.pem.length;
        blob.flags = CURL_BLOB_COPY;
        curl_easy_setopt(t->easy, CURLOPT_CAINFO_BLOB, &blob);
        if (!trust.default_dir)
            curl_easy_setopt(t->easy, CURLOPT_CAPATH, NULL);
    } else if (o->ca_file != NULL) {
        curl_easy_setopt(t->easy, CURLOPT_CAINFO, o->ca_file);
    }
    if (o->ca_dir != NULL)
        curl_easy_setopt(t->easy, CURLOPT_CAPATH, o->ca_dir);
    if (trust.client_cert != NULL) {
        curl_easy_setopt(t->easy, CURLOPT_SSLCERT, trust.client_cert);
        curl_easy_setopt(t->easy, CURLOPT_SSLKEY, trust.client_key);
    }
    copa__ca_trust_free(&trust);
    return 0;
}

int copa__transfer_setup(copa__transfer *t)
{
    const copa__http_options *o = t->options;
    CURL *e;
    int rc;

    copa__http_redact_url(t->safe_url, sizeof(t->safe_url), t->request->url);
    if ((t->easy = e = curl_easy_init()) == NULL)
        return copa__error_set(COPA_ERROR, "libcurl: cannot create a handle");
    if ((rc = set_headers(t)) != 0 || (rc = set_method(t)) != 0)
        return rc;
    curl_easy_setopt(e, CURLOPT_URL, t->request->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->curl_error);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_time_s);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "libcopa/" COPA_VERSION);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, NULL); /* bytes as stored: digests match */
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if ((rc = set_trust(t)) != 0)
        return rc;
    /* Only http(s); a redirect never downgrades an https request to http. */
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
                     strncasecmp(t->request->url, "https:", 6) == 0 ? "https" : "http,https");
    if (t->request->follow_redirects) {
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
    }
    /* Proxies come from http_proxy/https_proxy/no_proxy (curl reads them);
     * the upper-case NO_PROXY spelling is honoured as well. */
    if (getenv("no_proxy") == NULL && getenv("NO_PROXY") != NULL)
        curl_easy_setopt(e, CURLOPT_NOPROXY, getenv("NO_PROXY"));
    return 0;
}

int copa__transfer_begin_attempt(copa__transfer *t)
{
    copa__sha256_free(t->sha);
    t->sha = NULL;
    if (copa__sha256_new(&t->sha) != 0)
        return copa__error_oom();
    copa__buf_clear(&t->response->body);
    copa__buf_clear(&t->response->headers);
    t->response->body_length = 0;
    t->response->status = 0;
    t->read_position = 0;
    t->curl_error[0] = '\0';
    t->response->attempts++;
    return 0;
}

static int retryable_code(CURLcode code)
{
    switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

static int retryable_status(long status)
{
    return status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
}

static int transport_error(copa__transfer *t, CURLcode code)
{
    const char *why = t->curl_error[0] ? t->curl_error : curl_easy_strerror(code);
    const char *method = t->request->method;
    unsigned int tries = t->response->attempts;

    switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
        return copa__error_set(COPA_EVERIFY,
                               "%s %s: TLS certificate not trusted (%s); pass the registry's CA "
                               "certificate",
                               method, t->safe_url, why);
    case CURLE_OPERATION_TIMEDOUT:
        return copa__error_set(COPA_ETIMEOUT, "%s %s: timed out after %u attempt(s) (%s)", method,
                               t->safe_url, tries, why);
    default:
        return copa__error_set(COPA_ENETWORK, "%s %s: %s (after %u attempt(s))", method,
                               t->safe_url, why, tries);
    }
}

static int idempotent(const char *method)
{
    return strcmp(method, "POST") != 0 && strcmp(method, "PATCH") != 0;
}

/* The wait before the next attempt, in ms, or -1 when this attempt is final. */
static long retry_delay(copa__transfer *t, CURLcode code)
{
    const copa__http_options *o = t->options;
    char *value = NULL;
    unsigned long ms;

    if (t->response->attempts > o->max_retries)
        return -1;
    if (t->delivered && t->request->reset == NULL)
        return -1;
    if (code != CURLE_OK) {
        /* A POST or PATCH that may have reached the server is not repeated:
         * an upload session would see the chunk twice. */
        if (!idempotent(t->request->method) && code != CURLE_COULDNT_CONNECT)
            return -1;
        return retryable_code(code) ? (long)copa__http_backoff_ms(o, t->response->attempts) : -1;
    }
    if (!idempotent(t->request->method) && t->response->status != 429 && t->response->status != 503)
        return -1;
    if (!retryable_status(t->response->status))
        return -1;
    if (copa__http_header(&value, t->response, "Retry-After") == 0 &&
        copa__http_parse_retry_after(&ms, value, (int64_t)time(NULL), o->retry_after_cap_ms) == 0) {
        free(value);
        return (long)ms;
    }
    free(value);
    return (long)copa__http_backoff_ms(o, t->response->attempts);
}

long copa__transfer_finish_attempt(copa__transfer *t, CURLcode code)
{
    unsigned char raw[COPA_SHA256_LEN];
    long delay;
    char *url = NULL;

    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->response->status);
    if (t->error != 0) {
        t->result = t->error;
        return -1;
    }
    delay = retry_delay(t, code);
    if (delay >= 0) {
        if (t->delivered && t->request->reset(t->request->payload) != 0) {
            t->result = copa__error_prefix("%s %s: ", t->request->method, t->safe_url);
            return -1;
        }
        t->delivered = 0;
        return delay;
    }
    if (code != CURLE_OK) {
        t->result = transport_error(t, code);
        return -1;
    }
    if (copa__sha256_final(t->sha, raw) != 0) {
        t->result = copa__error_set(COPA_ERROR, "sha256 failed");
        return -1;
    }
    copa__digest_format(t->response->digest, raw);
    if (curl_easy_getinfo(t->easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url != NULL)
        t->response->effective_url = strdup(url);
    t->result = 0;
    return -1;
}

void copa__transfer_cleanup(copa__transfer *t)
{
    if (t->easy != NULL)
        curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    copa__sha256_free(t->sha);
    t->easy = NULL;
    t->headers = NULL;
    t->sha = NULL;
}
