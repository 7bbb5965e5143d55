/*
 * Writing one layer-index entry as the layer streams by (entry_format.h).
 * Nothing is buffered beyond one entry's header: the kept contents already
 * live in the rootfs view, so recording adds no copy of them to memory.
 */
#include "layercache/entry_format.h"
#include "util/buffer.h"
#include "util/error.h"

#include <string.h>

static int put(copa__lix_writer *w, const void *data, size_t length)
{
    if (w->failed)
        return -1;
    if (length > w->limit - w->written || fwrite(data, 1, length, w->fp) != length ||
        copa__sha256_update(w->sha, data, length) != 0) {
        w->failed = 1;
        return -1;
    }
    w->written += length;
    return 0;
}

static void le(unsigned char *out, uint64_t value, size_t bytes)
{
    size_t i;

    for (i = 0; i < bytes; i++)
        out[i] = (unsigned char)(value >> (8 * i));
}

static int put_u8(copa__lix_writer *w, unsigned int value)
{
    unsigned char b = (unsigned char)value;
    return put(w, &b, 1);
}

static int put_u32(copa__lix_writer *w, uint32_t value)
{
    unsigned char b[4];
    le(b, value, 4);
    return put(w, b, 4);
}

static int put_u64(copa__lix_writer *w, uint64_t value)
{
    unsigned char b[8];
    le(b, value, 8);
    return put(w, b, 8);
}

static int put_bytes(copa__lix_writer *w, const void *data, size_t length)
{
    static const unsigned char nul = 0;

    if (data == NULL)
        return put_u32(w, 0xffffffffu);
    if (length >= 0xffffffffu) {
        w->failed = 1;
        return -1;
    }
    if (put_u32(w, (uint32_t)length) != 0 || put(w, data, length) != 0)
        return -1;
    return put(w, &nul, 1);
}

static int put_str(copa__lix_writer *w, const char *text)
{
    return put_bytes(w, text, text != NULL ? strlen(text) : 0);
}

int copa__lix_writer_begin(copa__lix_writer *w, FILE *fp, size_t limit,
                           const copa__layer_desc *desc)
{
    int error;

    memset(w, 0, sizeof(*w));
    w->fp = fp;
    w->limit = limit;
    if ((error = copa__sha256_new(&w->sha)) != 0)
        return error;
    put(w, COPA__LIX_MAGIC, COPA__LIX_MAGIC_LENGTH);
    put_u32(w, COPA__LIX_VERSION);
    put_str(w, desc->digest);
    put_str(w, desc->media_type);
    put_u64(w, (uint64_t)desc->size);
    put_str(w, desc->diff_id);
    return 0;
}

int copa__lix_writer_record(void *payload, const copa__layer_entry *e, const void *content,
                            size_t length, int kept)
{
    copa__lix_writer *w = payload;

    put_u8(w, 1);
    put_u8(w, (unsigned int)e->type);
    put_u32(w, e->mode);
    put_u64(w, (uint64_t)e->uid);
    put_u64(w, (uint64_t)e->gid);
    put_u64(w, (uint64_t)e->size);
    put_u64(w, (uint64_t)e->mtime);
    put_u32(w, e->devmajor);
    put_u32(w, e->devminor);
    put_str(w, e->path);
    put_str(w, e->link);
    put_str(w, e->uname);
    put_str(w, e->gname);
    put_bytes(w, e->capability, e->capability_length);
    put_u8(w, kept ? 1 : 0);
    if (kept) {
        put_u64(w, length);
        if (length > 0)
            put(w, content, length);
    }
    return 0; /* the read goes on whatever happens to the record */
}

int copa__lix_writer_finish(copa__lix_writer *w)
{
    unsigned char digest[COPA_SHA256_LEN];

    if (put_u8(w, 0) != 0 || copa__sha256_final(w->sha, digest) != 0)
        return -1;
    copa__sha256_free(w->sha);
    w->sha = NULL;
    /* The trailer is not part of what it hashes. */
    if (fwrite(digest, 1, sizeof(digest), w->fp) != sizeof(digest) || fflush(w->fp) != 0)
        return -1;
    return 0;
}

void copa__lix_writer_free(copa__lix_writer *w)
{
    copa__sha256_free(w->sha);
    w->sha = NULL;
}
