/*
 * One-pass layer reading: a decompression stage chained to a libarchive tar
 * reader:
 *
 *   source ──(hash digest, count size)──► [outer: gunzip (ISA-L) | zstd]
 *          ──(hash diff_id)──► [inner: libarchive tar format] ──► entries
 *
 * gzip goes through our ISA-L stage (layer/gunzip.c): it inflates about
 * three times faster than zlib, which libarchive's gzip filter uses, and
 * reading the base layer is most of `copa patch`'s read stage. zstd goes
 * through a second libarchive reader (zstd filter + "raw" format), so we
 * don't link libzstd ourselves. Either way we hash exactly the tar the
 * inner reader parses, without decompressing twice. For uncompressed layers
 * the outer stage is skipped and both digests are taken over the same bytes.
 *
 * The tar reader stops at the end-of-archive blocks; whatever follows (zero
 * padding up to the record size) is still part of the blob, so after it
 * stops we drain both stages to their ends so the digests cover every byte.
 */
#include "layer/reader.h"
#include "layer/gunzip.h"
#include "util/bytes_locale.h"
#include "util/error.h"
#include "util/archive_xattr.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { CHUNK = 64 * 1024 };

struct copa__layer_reader {
    const copa__layer_desc *desc;
    copa__layer_source source;
    copa__compression compression;
    copa__sha256 *digest, *diff;
    int64_t size;
    int error;        /* our code when a callback failed, else 0 */
    size_t head_fill; /* bytes of `head` not yet handed to libarchive */
    int head_pending; /* `head` holds the first chunk, already hashed */
    int source_eof;
    int callback_failed; /* the caller's callback stopped the read */
    struct archive *outer, *inner;
    copa__gunzip *gunzip;
    char *gunzip_name; /* "layer <name>" for the gunzip stage's messages */
    unsigned char head[CHUNK];
    unsigned char plain[CHUNK];
    char *path_copy, *link_copy;
};

const char *copa__layer_reader_name(const copa__layer_reader *reader)
{
    return reader->desc->digest != NULL ? reader->desc->digest : "(unnamed)";
}

/* Raw bytes from the caller's source, hashed and counted. */
static ssize_t source_pull(copa__layer_reader *r, void *buf, size_t length)
{
    ssize_t n;

    if (r->source_eof)
        return 0;
    if (r->source.read != NULL) {
        n = r->source.read(r->source.payload, buf, length);
    } else {
        do
            n = read(r->source.fd, buf, length);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            n = copa__error_set(COPA_ERROR, "layer %s: read failed: %s", copa__layer_reader_name(r),
                                strerror(errno));
    }
    if (n < 0) {
        r->error = (int)n;
        return n;
    }
    if (n == 0) {
        r->source_eof = 1;
        return 0;
    }
    r->size += n;
    if (copa__sha256_update(r->digest, buf, (size_t)n) != 0) {
        r->error = COPA_ERROR;
        return COPA_ERROR;
    }
    return n;
}

/* The source's next chunk (the first one was peeked), in r->head. */
static ssize_t source_next(void *payload, const unsigned char **buffer)
{
    copa__layer_reader *r = payload;

    *buffer = r->head;
    if (r->head_pending) {
        r->head_pending = 0;
        return (ssize_t)r->head_fill;
    }
    return source_pull(r, r->head, CHUNK);
}

/* libarchive read callback over the source. */
static la_ssize_t source_callback(struct archive *a, void *data, const void **buffer)
{
    const unsigned char *chunk;
    ssize_t n = source_next(data, &chunk);

    if (n < 0) {
        archive_set_error(a, EIO, "%s", copa_error_last());
        return -1;
    }
    *buffer = chunk;
    return n;
}

/* The uncompressed tar: from the outer reader (or the source), hashed. */
static ssize_t plain_pull(copa__layer_reader *r, const void **buffer)
{
    ssize_t n;

    if (r->gunzip != NULL) {
        n = copa__gunzip_read(r->gunzip, r->plain, CHUNK);
        if (n < 0) {
            if (r->error == 0)
                r->error = (int)n; /* the message is set */
            return -1;
        }
        *buffer = r->plain;
    } else if (r->outer != NULL) {
        n = archive_read_data(r->outer, r->plain, CHUNK);
        if (n < 0) {
            if (r->error == 0)
                r->error =
                    copa__error_set(COPA_EINVALID, "layer %s: cannot decompress: %s",
                                    copa__layer_reader_name(r), archive_error_string(r->outer));
            return -1;
        }
        *buffer = r->plain;
    } else {
        n = source_callback(r->inner, r, buffer);
        if (n < 0)
            return -1;
    }
    if (n > 0 && copa__sha256_update(r->diff, *buffer, (size_t)n) != 0) {
        r->error = COPA_ERROR;
        return -1;
    }
    return n;
}

