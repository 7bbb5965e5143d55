/*
 * Fuzz the layer index cache's record parser and replay (lib/layercache).
 * The input is the entries section of a record: a valid header for a fixed
 * descriptor and the SHA-256 trailer are put around it, so that the parser,
 * not the checksum, decides. A record it accepts is replayed twice (two
 * layers, so whiteouts and opaque markers meet lower entries) and every
 * entry of the view is visited.
 */
#include <copa.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layercache/entry_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char digest[] =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";
static const char media_type[] = "application/vnd.oci.image.layer.v1.tar";

static size_t put_str(unsigned char *out, const char *text)
{
    uint32_t n = (uint32_t)strlen(text);
    size_t i;

    for (i = 0; i < 4; i++)
        out[i] = (unsigned char)(n >> (8 * i));
    memcpy(out + 4, text, n + 1);
    return 4 + n + 1;
}

static int visit(void *payload, const char *path, const copa__rootfs_stat *st)
{
    const void *content;
    size_t length;

    if (st->kept && st->type == COPA__ENTRY_FILE)
        (void)copa__rootfs_read(&content, &length, payload, path);
    return 0;
}

static int replay(copa__rootfs *fs, const unsigned char *record, size_t length,
                  const copa__layer_desc *desc)
{
    copa__lix_reader r;
    int needs;

    if (copa__lix_open(&r, record, length, desc) != 0)
        return -1;
    return copa__rootfs_replay_layer(fs, desc->digest, copa__lix_next, &r, &needs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__layer_desc desc = {media_type, digest, 1, NULL};
    unsigned char *record = malloc(size + 256);
    copa__rootfs *fs;
    size_t n = 0;

    if (record == NULL)
        return 0;
    memcpy(record, COPA__LIX_MAGIC, COPA__LIX_MAGIC_LENGTH);
    n = COPA__LIX_MAGIC_LENGTH;
    record[n++] = COPA__LIX_VERSION;
    record[n++] = 0;
    record[n++] = 0;
    record[n++] = 0;
    n += put_str(record + n, digest);
    n += put_str(record + n, media_type);
    record[n++] = 1; /* size 1, little endian */
    memset(record + n, 0, 7);
    n += 7;
    memset(record + n, 0xff, 4); /* diff_id: NULL */
    n += 4;
    memcpy(record + n, data, size);
    n += size;
    copa__sha256_buffer(record + n, record, n);
    n += COPA_SHA256_LEN;
    if (copa__rootfs_new(&fs, NULL) == 0) {
        if (replay(fs, record, n, &desc) == 0 && replay(fs, record, n, &desc) == 0)
            (void)copa__rootfs_walk(fs, visit, fs);
        copa__rootfs_free(fs);
    }
    free(record);
    copa_error_clear();
    return 0;
}
