/*
 * Blob files: verified reading and a digest-addressed store written through
 * temporary files so a reader never sees a partial blob.
 */
#include "image/store.h"
#include "util/buffer.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/file.h"
#include "util/temp.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct copa__blob_reader {
    int fd;
    char *path;
    char digest[COPA_DIGEST_STRING_MAX];
    double expected_size;
    double size;
    copa__sha256 *hash;
    int done;
};

int copa__blob_reader_open(copa__blob_reader **out, const char *path, const char *digest,
                           double size)
{
    copa__blob_reader *r;
    struct stat st;
    int error;

    *out = NULL;
    if ((error = copa__digest_validate(digest)) != 0)
        return error;
    if ((r = calloc(1, sizeof(*r))) == NULL || (r->path = strdup(path)) == NULL) {
        free(r);
        return copa__error_oom();
    }
    snprintf(r->digest, sizeof(r->digest), "%s", digest);
    r->expected_size = size;
    /* Non-blocking: a fifo put where a blob belongs must not wait for a
     * writer (on a regular file the flag changes nothing). */
    r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (r->fd < 0) {
        error = copa__error_set(errno == ENOENT ? COPA_ENOTFOUND : COPA_ERROR, "blob %s: %s: %s",
                                digest, path, strerror(errno));
        copa__blob_reader_free(r);
        return error;
    }
    if (fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        error = copa__error_set(COPA_EINVALID, "blob %s: %s: not a regular file", digest, path);
        copa__blob_reader_free(r);
        return error;
    }
    if ((error = copa__sha256_new(&r->hash)) != 0) {
        copa__blob_reader_free(r);
        return error;
    }
    *out = r;
    return 0;
}

static int finish(copa__blob_reader *r)
{
    unsigned char raw[COPA_SHA256_LEN];
    char actual[COPA_DIGEST_STRING_MAX];

    /* A reader that already failed verification may be read again (the
     * layer reader retries at its end); the hash is gone, the verdict stays. */
    if (r->hash == NULL)
        return copa__error_set(COPA_EVERIFY, "blob %s: content does not match its digest",
                               r->digest);
    if (copa__sha256_final(r->hash, raw) != 0)
        return copa__error_set(COPA_ERROR, "blob %s: hashing failed", r->digest);
    copa__sha256_free(r->hash);
    r->hash = NULL;
    copa__digest_format(actual, raw);
    if (strcmp(actual, r->digest) != 0)
        return copa__error_set(COPA_EVERIFY, "blob %s: content does not match its digest (got %s)",
                               r->digest, actual);
    if (r->expected_size >= 0 && r->size != r->expected_size)
        return copa__error_set(COPA_EVERIFY, "blob %s: size is %.0f bytes, expected %.0f",
                               r->digest, r->size, r->expected_size);
    r->done = 1;
    return 0;
}

int copa__blob_reader_read(copa__blob_reader *r, void *buffer, size_t capacity, size_t *got)
{
    ssize_t n;

    *got = 0;
    if (r->done)
        return 0;
    do
        n = read(r->fd, buffer, capacity);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return copa__error_set(COPA_ERROR, "blob %s: %s: %s", r->digest, r->path, strerror(errno));
    if (n == 0)
        return finish(r);
    r->size += (double)n;
    if (r->expected_size >= 0 && r->size > r->expected_size)
        return copa__error_set(
            COPA_EVERIFY, "blob %s: content does not match its digest (more than its %.0f bytes)",
            r->digest, r->expected_size);
    *got = (size_t)n;
    return copa__sha256_update(r->hash, buffer, (size_t)n);
}

void copa__blob_reader_free(copa__blob_reader *r)
{
    if (r == NULL)
        return;
    if (r->fd >= 0)
        close(r->fd);
    copa__sha256_free(r->hash);
    free(r->path);
    free(r);
}

const char *copa__blob_reader_path(const copa__blob_reader *r)
{
    return r->path;
}

int copa__blob_reader_verify(copa__blob_reader *r)
{
    char chunk[65536];
    size_t got;
    int error;

    do
        error = copa__blob_reader_read(r, chunk, sizeof(chunk), &got);
    while (error == 0 && got != 0);
    if (error == 0 && lseek(r->fd, 0, SEEK_SET) != 0)
        error = copa__error_set(COPA_ERROR, "blob %s: %s: %s", r->digest, r->path, strerror(errno));
    return error;
}

int copa__blob_read_all(char **out, size_t *length, const char *path, const char *digest,
                        size_t max)
{
    copa__blob_reader *r;
    copa__buf buf = COPA__BUF_INIT;
    char chunk[65536];
    size_t got;
    int error;

    *out = NULL;
    if ((error = copa__blob_reader_open(&r, path, digest, -1)) != 0)
        return error;
    for (;;) {
        if ((error = copa__blob_reader_read(r, chunk, sizeof(chunk), &got)) != 0 || got == 0)
            break;
        if (buf.length + got > max) {
            error = copa__error_set(COPA_EINVALID, "blob %s: larger than %zu bytes", digest, max);
            break;
        }
        if ((error = copa__buf_append(&buf, chunk, got)) != 0)
            break;
    }
    copa__blob_reader_free(r);
    if (error == 0 && buf.data == NULL)
        error = copa__buf_reserve(&buf, 1);
    if (error != 0) {
        copa__buf_free(&buf);
        return error;
    }
    *length = buf.length;
    *out = copa__buf_detach(&buf);
    return 0;
}