static la_ssize_t plain_callback(struct archive *a, void *data, const void **buffer)
{
    copa__layer_reader *r = data;
    ssize_t n = plain_pull(r, buffer);

    if (n < 0)
        archive_set_error(a, EIO, "%s", copa_error_last());
    return n;
}

/* Peek the first bytes so the magic can be checked before libarchive sees them. */
static int peek_head(copa__layer_reader *r)
{
    ssize_t n;

    r->head_fill = 0;
    while (r->head_fill < 512) {
        n = source_pull(r, r->head + r->head_fill, CHUNK - r->head_fill);
        if (n < 0)
            return (int)n;
        if (n == 0)
            break;
        r->head_fill += (size_t)n;
    }
    r->head_pending = 1;
    return copa__compression_check_magic(r->compression, r->head, r->head_fill,
                                         copa__layer_reader_name(r));
}

static int archive_failure(copa__layer_reader *r, struct archive *a, const char *what)
{
    if (r->error != 0)
        return r->error;
    return copa__error_set(COPA_EINVALID, "layer %s: %s: %s", copa__layer_reader_name(r), what,
                           archive_error_string(a) != NULL ? archive_error_string(a)
                                                           : "unknown error");
}

static int open_gunzip(copa__layer_reader *r)
{
    const char *name = copa__layer_reader_name(r);
    size_t length = strlen(name) + sizeof("layer ");

    r->gunzip_name = malloc(length);
    if (r->gunzip_name == NULL)
        return copa__error_oom();
    snprintf(r->gunzip_name, length, "layer %s", name);
    return copa__gunzip_new(&r->gunzip, source_next, r, r->gunzip_name);
}

static int open_outer(copa__layer_reader *r)
{
    struct archive_entry *entry;
    int rc;

    if (r->compression == COPA__COMPRESSION_GZIP)
        return open_gunzip(r);
    r->outer = archive_read_new();
    if (r->outer == NULL)
        return copa__error_oom();
    rc = archive_read_support_filter_zstd(r->outer);
    /* ARCHIVE_WARN would mean "through an external program": not for us. */
    if (rc != ARCHIVE_OK)
        return copa__error_set(COPA_EUNSUPPORTED, "libarchive cannot decompress %s in-process",
                               copa__compression_name(r->compression));
    archive_read_support_format_raw(r->outer);
    if (archive_read_open(r->outer, r, NULL, source_callback, NULL) != ARCHIVE_OK)
        return archive_failure(r, r->outer, "cannot open");
    if (archive_read_next_header(r->outer, &entry) != ARCHIVE_OK)
        return archive_failure(r, r->outer, "cannot decompress");
    if (archive_filter_count(r->outer) < 2)
        return copa__error_set(COPA_EINVALID, "layer %s: data is not %s",
                               copa__layer_reader_name(r), copa__compression_name(r->compression));
    return 0;
}

static int reject_path(copa__layer_reader *r, const char *what, const char *path)
{
    return copa__error_set(COPA_EINVALID, "layer %s: %s '%s' escapes the root",
                           copa__layer_reader_name(r), what, path);
}

static int replace_copy(char **slot, const char *text)
{
    free(*slot);
    *slot = strdup(text);
    return *slot == NULL ? copa__error_oom() : 0;
}

/* Turn `.wh.NAME` and `.wh..wh..opq` into whiteout/opaque entries. 1 = skip. */
static int classify_whiteout(copa__layer_reader *r, copa__layer_entry *e)
{
    char *path = r->path_copy;
    char *base = strrchr(path, '/');
    char *name = base != NULL ? base + 1 : path;

    if (strncmp(name, ".wh.", 4) != 0)
        return 0;
    if (strcmp(name, ".wh..wh..opq") == 0) {
        e->type = COPA__ENTRY_OPAQUE;
        *(base != NULL ? base : path) = '\0';
        return 0;
    }
    if (strncmp(name, ".wh..wh.", 8) == 0)
        return 1; /* other AUFS bookkeeping (.wh..wh.plnk ...): not content */
    if (name[4] == '\0' || strcmp(name + 4, ".") == 0 || strcmp(name + 4, "..") == 0)
        return copa__error_set(COPA_EINVALID, "layer %s: invalid whiteout '%s'",
                               copa__layer_reader_name(r), path);
    memmove(name, name + 4, strlen(name + 4) + 1);
    e->type = COPA__ENTRY_WHITEOUT;
    return 0;
}

