/*
 * Verified loading of a (compressed) Packages index: size and SHA-256 of
 * the bytes as published, then libarchive's raw format decompresses while
 * the deb822 reader consumes complete stanzas, so the whole uncompressed
 * index is never held in memory at once.
 */
#include "repo/deb822.h"
#include "repo/packages.h"
#include "util/digest.h"
#include "util/error.h"

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK ((size_t)256 * 1024)
/* No real stanza comes near this; a larger one is hostile input. */
#define MAX_STANZA ((size_t)64 * 1024 * 1024)

static int verify(const char *name, const void *data, size_t len, const char *sha256_hex,
                  uint64_t size)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    size_t i;

    if (size != UINT64_MAX && (uint64_t)len != size)
        return copa__error_set(COPA_EVERIFY, "%s: size %zu does not match the expected %llu", name,
                               len, (unsigned long long)size);
    if (sha256_hex == NULL)
        return 0;
    if (strlen(sha256_hex) != 64)
        return copa__error_set(COPA_EINVALID, "%s: expected SHA-256 '%s' is not 64 hex digits",
                               name, sha256_hex);
    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return copa__error_set(COPA_ERROR, "%s: SHA-256 computation failed", name);
    for (i = 0; i < 32; i++) {
        int hi = copa__hex_value(sha256_hex[2 * i]), lo = copa__hex_value(sha256_hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return copa__error_set(COPA_EINVALID, "%s: expected SHA-256 '%s' is not 64 hex digits",
                                   name, sha256_hex);
        if (md[i] != (unsigned char)(hi << 4 | lo))
            return copa__error_set(COPA_EVERIFY, "%s: SHA-256 does not match the expected %s", name,
                                   sha256_hex);
    }
    return 0;
}

typedef struct stream {
    char *buf;
    size_t used;
    size_t cap;
} stream;

static int make_room(stream *s, const char *name)
{
    char *grown;
    size_t cap;
    if (s->cap - s->used >= CHUNK)
        return 0;
    cap = s->cap ? s->cap * 2 : 4 * CHUNK;
    if (cap > MAX_STANZA + 2 * CHUNK)
        return copa__error_set(COPA_EINVALID, "%s: a stanza larger than %zu bytes", name,
                               MAX_STANZA);
    if ((grown = realloc(s->buf, cap)) == NULL)
        return copa__error_oom();
    s->buf = grown;
    s->cap = cap;
    return 0;
}

/* Parse every complete stanza in the buffer and keep the unfinished tail. */
static int drain(copa__apt_packages *idx, const char *name, copa__deb822_parser *p, stream *s,
                 int final)
{
    copa__deb822_stanza st;
    size_t consumed;
    int rc;

    copa__deb822_feed(p, s->buf, s->used, final);
    while ((rc = copa__deb822_next(p, &st)) == 1)
        if ((rc = copa__apt_packages_add_stanza(idx, name, &st)) < 0)
            return rc;
    if (rc < 0)
        return rc;
    consumed = copa__deb822_consumed(p);
    memmove(s->buf, s->buf + consumed, s->used - consumed);
    s->used -= consumed;
    /* Tell the parser its buffer moved: nothing of it is consumed now. */
    copa__deb822_feed(p, s->buf, s->used, final);
    return 0;
}

static int archive_fail(struct archive *a, const char *name)
{
    const char *msg = archive_error_string(a);
    return copa__error_set(COPA_EINVALID, "%s: cannot decompress: %s", name,
                           msg != NULL ? msg : "unknown error");
}

static int decompress_and_parse(copa__apt_packages *idx, const char *name, struct archive *a)
{
    copa__deb822_parser p;
    stream s = {NULL, 0, 0};
    uint64_t total = 0;
    int rc = 0;

    copa__deb822_init(&p, name, 0);
    for (;;) {
        la_ssize_t n;
        if ((rc = make_room(&s, name)) < 0)
            break;
        n = archive_read_data(a, s.buf + s.used, s.cap - s.used);
        if (n < 0) {
            rc = archive_fail(a, name);
            break;
        }
        s.used += (size_t)n;
        if ((total += (uint64_t)n) > idx->max_uncompressed) {
            rc = copa__error_set(COPA_EINVALID, "%s: decompresses to more than %llu bytes", name,
                                 (unsigned long long)idx->max_uncompressed);
            break;
        }
        if ((rc = drain(idx, name, &p, &s, n == 0)) < 0 || n == 0)
            break;
    }
    copa__deb822_free(&p);
    free(s.buf);
    return rc;
}

