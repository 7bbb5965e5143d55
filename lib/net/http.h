/*
 * The one HTTP client of libcopa, a thin layer over libcurl that every part
 * talking HTTP uses (registry, apt repositories). It adds what the callers
 * all need: bounded retries with backoff that honour Retry-After, streaming
 * bodies with a running SHA-256, cancellation, parallel transfers, TLS on by
 * default, and error messages that never carry credentials.
 */
#ifndef COPA_LIB_NET_HTTP_H
#define COPA_LIB_NET_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "util/buffer.h"
#include "util/digest.h"

/* Receives body bytes of a 2xx response; return 0 or a negative COPA_E* to stop. */
typedef int (*copa__http_write_fn)(const void *data, size_t length, void *payload);
/*
 * Called before a retried attempt after bytes were already given to the
 * write callback, so the consumer can start over. Without one, a transfer
 * that delivered bytes is not retried.
 */
typedef int (*copa__http_reset_fn)(void *payload);
/* Polled while transfers run; non-zero cancels them all (COPA_ECANCELLED). */
typedef int (*copa__http_cancel_fn)(void *payload);

/* Settings shared by the transfers of one client. Zero fields take defaults. */
typedef struct copa__http_options {
    const char *ca_file;             /* extra trust: a PEM bundle */
    const char *ca_dir;              /* extra trust: a hashed CA directory */
    const char *ca_host;             /* registry HOST[:PORT]: its certs.d trust (ca_trust.h) */
    long connect_timeout_ms;         /* default 30 s */
    long low_speed_time_s;           /* abort below low_speed_limit for this long; default 60 s */
    long low_speed_limit;            /* bytes/s; default 1 */
    unsigned int max_retries;        /* retries after the first attempt; default 4 */
    unsigned int backoff_base_ms;    /* first backoff; default 500 ms, doubles each time */
    unsigned int backoff_max_ms;     /* backoff cap; default 30 s */
    unsigned int retry_after_cap_ms; /* longest Retry-After honoured; default 60 s */
    unsigned int max_parallel;       /* transfers at once in perform_many; default 4 */
    int no_retry_defaults;           /* 1: max_retries 0 means "no retries" */
    copa__http_cancel_fn cancel;
    void *cancel_payload;
} copa__http_options;

/* One request. Only method and url are required. */
typedef struct copa__http_request {
    const char *method;         /* "GET", "HEAD", "PUT", "POST", "PATCH", "DELETE" */
    const char *url;            /* never contains credentials */
    const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL */
    const char *authorization;  /* "Bearer ..."/"Basic ..." or NULL; never logged */
    const void *body;           /* request body from memory ... */
    int body_fd;                /* ... or from this file (when body is NULL and fd > 0) */
    uint64_t body_offset;       /* where in body_fd the body starts */
    uint64_t body_length;       /* bytes of body */
    int follow_redirects;       /* 1: follow (Authorization only to the same host) */
    copa__http_write_fn write;  /* 2xx body to this callback; NULL: into response body */
    copa__http_reset_fn reset;  /* see copa__http_reset_fn */
    void *payload;              /* for write and reset */
    size_t max_body;            /* cap on a buffered body; default 16 MiB */
} copa__http_request;

enum { COPA__HTTP_ERROR_MAX = 512 };

typedef struct copa__http_response {
    long status;                         /* final HTTP status, 0 when none was received */
    copa__buf body;                      /* buffered body (non-2xx bodies always land here) */
    copa__buf headers;                   /* header lines of the final response, "name: value\n" */
    uint64_t body_length;                /* bytes received of the final response body */
    char digest[COPA_DIGEST_STRING_MAX]; /* sha256 of the body received */
    unsigned int attempts;               /* how many attempts were made */
    char *effective_url;                 /* last URL after redirects (malloc'd) */
    /* Why this transfer failed (perform_many): the per-thread message is
     * overwritten by the transfers that end after it. Empty on success. */
    char error[COPA__HTTP_ERROR_MAX];
} copa__http_response;

void copa__http_options_defaults(copa__http_options *options);

/*
 * Run one request with retries. A response with any HTTP status is success
 * (0): the caller decides what a 404 means. Transport failures after the
 * retries give COPA_ENETWORK (COPA_ETIMEOUT for timeouts) with a message
 * naming the URL, never credentials; cancellation gives COPA_ECANCELLED;
 * a write callback's error is returned as is. `response` is always
 * initialized and must be cleaned with copa__http_response_free().
 */
int copa__http_perform(const copa__http_options *options, const copa__http_request *request,
                       copa__http_response *response);

/*
 * Run `count` requests, up to options->max_parallel at once, through the
 * curl multi interface. Returns 0 when every transfer reached a response;
 * otherwise the first failure's code, with results[i] holding each one's
 * own code (0 or negative).
 */
int copa__http_perform_many(const copa__http_options *options, const copa__http_request *requests,
                            copa__http_response *responses, int *results, size_t count);

void copa__http_response_free(copa__http_response *response);

/*
 * The value of the first header `name` (case-insensitive) of the final
 * response, malloc'd and trimmed, in *out. 0, COPA_ENOTFOUND or COPA_ENOMEM.
 */
int copa__http_header(char **out, const copa__http_response *response, const char *name);

/*
 * Parse a Retry-After value: delta-seconds or an HTTP-date (IMF-fixdate,
 * RFC 850 or asctime form) relative to `now`. The wait in milliseconds,
 * capped at `cap_ms`, goes to *out_ms. COPA_EINVALID for anything else.
 */
int copa__http_parse_retry_after(unsigned long *out_ms, const char *value, int64_t now,
                                 unsigned long cap_ms);

/* Backoff before retry number `attempt` (1-based): base * 2^(attempt-1), capped, with jitter. */
unsigned long copa__http_backoff_ms(const copa__http_options *options, unsigned int attempt);

/*
 * Copy `url` into `out` (size bytes) without user:password@ and with the
 * values of query parameters that look secret replaced by "REDACTED".
 */
void copa__http_redact_url(char *out, size_t size, const char *url);

#endif
