/*
 * Reading one layer-index entry (entry_format.h). The whole file is checked
 * before the first entry is applied: its trailer, what it was recorded for,
 * and every entry's bounds, strings, type and path, so the replay never
 * meets a format error half way and nothing in it is taken on trust.
 */
#include "layercache/entry_format.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

typedef struct cursor {
    const unsigned char *data;
    size_t pos, end;
    int bad;
} cursor;

static const unsigned char *take(cursor *c, size_t length)
{
    const unsigned char *at;

    if (c->bad || length > c->end - c->pos) {
        c->bad = 1;
        return NULL;
    }
    at = c->data + c->pos;
    c->pos += length;
    return at;
}

static uint64_t get_le(cursor *c, size_t bytes)
{
    const unsigned char *b = take(c, bytes);
    uint64_t value = 0;
    size_t i;

    for (i = 0; b != NULL && i < bytes; i++)
        value |= (uint64_t)b[i] << (8 * i);
    return value;
}

/* Bytes of a "str": *out NULL for a NULL pointer; `text` requires no NUL inside. */
static void get_bytes(cursor *c, const void **out, size_t *length, int text)
{
    uint32_t n = (uint32_t)get_le(c, 4);
    const unsigned char *b;

    *out = NULL;
    *length = 0;
    if (c->bad || n == 0xffffffffu)
        return;
    if ((b = take(c, (size_t)n + 1)) == NULL)
        return;
    if (b[n] != '\0' || (text && memchr(b, '\0', n) != NULL)) {
        c->bad = 1;
        return;
    }
    *out = b;
    *length = n;
}

static const char *get_str(cursor *c)
{
    const void *p;
    size_t n;

    get_bytes(c, &p, &n, 1);
    return p;
}

static int same(const char *stored, const char *wanted)
{
    if (stored == NULL || wanted == NULL)
        return stored == wanted;
    return strcmp(stored, wanted) == 0;
}

/* A path as the layer reader delivers it: already normalised. */
static int normalised(const char *path)
{
    char *copy = strdup(path);
    int ok = copy != NULL && copa__layer_path_normalize(copy) == 0 && strcmp(copy, path) == 0;

    free(copy);
    return ok;
}

/*
 * What copa__layer_read guarantees of an entry (reader.c), and the view
 * relies on: a normalised path, only a directory (or an opaque marker)
 * naming the root (a file there left canonicalize() looping for ever, found
 * by fuzz_layer_index), a hardlink target normalised and not the root, a
 * size only for what was a regular file in the tar.
 */
static int what_the_reader_delivers(const copa__layer_entry *e)
{
    if (!normalised(e->path))
        return 0;
    if (e->path[0] == '\0' && e->type != COPA__ENTRY_DIR && e->type != COPA__ENTRY_OPAQUE)
        return 0;
    if (e->type == COPA__ENTRY_HARDLINK && (e->link[0] == '\0' || !normalised(e->link)))
        return 0;
    /* Whiteouts and opaque markers are regular files in the tar, sizes and all. */
    if (e->type == COPA__ENTRY_FILE || e->type == COPA__ENTRY_WHITEOUT ||
        e->type == COPA__ENTRY_OPAQUE)
        return e->size >= 0;
    return e->size == 0;
}

