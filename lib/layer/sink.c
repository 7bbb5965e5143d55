/*
 * Compression and hashing for the layer writer.
 *
 * gzip is written by the parallel deterministic deflate of pgzip.c behind a
 * header we write ourselves: 1f 8b 08 00 00000000 00 ff (no name, mtime 0,
 * no extra flags, OS "unknown", as Go's compress/gzip writes it), so the
 * bytes depend on the input alone and not on the host OS code zlib would
 * put there, nor on the number of threads. zstd goes
 * through libarchive's "raw" writer with its zstd filter (libzstd
 * in-process, single-threaded, no timestamps in zstd frames).
 */
#include "layer/sink.h"
#include "layer/pgzip.h"
#include "util/error.h"
#include "util/threads.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct copa__layer_sink {
    copa__compression compression;
    int fd;
    int64_t size;
    copa__sha256 *digest, *diff;
    copa__pgzip *gzip;
    struct archive *zstd;
    int error;
};

static int write_out(void *payload, const void *data, size_t length)
{
    copa__layer_sink *s = payload;
    const unsigned char *p = data;

    if (copa__sha256_update(s->digest, data, length) != 0)
        return COPA_ERROR;
    s->size += (int64_t)length;
    while (length > 0) {
        ssize_t n = write(s->fd, p, length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return copa__error_set(COPA_ERROR, "cannot write layer: %s",
                                   n < 0 ? strerror(errno) : "short write");
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

static la_ssize_t zstd_out(struct archive *a, void *data, const void *buffer, size_t length)
{
    copa__layer_sink *s = data;

    (void)a;
    if (write_out(s, buffer, length) != 0) {
        s->error = COPA_ERROR;
        return -1;
    }
    return (la_ssize_t)length;
}

static int open_zstd(copa__layer_sink *s, int level)
{
    struct archive_entry *entry;
    char option[48];
    int rc;

    s->zstd = archive_write_new();
    if (s->zstd == NULL)
        return copa__error_oom();
    if (archive_write_add_filter_zstd(s->zstd) != ARCHIVE_OK)
        return copa__error_set(COPA_EUNSUPPORTED, "libarchive cannot compress zstd in-process");
    snprintf(option, sizeof(option), "zstd:compression-level=%d", level > 0 ? level : 3);
    archive_write_set_options(s->zstd, option);
    archive_write_set_format_raw(s->zstd);
    /* No record padding: the compressed stream ends where zstd ends it. */
    archive_write_set_bytes_per_block(s->zstd, 0);
    if (archive_write_open(s->zstd, s, NULL, zstd_out, NULL) != ARCHIVE_OK)
        return copa__error_set(COPA_ERROR, "zstd: %s", archive_error_string(s->zstd));
    entry = archive_entry_new();
    if (entry == NULL)
        return copa__error_oom();
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_pathname(entry, "layer.tar");
    rc = archive_write_header(s->zstd, entry);
    archive_entry_free(entry);
    if (rc != ARCHIVE_OK)
        return copa__error_set(COPA_ERROR, "zstd: %s", archive_error_string(s->zstd));
    return 0;
}

static int open_gzip(copa__layer_sink *s, int level, int threads)
{
    int error = copa__threads_count(&threads, threads);

    return error != 0 ? error : copa__pgzip_new(&s->gzip, level, threads, write_out, s);
}

int copa__layer_sink_new(copa__layer_sink **out, copa__compression compression, int level,
                         int threads, int fd)
{
    copa__layer_sink *s = calloc(1, sizeof(*s));
    int error;

    if (s == NULL)
        return copa__error_oom();
    s->compression = compression;
    s->fd = fd;
    if ((error = copa__sha256_new(&s->digest)) != 0 || (error = copa__sha256_new(&s->diff)) != 0)
        goto fail;
    if (compression == COPA__COMPRESSION_GZIP)
        error = open_gzip(s, level, threads);
    else if (compression == COPA__COMPRESSION_ZSTD)
        error = open_zstd(s, level);
    if (error != 0)
        goto fail;
    *out = s;
    return 0;
fail:
    copa__layer_sink_free(s);
    return error;
}

int copa__layer_sink_write(copa__layer_sink *s, const void *data, size_t length)
{
    if (copa__sha256_update(s->diff, data, length) != 0)
        return COPA_ERROR;
    switch (s->compression) {
    case COPA__COMPRESSION_GZIP:
        return copa__pgzip_write(s->gzip, data, length);
    case COPA__COMPRESSION_ZSTD:
        if (archive_write_data(s->zstd, data, length) != (la_ssize_t)length)
            return s->error != 0
                       ? s->error
                       : copa__error_set(COPA_ERROR, "zstd: %s", archive_error_string(s->zstd));
        return 0;
    default:
        return write_out(s, data, length);
    }
}

static int digest_string(copa__sha256 *ctx, char out[COPA_DIGEST_STRING_MAX])
{
    unsigned char raw[COPA_SHA256_LEN];

    if (copa__sha256_final(ctx, raw) != 0)
        return COPA_ERROR;
    copa__digest_format(out, raw);
    return 0;
}

int copa__layer_sink_finish(copa__layer_sink *s, copa__layer_result *result)
{
    int error = 0;

    if (s->compression == COPA__COMPRESSION_GZIP) {
        if ((error = copa__pgzip_finish(s->gzip)) != 0)
            return error;
    } else if (s->compression == COPA__COMPRESSION_ZSTD) {
        if (archive_write_close(s->zstd) != ARCHIVE_OK)
            return s->error != 0
                       ? s->error
                       : copa__error_set(COPA_ERROR, "zstd: %s", archive_error_string(s->zstd));
    }
    if ((error = digest_string(s->digest, result->digest)) != 0 ||
        (error = digest_string(s->diff, result->diff_id)) != 0)
        return error;
    result->size = s->size;
    result->media_type = copa__compression_media_type(s->compression);
    return 0;
}

void copa__layer_sink_free(copa__layer_sink *s)
{
    if (s == NULL)
        return;
    copa__pgzip_free(s->gzip);
    if (s->zstd != NULL)
        archive_write_free(s->zstd);
    copa__sha256_free(s->digest);
    copa__sha256_free(s->diff);
    free(s);
}