/*
 * A reader that undoes any compression libarchive knows and yields the
 * bytes. The raw format needs at least one byte, so an empty index that is
 * compressed (Debian publishes `xz </dev/null`, 32 bytes, for components
 * without packages) is the "empty" format: no entry, an empty index.
 */
static struct archive *raw_reader(void)
{
    struct archive *a = archive_read_new();
    if (a != NULL) {
        archive_read_support_filter_all(a);
        archive_read_support_format_raw(a);
        archive_read_support_format_empty(a);
    }
    return a;
}

/* The one entry of a raw-format reader, decompressed while parsed. */
static int parse_archive(copa__apt_packages *idx, const char *name, struct archive *a)
{
    struct archive_entry *entry;
    int rc = archive_read_next_header(a, &entry);

    if (rc == ARCHIVE_EOF)
        return 0;
    if (rc != ARCHIVE_OK)
        return archive_fail(a, name);
    return decompress_and_parse(idx, name, a);
}

/* Whether the bytes start like a compressed stream libarchive can undo. */
static int looks_compressed(const unsigned char *d, size_t len)
{
    static const struct {
        const char *magic;
        size_t len;
    } magics[] = {
        {"\xfd"
         "7zXZ",
         5},                     /* xz */
        {"\x1f\x8b", 2},         /* gzip */
        {"BZh", 3},              /* bzip2 */
        {"\x04\x22\x4d\x18", 4}, /* lz4 frame */
        {"\x28\xb5\x2f\xfd", 4}, /* zstd */
        {"\x5d\x00\x00", 3},     /* lzma alone */
    };
    size_t i;
    for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
        if (len >= magics[i].len && memcmp(d, magics[i].magic, magics[i].len) == 0)
            return 1;
    return 0;
}

int copa__apt_packages_load(copa__apt_packages *idx, const char *name, const void *data, size_t len,
                            const char *sha256_hex, uint64_t size)
{
    struct archive *a;
    int rc;

    if ((rc = verify(name, data, len, sha256_hex, size)) < 0)
        return rc;
    if (len == 0)
        return copa__apt_packages_reindex(idx);
    if (!looks_compressed(data, len)) /* parse in place, no copy */
        return copa__apt_packages_parse(idx, name, data, len);
    if ((a = raw_reader()) == NULL)
        return copa__error_oom();
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK)
        rc = archive_fail(a, name);
    else
        rc = parse_archive(idx, name, a);
    archive_read_free(a);
    if (rc < 0)
        return rc;
    return copa__apt_packages_reindex(idx);
}

/*
 * From a file: opened once, checked, then streamed through libarchive from
 * the same descriptor, so the bytes parsed are the bytes checked (read, not
 * mapped: a 50 MB uncompressed index would otherwise count fully in
 * resident memory).
 */
int copa__apt_packages_load_file(copa__apt_packages *idx, const char *path, const char *sha256_hex,
                                 uint64_t size)
{
    struct archive *a = NULL;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

    if (fd < 0)
        return copa__error_set(errno == ENOENT ? COPA_ENOTFOUND : COPA_ERROR, "%s: %s", path,
                               strerror(errno));
    if (sha256_hex != NULL && strlen(sha256_hex) != 64)
        rc = copa__error_set(COPA_EINVALID, "%s: expected SHA-256 '%s' is not 64 hex digits", path,
                             sha256_hex);
    else if ((rc = copa__sha256_fd_verify(fd, path, size, sha256_hex)) == 0 && fstat(fd, &st) != 0)
        rc = copa__error_set(COPA_ERROR, "%s: %s", path, strerror(errno));
    if (rc == 0 && st.st_size > 0 && (a = raw_reader()) == NULL)
        rc = copa__error_oom();
    if (a != NULL) {
        if (archive_read_open_fd(a, fd, CHUNK) != ARCHIVE_OK)
            rc = archive_fail(a, path);
        else
            rc = parse_archive(idx, path, a);
        archive_read_free(a);
    }
    close(fd);
    return rc < 0 ? rc : copa__apt_packages_reindex(idx);
}