char *copa__blob_path(const char *root, const char *digest)
{
    copa__buf path = COPA__BUF_INIT;
    const char *colon = strchr(digest, ':');

    if (colon == NULL || copa__digest_validate(digest) != 0)
        return NULL;
    if (copa__buf_appendf(&path, "%s/blobs/%.*s/%s", root, (int)(colon - digest), digest,
                          colon + 1) != 0)
        return NULL;
    return copa__buf_detach(&path);
}

/*
 * An existing blob is kept only when it is a regular file whose bytes
 * verify (a fifo there would block the hashing; it is replaced instead).
 */
static int already_stored(const char *path, const char *digest)
{
    char actual[COPA_DIGEST_STRING_MAX];
    struct stat st;
    double size;

    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    if (copa__file_digest(actual, &size, path) == 0 && strcmp(actual, digest) == 0)
        return 1;
    return 0;
}

static int write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        length -= (size_t)n;
    }
    return 0;
}

/*
 * A temporary file beside path, its directories made first. A concurrent
 * writer giving up may remove the (then empty) directories between the two
 * steps (oci_layout_abort.c); making them again is all it takes.
 */
static int temp_beside(char **out, int *fd, const char *path)
{
    char *temp, *slash;
    int attempt, saved, error = 0;

    if ((temp = malloc(strlen(path) + 16)) == NULL)
        return copa__error_oom();
    for (attempt = 0; attempt < 8; attempt++) {
        strcpy(temp, path);
        slash = strrchr(temp, '/');
        *slash = '\0';
        if ((error = copa__file_mkdirs(temp)) != 0)
            continue;
        sprintf(temp, "%s.tmp-XXXXXX", path);
        if ((*fd = mkstemp(temp)) >= 0) {
            *out = temp;
            return 0;
        }
        saved = errno;
        error = copa__error_set(COPA_ERROR, "%s: %s", temp, strerror(saved));
        if (saved != ENOENT)
            break;
    }
    free(temp);
    return error;
}

static int copy_in(int fd, const char *temp, const char *digest, copa__blob_reader *reader,
                   const void *data, size_t length)
{
    char chunk[65536];
    size_t got;
    int error;

    if (reader == NULL) {
        if ((error = copa__digest_verify_buffer(digest, data, length)) == 0 &&
            write_all(fd, data, length) != 0)
            error = copa__error_set(COPA_ERROR, "%s: %s", temp, strerror(errno));
        return error;
    }
    while ((error = copa__blob_reader_read(reader, chunk, sizeof(chunk), &got)) == 0 && got > 0)
        if (write_all(fd, chunk, got) != 0)
            return copa__error_set(COPA_ERROR, "%s: %s", temp, strerror(errno));
    return error;
}

/* Either a reader or a buffer is the source. */
static int store(const char *root, const char *digest, copa__blob_reader *reader, const void *data,
                 size_t length, int *created)
{
    char *path = copa__blob_path(root, digest), *temp = NULL;
    int fd = -1, error = 0;

    if (created != NULL)
        *created = 0;
    if (path == NULL)
        return copa__digest_validate(digest) != 0 ? COPA_EINVALID : copa__error_oom();
    if (already_stored(path, digest))
        goto done;
    if ((error = temp_beside(&temp, &fd, path)) != 0)
        goto done;
    error = copy_in(fd, temp, digest, reader, data, length);
    /* Durable before it has its name: an index.json committed after this
     * rename must never name a blob a crash could leave empty. */
    if (error == 0 && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
        error = copa__error_set(COPA_ERROR, "%s: %s", temp, strerror(errno));
    if (close(fd) != 0 && error == 0)
        error = copa__error_set(COPA_ERROR, "%s: %s", temp, strerror(errno));
    if (error == 0 && rename(temp, path) != 0)
        error = copa__error_set(COPA_ERROR, "%s: %s", path, strerror(errno));
    if (error == 0 && created != NULL)
        *created = 1;
done:
    if (temp != NULL && error != 0)
        unlink(temp);
    free(temp);
    free(path);
    return error;
}

int copa__blob_store_reader(const char *root, const char *digest, copa__blob_reader *reader,
                            int *created)
{
    return store(root, digest, reader, NULL, 0, created);
}

int copa__blob_store_buffer(const char *root, const char *digest, const void *data, size_t length,
                            int *created)
{
    return store(root, digest, NULL, data, length, created);
}

int copa__tempdir_create(char **out)
{
    return copa__temp_dir(out, "image");
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void copa__remove_tree(const char *path)
{
    if (path != NULL)
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
