/*
 * Fuzz layer reading: tar parsing (plain, or gzip/zstd chosen by the magic
 * bytes), whiteout and opaque handling, hardlinks and symlinks through the
 * merged rootfs view, then every lookup the view offers on what it built.
 * The same bytes are applied twice as two layers, so whiteouts and opaque
 * markers act on real lower entries.
 */
#include <copa.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layer/rootfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct memory {
    const uint8_t *data;
    size_t size, pos;
} memory;

static ssize_t read_memory(void *payload, void *buf, size_t length)
{
    memory *m = payload;
    size_t n = m->size - m->pos;

    if (n > length)
        n = length;
    if (n > 4096)
        n = 4096; /* exercise refills */
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static int visit(void *payload, const char *path, const copa__rootfs_stat *st)
{
    const copa__rootfs *fs = payload;
    copa__rootfs_stat followed;
    const void *content;
    size_t length;
    char *real = NULL;

    if (copa__rootfs_stat_path(&followed, fs, path, 1) == 0 && followed.type == COPA__ENTRY_DIR) {
        const char **names = NULL;
        size_t count;
        if (copa__rootfs_list(&names, &count, fs, path) == 0)
            free(names);
    }
    if (copa__rootfs_realpath(&real, fs, path) == 0)
        free(real);
    if (st->type == COPA__ENTRY_FILE && copa__rootfs_read(&content, &length, fs, path) == 0 &&
        length != (size_t)st->size)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const prefixes[] = {"/"};
    const char *media_type = "application/vnd.oci.image.layer.v1.tar";
    copa__rootfs_options options;
    copa__rootfs *fs;
    int i;

    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
    else if (size >= 4 && memcmp(data, "\x28\xb5\x2f\xfd", 4) == 0)
        media_type = "application/vnd.oci.image.layer.v1.tar+zstd";
    copa__rootfs_options_init(&options);
    options.keep_max_size = 4096;
    options.keep_prefixes = prefixes;
    options.keep_prefix_count = 1;
    if (copa__rootfs_new(&fs, &options) != 0)
        return 0;
    for (i = 0; i < 2; i++) {
        copa__layer_desc desc = {media_type, NULL, -1, NULL};
        memory m = {data, size, 0};
        copa__layer_source source = {-1, read_memory, &m};
        if (copa__rootfs_add_layer(fs, &desc, &source) != 0)
            break;
    }
    if (i == 2)
        copa__rootfs_walk(fs, visit, fs);
    copa__rootfs_free(fs);
    return 0;
}