/* One entry (after its tag byte); 0 or -1 for a malformed one. */
static int parse_entry(cursor *c, copa__layer_entry *e, const void **content, size_t *length,
                       int *kept)
{
    const void *cap;

    e->type = (copa__entry_type)get_le(c, 1);
    e->mode = (unsigned int)get_le(c, 4);
    e->uid = (int64_t)get_le(c, 8);
    e->gid = (int64_t)get_le(c, 8);
    e->size = (int64_t)get_le(c, 8);
    e->mtime = (int64_t)get_le(c, 8);
    e->devmajor = (unsigned int)get_le(c, 4);
    e->devminor = (unsigned int)get_le(c, 4);
    e->path = get_str(c);
    e->link = get_str(c);
    e->uname = get_str(c);
    e->gname = get_str(c);
    get_bytes(c, &cap, &e->capability_length, 0);
    e->capability = cap;
    *kept = (int)get_le(c, 1);
    *content = NULL;
    *length = 0;
    if (*kept == 1) {
        uint64_t n = get_le(c, 8);
        if (!c->bad && (n != (uint64_t)e->size || (*content = take(c, (size_t)n)) == NULL))
            c->bad = 1;
        *length = (size_t)n;
    }
    if (c->bad || *kept > 1 || e->type < COPA__ENTRY_FILE || e->type > COPA__ENTRY_OPAQUE ||
        e->path == NULL || e->link == NULL || e->uname == NULL || e->gname == NULL ||
        e->mode > 07777 || (*kept && e->type != COPA__ENTRY_FILE))
        return -1;
    return what_the_reader_delivers(e) ? 0 : -1;
}

/* The descriptor the entry was verified against is the one asked for. */
static int recorded_for(cursor *c, const copa__layer_desc *desc)
{
    const char *digest = get_str(c);
    const char *media_type = get_str(c);
    uint64_t size = get_le(c, 8);
    const char *diff_id = get_str(c);

    return !c->bad && same(digest, desc->digest) && same(media_type, desc->media_type) &&
           size == (uint64_t)desc->size && same(diff_id, desc->diff_id);
}

static int invalid(const char *why)
{
    return copa__error_set(COPA_EINVALID, "layer index cache entry: %s", why);
}

int copa__lix_open(copa__lix_reader *r, const void *data, size_t length,
                   const copa__layer_desc *desc)
{
    unsigned char digest[COPA_SHA256_LEN];
    cursor c;
    const unsigned char *magic;

    memset(r, 0, sizeof(*r));
    if (length < COPA__LIX_MAGIC_LENGTH + 4 + COPA_SHA256_LEN)
        return invalid("truncated");
    if (copa__sha256_buffer(digest, data, length - COPA_SHA256_LEN) != 0)
        return COPA_ERROR;
    if (memcmp(digest, (const unsigned char *)data + length - COPA_SHA256_LEN, COPA_SHA256_LEN) !=
        0)
        return invalid("its SHA-256 does not match (damaged)");
    memset(&c, 0, sizeof(c));
    c.data = data;
    c.end = length - COPA_SHA256_LEN;
    magic = take(&c, COPA__LIX_MAGIC_LENGTH);
    if (memcmp(magic, COPA__LIX_MAGIC, COPA__LIX_MAGIC_LENGTH) != 0 ||
        get_le(&c, 4) != COPA__LIX_VERSION)
        return invalid("another format");
    if (!recorded_for(&c, desc))
        return invalid("recorded for another layer descriptor");
    r->data = data;
    r->pos = c.pos;
    /* Check every entry now, so that the replay cannot fail on the format. */
    for (;;) {
        copa__layer_entry e;
        const void *content;
        size_t n;
        int kept;
        unsigned int tag = (unsigned int)get_le(&c, 1);
        if (c.bad || tag > 1)
            return invalid("malformed");
        if (tag == 0)
            break;
        if (parse_entry(&c, &e, &content, &n, &kept) != 0)
            return invalid("malformed entry");
    }
    if (c.pos != c.end)
        return invalid("bytes after the last entry");
    r->length = length;
    r->end = c.end;
    return 0;
}

int copa__lix_next(void *payload, copa__layer_entry *entry, const void **content, size_t *length,
                   int *kept)
{
    copa__lix_reader *r = payload;
    cursor c;

    memset(&c, 0, sizeof(c));
    c.data = r->data;
    c.pos = r->pos;
    c.end = r->end;
    if (get_le(&c, 1) == 0) {
        r->pos = c.pos;
        return 0;
    }
    if (parse_entry(&c, entry, content, length, kept) != 0)
        return invalid("malformed entry"); /* checked by copa__lix_open: unreachable */
    r->pos = c.pos;
    return 1;
}
