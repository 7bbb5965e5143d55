/*
 * The index cache: $XDG_CACHE_HOME/copa (or ~/.cache/copa) holds
 *   apt/lists/<sha256 of URL>   an InRelease/Release with its HTTP validators
 *   apt/by-hash/sha256/<hash>   a Packages file, named by its SHA-256
 * Every file is written under a temporary name and renamed, so two copa
 * processes can share the cache; a reader sees an old or a new file, never
 * half of one. Nothing read from here is trusted: Release files are
 * verified again on every use and Packages files against their hash.
 */
#include "apt/apt.h"
#include "util/buffer.h"
#include "util/digest.h"
#include "util/cache_prune.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#define DOC_MAGIC "copa-apt-cache 1\n"
enum { MAX_CACHED_DOC = 64 * 1024 * 1024 };

int copa__apt_cache_release_path(char **out, const char *cache_dir, const char *url)
{
    unsigned char d[COPA_SHA256_LEN];
    char hex[COPA_SHA256_HEX_LEN + 1];
    copa__buf b = COPA__BUF_INIT;
    int rc;

    *out = NULL;
    if ((rc = copa__sha256_buffer(d, url, strlen(url))) != 0)
        return rc;
    copa__hex_encode(hex, d, sizeof(d));
    if ((rc = copa__buf_appendf(&b, "%s/apt/lists/%s", cache_dir, hex)) != 0)
        return rc;
    *out = copa__buf_detach(&b);
    return 0;
}

int copa__apt_cache_index_path(char **out, const char *cache_dir, const char *sha256_hex)
{
    copa__buf b = COPA__BUF_INIT;
    size_t i;
    int rc;

    *out = NULL;
    for (i = 0; sha256_hex[i] != '\0'; i++)
        if (!((sha256_hex[i] >= '0' && sha256_hex[i] <= '9') ||
              (sha256_hex[i] >= 'a' && sha256_hex[i] <= 'f')))
            break;
    if (i != COPA_SHA256_HEX_LEN || sha256_hex[i] != '\0')
        return copa__error_set(COPA_EINVALID, "not a SHA-256 hex digest: %s", sha256_hex);
    if ((rc = copa__buf_appendf(&b, "%s/apt/by-hash/sha256/%s", cache_dir, sha256_hex)) != 0)
        return rc;
    *out = copa__buf_detach(&b);
    return 0;
}

void copa__apt_cached_free(copa__apt_cached *c)
{
    free(c->etag);
    free(c->last_modified);
    free(c->body);
    memset(c, 0, sizeof(*c));
}

/* The value of "name: value\n" in the header block, malloc'd, or NULL. */
static char *header_value(const char *head, size_t head_len, const char *name)
{
    size_t n = strlen(name);
    const char *p = head, *end = head + head_len;

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            break;
        if ((size_t)(eol - p) > n + 2 && strncmp(p, name, n) == 0 && p[n] == ':' && p[n + 1] == ' ')
            return strndup(p + n + 2, (size_t)(eol - p) - n - 2);
        p = eol + 1;
    }
    return NULL;
}

void copa__apt_cache_prune(const char *cache_dir)
{
    static const char *const dirs[] = {"apt/by-hash/sha256", "apt/lists"};
    int64_t now = (int64_t)time(NULL);
    size_t i;

    for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        copa__buf b = COPA__BUF_INIT;
        if (copa__buf_appendf(&b, "%s/%s", cache_dir, dirs[i]) == 0)
            copa__cache_prune(b.data, now, COPA__CACHE_MAX_AGE);
        copa__buf_free(&b);
    }
}

int copa__apt_cache_read_doc(copa__apt_cached *out, const char *path)
{
    char *data = NULL, *sep;
    size_t len = 0, magic = strlen(DOC_MAGIC);
    int rc = copa__file_read_all(&data, &len, path, MAX_CACHED_DOC);

    memset(out, 0, sizeof(*out));
    if (rc != 0)
        return rc;
    copa__cache_touch(path);
    sep = len > magic && memcmp(data, DOC_MAGIC, magic) == 0 ? strstr(data, "\n\n") : NULL;
    if (sep == NULL) {
        free(data);
        return copa__error_set(COPA_ENOTFOUND, "%s: not a copa cache file", path);
    }
    out->etag = header_value(data, (size_t)(sep + 1 - data), "etag");
    out->last_modified = header_value(data, (size_t)(sep + 1 - data), "last-modified");
    out->len = len - (size_t)(sep + 2 - data);
    memmove(data, sep + 2, out->len);
    data[out->len] = '\0';
    out->body = data;
    return 0;
}

/* Header values come from a server: keep them on one line. */
static int safe_value(const char *v)
{
    return v != NULL && v[0] != '\0' && strpbrk(v, "\r\n") == NULL;
}

int copa__apt_cache_write_doc(const char *path, const char *etag, const char *last_modified,
                              const void *body, size_t len)
{
    copa__buf b = COPA__BUF_INIT;
    int rc = copa__buf_append_str(&b, DOC_MAGIC);

    if (rc == 0 && safe_value(etag))
        rc = copa__buf_appendf(&b, "etag: %s\n", etag);
    if (rc == 0 && safe_value(last_modified))
        rc = copa__buf_appendf(&b, "last-modified: %s\n", last_modified);
    if (rc == 0)
        rc = copa__buf_append(&b, "\n", 1);
    if (rc == 0)
        rc = copa__buf_append(&b, body, len);
    if (rc == 0)
        rc = copa__file_write_atomic(path, b.data, b.length);
    copa__buf_free(&b);
    return rc;
}