static int set_type(copa__layer_reader *r, copa__layer_entry *e, struct archive_entry *ae)
{
    const char *hardlink = archive_entry_hardlink(ae);
    int error;

    if (hardlink != NULL) {
        if ((error = replace_copy(&r->link_copy, hardlink)) != 0)
            return error;
        if (copa__layer_path_normalize(r->link_copy) != 0 || r->link_copy[0] == '\0')
            return reject_path(r, "hardlink target", hardlink);
        e->type = COPA__ENTRY_HARDLINK;
        e->link = r->link_copy;
        return 0;
    }
    switch (archive_entry_filetype(ae)) {
    case AE_IFREG:
        e->type = COPA__ENTRY_FILE;
        e->size = archive_entry_size(ae);
        return 0;
    case AE_IFDIR:
        e->type = COPA__ENTRY_DIR;
        return 0;
    case AE_IFLNK:
        e->type = COPA__ENTRY_SYMLINK;
        e->link = archive_entry_symlink(ae) != NULL ? archive_entry_symlink(ae) : "";
        return 0;
    case AE_IFCHR:
        e->type = COPA__ENTRY_CHAR;
        return 0;
    case AE_IFBLK:
        e->type = COPA__ENTRY_BLOCK;
        return 0;
    case AE_IFIFO:
        e->type = COPA__ENTRY_FIFO;
        return 0;
    default:
        return 1; /* sockets and unknown types are not part of a rootfs */
    }
}

/* Fill `e` from libarchive's entry. 0, 1 to skip, or an error. */
static int convert_entry(copa__layer_reader *r, copa__layer_entry *e, struct archive_entry *ae)
{
    const char *path = archive_entry_pathname(ae);
    int error;

    memset(e, 0, sizeof(*e));
    if (path == NULL)
        return copa__error_set(COPA_EINVALID, "layer %s: entry without a path",
                               copa__layer_reader_name(r));
    if ((error = replace_copy(&r->path_copy, path)) != 0)
        return error;
    if (copa__layer_path_normalize(r->path_copy) != 0)
        return reject_path(r, "path", path);
    e->path = r->path_copy;
    e->mode = (unsigned int)archive_entry_perm(ae) & 07777;
    e->uid = archive_entry_uid(ae);
    e->gid = archive_entry_gid(ae);
    e->uname = archive_entry_uname(ae) != NULL ? archive_entry_uname(ae) : "";
    e->gname = archive_entry_gname(ae) != NULL ? archive_entry_gname(ae) : "";
    e->mtime = archive_entry_mtime(ae);
    e->link = "";
    e->devmajor = (unsigned int)archive_entry_rdevmajor(ae);
    e->devminor = (unsigned int)archive_entry_rdevminor(ae);
    copa__archive_capability(ae, &e->capability, &e->capability_length);
    if ((error = set_type(r, e, ae)) != 0)
        return error;
    if (e->type == COPA__ENTRY_FILE && (error = classify_whiteout(r, e)) != 0)
        return error;
    if (e->path[0] == '\0' && e->type != COPA__ENTRY_DIR && e->type != COPA__ENTRY_OPAQUE)
        return copa__error_set(COPA_EINVALID, "layer %s: a non-directory entry names the root",
                               copa__layer_reader_name(r));
    return 0;
}

