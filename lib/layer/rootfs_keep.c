/*
 * Which file contents the rootfs view keeps.
 *
 * Prefix matching: a file is kept when its canonical path in the view (its
 * parents resolved through symlinks, as extraction does) is under a prefix
 * as written, or under the prefix resolved through the view's symlinks.
 * The resolved forms are recomputed lazily whenever a symlink is added or
 * an entry removed, so on a merged-/usr image "/lib/apk/db" also matches
 * "/usr/lib/apk/db/installed" once "lib -> usr/lib" is known. Limitation:
 * the symlink has to come before the file (a lower layer, or earlier in the
 * same tar), since contents are only available while the tar streams by.
 */
#include "layer/rootfs_internal.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* Resolve the longest existing head of `prefix`; append the rest literally. */
static char *canonicalize(const copa__rootfs *fs, const char *prefix)
{
    size_t length = strlen(prefix), cut = length;
    copa__buf head = COPA__BUF_INIT, out = COPA__BUF_INIT;
    char *result = NULL;

    for (;;) {
        uint32_t id;
        int links = 0;
        copa__buf_clear(&head);
        if (copa__buf_append(&head, prefix, cut) != 0)
            break;
        if (copa__rfs_resolve(fs, &id, RFS_ROOT, head.data != NULL ? head.data : "/", 1, &links) ==
                0 &&
            fs->nodes[id].type == COPA__ENTRY_DIR) {
            char *path = copa__rfs_path(fs, id);
            if (path != NULL &&
                copa__buf_append_str(&out, strcmp(path, "/") == 0 ? "" : path) == 0 &&
                copa__buf_append_str(&out, prefix + cut) == 0)
                result = copa__buf_detach(&out);
            free(path);
            break;
        }
        if (cut == 0)
            break; /* not even the root is a directory: no canonical form */
        while (cut > 0 && prefix[cut - 1] != '/')
            cut--;
        if (cut > 0)
            cut--;
    }
    copa__buf_free(&head);
    copa__buf_free(&out);
    return result;
}

static void refresh_prefixes(copa__rootfs *fs)
{
    size_t i;

    for (i = 0; i < fs->prefix_count; i++) {
        free(fs->canonical[i]);
        fs->canonical[i] = canonicalize(fs, fs->prefixes[i]);
    }
    fs->prefixes_dirty = 0;
}

static int under(const char *path, const char *prefix)
{
    size_t length;

    if (prefix == NULL)
        return 0;
    length = strlen(prefix);
    if (length == 0 || strcmp(prefix, "/") == 0)
        return 1;
    return strncmp(path, prefix, length) == 0 && (path[length] == '\0' || path[length] == '/');
}

static int wanted(copa__rootfs *fs, uint32_t id)
{
    char *path;
    size_t i;
    int match = 0;

    if (fs->prefix_count == 0 || (uint64_t)fs->nodes[id].size > (uint64_t)fs->keep_max_size)
        return 0;
    if (fs->prefixes_dirty)
        refresh_prefixes(fs);
    path = copa__rfs_path(fs, id);
    if (path == NULL)
        return COPA_ENOMEM;
    for (i = 0; i < fs->prefix_count && !match; i++)
        match = under(path, fs->prefixes[i]) || under(path, fs->canonical[i]);
    free(path);
    return match;
}

int copa__rfs_keep(copa__rootfs *fs, uint32_t id, copa__layer_reader *reader)
{
    size_t size, done = 0;
    unsigned char *content;
    int want = wanted(fs, id);

    if (want <= 0)
        return want < 0 ? copa__error_oom() : 0;
    size = (size_t)fs->nodes[id].size;
    if (size == 0) {
        fs->nodes[id].flags |= RFS_KEPT;
        return 0;
    }
    content = malloc(size);
    if (content == NULL)
        return copa__error_oom();
    while (done < size) {
        ssize_t n = copa__layer_reader_data(reader, content + done, size - done);
        if (n <= 0) {
            free(content);
            return n < 0 ? (int)n
                         : copa__error_set(COPA_EINVALID, "layer %s: '%s' is truncated",
                                           fs->layer_name, fs->nodes[id].name);
        }
        done += (size_t)n;
    }
    fs->nodes[id].content = content;
    fs->nodes[id].flags |= RFS_KEPT;
    fs->content_bytes += size;
    return 0;
}

int copa__rfs_keep_recorded(copa__rootfs *fs, uint32_t id, const void *content, size_t length,
                            int have)
{
    unsigned char *copy;
    int want = wanted(fs, id);

    if (want <= 0)
        return want < 0 ? copa__error_oom() : 0;
    if (!have || (int64_t)length != fs->nodes[id].size) {
        fs->replay_missing = 1;
        return copa__error_set(COPA_ENOTFOUND, "layer %s: the cached index lacks '%s'",
                               fs->layer_name, fs->nodes[id].name);
    }
    fs->nodes[id].flags |= RFS_KEPT;
    if (length == 0)
        return 0;
    if ((copy = malloc(length)) == NULL)
        return copa__error_oom();
    memcpy(copy, content, length);
    fs->nodes[id].content = copy;
    fs->content_bytes += length;
    return 0;
}
