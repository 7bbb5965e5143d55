/*
 * Retry timing: Retry-After parsing, exponential backoff with jitter, and
 * URL redaction for messages. Pure functions, so they are unit-tested alone.
 */
#include "net/http.h"
#include "util/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void copa__http_options_defaults(copa__http_options *options)
{
    if (options->connect_timeout_ms == 0)
        options->connect_timeout_ms = 30000;
    if (options->low_speed_time_s == 0)
        options->low_speed_time_s = 60;
    if (options->low_speed_limit == 0)
        options->low_speed_limit = 1;
    if (options->max_retries == 0 && !options->no_retry_defaults)
        options->max_retries = 4;
    if (options->backoff_base_ms == 0)
        options->backoff_base_ms = 500;
    if (options->backoff_max_ms == 0)
        options->backoff_max_ms = 30000;
    if (options->retry_after_cap_ms == 0)
        options->retry_after_cap_ms = 60000;
    if (options->max_parallel == 0)
        options->max_parallel = 4;
}

/* The three date forms RFC 9110 says a recipient must accept. */
static int parse_http_date(int64_t *out, const char *value)
{
    static const char *const formats[] = {
        "%a, %d %b %Y %H:%M:%S GMT", /* IMF-fixdate */
        "%A, %d-%b-%y %H:%M:%S GMT", /* RFC 850 */
        "%a %b %e %H:%M:%S %Y",      /* asctime */
    };
    size_t i;

    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        struct tm tm;
        const char *end;
        memset(&tm, 0, sizeof(tm));
        end = strptime(value, formats[i], &tm);
        if (end == NULL)
            continue;
        while (*end == ' ' || *end == '\t')
            end++;
        if (*end != '\0')
            continue;
        *out = (int64_t)timegm(&tm);
        return 0;
    }
    return COPA_EINVALID;
}

int copa__http_parse_retry_after(unsigned long *out_ms, const char *value, int64_t now,
                                 unsigned long cap_ms)
{
    int64_t when;
    unsigned long long seconds = 0;
    const char *p;

    if (value == NULL)
        return copa__error_set(COPA_EINVALID, "Retry-After: empty");
    while (*value == ' ' || *value == '\t')
        value++;
    if (isdigit((unsigned char)*value)) {
        for (p = value; isdigit((unsigned char)*p); p++) {
            /* Saturate instead of overflowing; the cap applies anyway. */
            if (seconds < 1000000000ULL)
                seconds = seconds * 10 + (unsigned long long)(*p - '0');
        }
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '\0')
            return copa__error_set(COPA_EINVALID, "Retry-After: not a number of seconds");
    } else {
        if (parse_http_date(&when, value) != 0)
            return copa__error_set(COPA_EINVALID, "Retry-After: neither seconds nor an HTTP date");
        seconds = when > now ? (unsigned long long)(when - now) : 0;
    }
    *out_ms = seconds * 1000ULL > cap_ms ? cap_ms : (unsigned long)(seconds * 1000ULL);
    return 0;
}

unsigned long copa__http_backoff_ms(const copa__http_options *options, unsigned int attempt)
{
    unsigned long delay = options->backoff_base_ms;
    unsigned int i;

    for (i = 1; i < attempt && delay < options->backoff_max_ms; i++)
        delay *= 2;
    if (delay > options->backoff_max_ms)
        delay = options->backoff_max_ms;
    /* Full jitter on the upper half keeps clients that failed together apart. */
    if (delay >= 2)
        delay = delay / 2 + (unsigned long)(random() % (long)(delay / 2 + 1));
    return delay;
}

static int secret_parameter(const char *name, size_t length)
{
    static const char *const secrets[] = {
        "token",     "access_token", "password", "secret",          "sig",
        "signature", "key",          "auth",     "X-Amz-Signature", "X-Amz-Credential"};
    size_t i;

    for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
        if (strlen(secrets[i]) == length && strncasecmp(secrets[i], name, length) == 0)
            return 1;
    }
    return 0;
}

void copa__http_redact_url(char *out, size_t size, const char *url)
{
    copa__buf buf = COPA__BUF_INIT;
    const char *scheme_end, *authority, *at, *path, *query, *p;

    if (size == 0)
        return;
    out[0] = '\0';
    if (url == NULL)
        return;
    scheme_end = strstr(url, "://");
    authority = scheme_end ? scheme_end + 3 : url;
    path = authority + strcspn(authority, "/?#");
    /* user:password@ in the authority goes away entirely. */
    at = NULL;
    for (p = authority; p < path; p++) {
        if (*p == '@')
            at = p;
    }
    if (copa__buf_append(&buf, url, (size_t)(authority - url)) != 0)
        goto done;
    p = at ? at + 1 : authority;
    query = strchr(path, '?');
    if (copa__buf_append(&buf, p, (size_t)((query ? query : path + strlen(path)) - p)) != 0)
        goto done;
    while (query != NULL) {
        const char *name = query + 1, *eq, *next = strchr(name, '&');
        size_t end = next ? (size_t)(next - name) : strcspn(name, "#");
        eq = memchr(name, '=', end);
        copa__buf_append(&buf, query, 1);
        if (eq != NULL && secret_parameter(name, (size_t)(eq - name))) {
            copa__buf_append(&buf, name, (size_t)(eq - name + 1));
            copa__buf_append_str(&buf, "REDACTED");
        } else {
            copa__buf_append(&buf, name, end);
        }
        query = next;
    }
done:
    if (buf.data != NULL) {
        size_t n = buf.length < size - 1 ? buf.length : size - 1;
        memcpy(out, buf.data, n);
        out[n] = '\0';
    }
    copa__buf_free(&buf);
}
