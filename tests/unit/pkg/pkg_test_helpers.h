/*
 * Helpers for the pkg tests: temporary directories, writing files and
 * running the real dpkg tools to compare with.
 */
#ifndef COPA_TEST_PKG_HELPERS_H
#define COPA_TEST_PKG_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buffer.h"

/* A fresh directory under /tmp; the caller removes it with rm_rf. */
static inline char *make_temp_dir(void)
{
    char tmpl[] = "/tmp/copa-pkg-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    return strdup(dir);
}

static inline void write_text(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Run a shell command; returns its exit status and its stdout in *out. */
static inline int run_capture(char **out, const char *fmt, ...)
{
    copa__buf cmd = COPA__BUF_INIT, got = COPA__BUF_INIT;
    char chunk[4096];
    size_t n;
    va_list ap;
    FILE *p;
    int status;

    va_start(ap, fmt);
    assert_int_equal(copa__buf_vappendf(&cmd, fmt, ap), 0);
    va_end(ap);
    p = popen(cmd.data, "r");
    assert_non_null(p);
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        assert_int_equal(copa__buf_append(&got, chunk, n), 0);
    status = pclose(p);
    copa__buf_free(&cmd);
    if (got.data == NULL)
        assert_int_equal(copa__buf_append(&got, "", 0), 0);
    if (out != NULL)
        *out = copa__buf_detach(&got);
    else
        copa__buf_free(&got);
    return status;
}

static inline void rm_rf(char *dir)
{
    assert_int_equal(run_capture(NULL, "rm -rf '%s'", dir), 0);
    free(dir);
}

/* Whether a program is on PATH. */
static inline int have_tool(const char *name)
{
    return run_capture(NULL, "command -v %s >/dev/null 2>&1", name) == 0;
}

#endif