static int read_entries_raw(copa__layer_reader *r, copa__layer_entry_fn fn, void *payload)
{
    struct archive_entry *ae;
    copa__layer_entry entry;
    int rc, error;

    r->inner = archive_read_new();
    if (r->inner == NULL)
        return copa__error_oom();
    archive_read_support_format_tar(r->inner);
    archive_read_support_format_empty(r->inner);
    if (archive_read_open(r->inner, r, NULL, plain_callback, NULL) != ARCHIVE_OK)
        return archive_failure(r, r->inner, "not a tar archive");
    while ((rc = archive_read_next_header(r->inner, &ae)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
        error = convert_entry(r, &entry, ae);
        if (error == 1)
            continue;
        if (error != 0)
            return error;
        if ((error = fn(payload, &entry, r)) != 0) {
            r->callback_failed = 1;
            return error;
        }
    }
    if (rc != ARCHIVE_EOF)
        return archive_failure(r, r->inner, "bad tar");
    return 0;
}

/* Names as the layer's bytes, whatever the application's locale. */
static int read_entries(copa__layer_reader *r, copa__layer_entry_fn fn, void *payload)
{
    locale_t previous = copa__bytes_locale_enter();
    int rc = read_entries_raw(r, fn, payload);

    copa__bytes_locale_leave(previous);
    return rc;
}

ssize_t copa__layer_reader_data(copa__layer_reader *reader, void *buf, size_t length)
{
    la_ssize_t n = archive_read_data(reader->inner, buf, length);

    if (n < 0)
        return archive_failure(reader, reader->inner, "cannot read entry data");
    return n;
}

static int drain_source(copa__layer_reader *r)
{
    ssize_t n;

    while ((n = source_pull(r, r->head, CHUNK)) > 0)
        ;
    return n < 0 ? (int)n : 0;
}

/* Hash what the tar reader left unread, then what the decompressor left. */
static int drain(copa__layer_reader *r)
{
    const void *buffer;
    ssize_t n;

    while ((n = plain_pull(r, &buffer)) > 0)
        ;
    if (n < 0)
        return r->error != 0 ? r->error : COPA_EINVALID;
    return drain_source(r);
}

static int compare(copa__layer_reader *r, copa__sha256 *ctx, const char *expected, const char *what)
{
    unsigned char raw[COPA_SHA256_LEN];
    char got[COPA_DIGEST_STRING_MAX];

    if (copa__sha256_final(ctx, raw) != 0)
        return COPA_ERROR;
    copa__digest_format(got, raw);
    if (expected != NULL && strcmp(expected, got) != 0)
        return copa__error_set(COPA_EVERIFY, "layer %s: %s mismatch: expected %s, got %s",
                               copa__layer_reader_name(r), what, expected, got);
    return 0;
}

static int verify(copa__layer_reader *r)
{
    int error;

    if (r->desc->size >= 0 && r->desc->size != r->size)
        return copa__error_set(
            COPA_EVERIFY, "layer %s: size mismatch: expected %lld bytes, got %lld",
            copa__layer_reader_name(r), (long long)r->desc->size, (long long)r->size);
    if ((error = compare(r, r->digest, r->desc->digest, "digest")) != 0)
        return error;
    return compare(r, r->diff, r->desc->diff_id, "diff_id");
}

static int read_layer(copa__layer_reader *r, copa__layer_entry_fn fn, void *payload)
{
    int error;

    if ((error = copa__media_type_compression(&r->compression, r->desc->media_type)) != 0 ||
        (error = copa__sha256_new(&r->digest)) != 0 || (error = copa__sha256_new(&r->diff)) != 0 ||
        (error = peek_head(r)) != 0)
        return error;
    if (r->compression != COPA__COMPRESSION_NONE)
        error = open_outer(r);
    if (error == 0)
        error = read_entries(r, fn, payload);
    if (error == COPA_EINVALID && !r->callback_failed) {
        /* A corrupt blob is better reported as such: check its digest. */
        if (drain_source(r) == 0 && r->desc->digest != NULL &&
            compare(r, r->digest, r->desc->digest, "digest") == COPA_EVERIFY)
            return COPA_EVERIFY;
        return error;
    }
    if (error != 0 || (error = drain(r)) != 0)
        return error;
    return verify(r);
}

int copa__layer_read(const copa__layer_desc *desc, const copa__layer_source *source,
                     copa__layer_entry_fn fn, void *payload)
{
    copa__layer_reader *r = calloc(1, sizeof(*r));
    int error;

    if (r == NULL)
        return copa__error_oom();
    r->desc = desc;
    r->source = *source;
    error = read_layer(r, fn, payload);
    if (r->inner != NULL)
        archive_read_free(r->inner);
    if (r->outer != NULL)
        archive_read_free(r->outer);
    copa__gunzip_free(r->gunzip);
    free(r->gunzip_name);
    copa__sha256_free(r->digest);
    copa__sha256_free(r->diff);
    free(r->path_copy);
    free(r->link_copy);
    free(r);
    return error;
}
