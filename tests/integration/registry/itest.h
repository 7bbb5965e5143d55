/*
 * Shared helpers of the registry integration tests: the harness (run.sh)
 * starts the servers and passes their addresses in the environment.
 */
#ifndef COPA_ITEST_H
#define COPA_ITEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"
#include "util/error.h"
#include "copa/global.h"

/* An environment variable the harness must set. */
static inline const char *itest_env(const char *name)
{
    const char *value = getenv(name);
    if (value == NULL || *value == '\0') {
        fprintf(stderr, "%s is not set: run these tests through run.sh\n", name);
        abort();
    }
    return value;
}

/* Write `text` to $COPA_TEST_WORK/name, for the harness to compare with skopeo. */
static inline void itest_write(const char *name, const char *text)
{
    char path[4096];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", itest_env("COPA_TEST_WORK"), name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static inline void itest_digest(char out[COPA_DIGEST_STRING_MAX], const void *data, size_t n)
{
    unsigned char raw[COPA_SHA256_LEN];
    assert_int_equal(copa__sha256_buffer(raw, data, n), 0);
    copa__digest_format(out, raw);
}

/* Fast retries so failing cases end quickly. */
static inline void itest_fast_http(copa__http_options *http)
{
    http->backoff_base_ms = 50;
    http->backoff_max_ms = 200;
    http->max_retries = 3;
    http->connect_timeout_ms = 5000;
}

#endif
