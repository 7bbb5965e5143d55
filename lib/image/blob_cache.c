/*
 * The blob cache (see blob_cache.h). Every entry is named by the digest of
 * its bytes, so a rename can only ever replace an entry with the same
 * content; that makes concurrent writers safe without locks.
 */
#include "image/blob_cache.h"
#include "image/store.h"
#include "util/buffer.h"
#include "util/digest.h"
#include "util/cache_dir.h"
#include "util/cache_prune.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

struct copa__blob_cache {
    char *dir;
    int temporary; /* dir is a private fallback, removed on free */
};

/*
 * <root>/blobs/sha256 is also the shape of an OCI layout: a cache directory
 * pointed at one (to share its blobs) must never lose the layout's blobs.
 */
static int is_oci_layout(const char *root)
{
    copa__buf marker = COPA__BUF_INIT;
    int found =
        copa__buf_appendf(&marker, "%s/oci-layout", root) != 0 || access(marker.data, F_OK) == 0;
    copa__buf_free(&marker);
    return found;
}

static int make_blob_dir(const char *root)
{
    char *probe =
        copa__blob_path(root, "sha256:0000000000000000000000000000000000000000000000000000"
                              "000000000000");
    char *slash;
    int error;

    if (probe == NULL)
        return copa__error_oom();
    slash = strrchr(probe, '/');
    *slash = '\0';
    error = copa__file_mkdirs(probe);
    if (error == 0 && access(probe, W_OK) != 0)
        error = copa__error_set(COPA_ERROR, "%s: not writable: %s", probe, strerror(errno));
    if (error == 0 && !is_oci_layout(root))
        copa__cache_prune(probe, (int64_t)time(NULL), COPA__CACHE_MAX_AGE);
    free(probe);
    return error;
}

int copa__blob_cache_open(copa__blob_cache **out, const char *dir)
{
    copa__blob_cache *c = calloc(1, sizeof(*c));
    int error;

    *out = NULL;
    if (c == NULL)
        return copa__error_oom();
    if (dir != NULL && *dir != '\0')
        error = (c->dir = strdup(dir)) != NULL ? 0 : copa__error_oom();
    else
        error = copa__cache_default_dir(&c->dir);
    if (error == 0)
        error = make_blob_dir(c->dir);
    if (error != 0 && error != COPA_ENOMEM && (dir == NULL || *dir == '\0')) {
        /* An unusable default cache (read-only home) must not stop a copy. */
        free(c->dir);
        c->dir = NULL;
        c->temporary = 1;
        if ((error = copa__tempdir_create(&c->dir)) == 0)
            error = make_blob_dir(c->dir);
    }
    if (error != 0) {
        copa__blob_cache_free(c);
        return error;
    }
    *out = c;
    return 0;
}

void copa__blob_cache_free(copa__blob_cache *c)
{
    if (c == NULL)
        return;
    if (c->temporary && c->dir != NULL)
        copa__remove_tree(c->dir);
    free(c->dir);
    free(c);
}

const char *copa__blob_cache_dir(const copa__blob_cache *c)
{
    return c->dir;
}

int copa__blob_cache_lookup(char **out, copa__blob_cache *c, const char *digest, double size)
{
    char actual[COPA_DIGEST_STRING_MAX];
    double actual_size;
    char *path = copa__blob_path(c->dir, digest);

    *out = NULL;
    if (path == NULL)
        return copa__error_set(COPA_EINVALID, "blob cache: malformed digest '%s'", digest);
    if (access(path, F_OK) != 0) {
        free(path);
        return COPA_ENOTFOUND;
    }
    copa__cache_touch(path); /* in use: a concurrent prune leaves it */
    if (copa__file_digest(actual, &actual_size, path) != 0 || strcmp(actual, digest) != 0 ||
        (size >= 0 && actual_size != size)) {
        /* Corrupt or truncated: never serve it; the caller fetches it again. */
        unlink(path);
        free(path);
        return COPA_ENOTFOUND;
    }
    *out = path;
    return 0;
}

static int temp_for(char **out, int *fd, const char *path)
{
    copa__buf temp = COPA__BUF_INIT;
    int error = copa__buf_appendf(&temp, "%s.tmp-XXXXXX", path);

    if (error != 0)
        return error;
    if ((*fd = mkstemp(temp.data)) < 0) {
        error = copa__error_set(COPA_ERROR, "%s: cannot create: %s", temp.data, strerror(errno));
        copa__buf_free(&temp);
        return error;
    }
    *out = copa__buf_detach(&temp);
    return 0;
}

int copa__blob_cache_fill(char **out, copa__blob_cache *c, const char *digest,
                          copa__blob_fetch_fn fetch, void *payload)
{
    char *path = copa__blob_path(c->dir, digest), *temp = NULL;
    int fd = -1, error;

    *out = NULL;
    if (path == NULL)
        return copa__error_set(COPA_EINVALID, "blob cache: malformed digest '%s'", digest);
    if ((error = temp_for(&temp, &fd, path)) == 0) {
        error = fetch(payload, fd);
        if (close(fd) != 0 && error == 0)
            error = copa__error_set(COPA_ERROR, "%s: %s", temp, strerror(errno));
        if (error == 0 && rename(temp, path) != 0)
            error = copa__error_set(COPA_ERROR, "%s: cannot rename: %s", temp, strerror(errno));
        if (error != 0)
            unlink(temp);
    }
    free(temp);
    if (error != 0) {
        free(path);
        return error;
    }
    *out = path;
    return 0;
}

typedef struct memory {
    const void *data;
    size_t length;
} memory;

static int write_memory(void *payload, int fd)
{
    const memory *m = payload;
    const char *p = m->data;
    size_t left = m->length;

    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return copa__error_set(COPA_ERROR, "blob cache: write: %s", strerror(errno));
        p += n;
        left -= (size_t)n;
    }
    return 0;
}

int copa__blob_cache_put(copa__blob_cache *c, const char *digest, const void *data, size_t length)
{
    memory m;
    char *path;
    int error = copa__digest_verify_buffer(digest, data, length);

    if (error != 0)
        return error;
    m.data = data;
    m.length = length;
    if ((error = copa__blob_cache_fill(&path, c, digest, write_memory, &m)) == 0)
        free(path);
    return error;
}
