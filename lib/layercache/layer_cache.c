/*
 * The per-layer index cache (layer_cache.h): where entries live, when they
 * are used, and how they are filled. The format is entry_format.h's.
 */
#include "layercache/layer_cache.h"
#include "layercache/entry_format.h"
#include "util/buffer.h"
#include "util/cache_dir.h"
#include "util/cache_prune.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct copa__layer_cache {
    char *dir;
};

static int turned_off(void)
{
    const char *off = getenv("COPA_NO_LAYER_CACHE");
    return off != NULL && *off != '\0' && strcmp(off, "0") != 0;
}

/*
 * <root>/layer-index/v1, private to the user: entries hold the kept files
 * of the image (/etc/shadow among them), which an OCI layout source never
 * put in the cache before.
 */
static int make_dir(char **out, const char *root)
{
    copa__buf top = COPA__BUF_INIT, dir = COPA__BUF_INIT;
    int error;

    if ((error = copa__buf_appendf(&top, "%s/layer-index", root)) == 0 &&
        (error = copa__buf_appendf(&dir, "%s/%s", root, COPA__LIX_SUBDIR)) == 0 &&
        (error = copa__file_mkdirs(dir.data)) == 0) {
        (void)chmod(top.data, 0700);
        (void)chmod(dir.data, 0700);
        if (access(dir.data, W_OK) != 0)
            error = copa__error_set(COPA_ERROR, "%s: not writable: %s", dir.data, strerror(errno));
    }
    copa__buf_free(&top);
    if (error != 0) {
        copa__buf_free(&dir);
        return error;
    }
    *out = copa__buf_detach(&dir);
    return 0;
}

int copa__layer_cache_open(copa__layer_cache **out, const char *dir)
{
    copa__layer_cache *c;
    char *root = NULL;
    int error;

    *out = NULL;
    if (turned_off())
        return 0;
    if ((c = calloc(1, sizeof(*c))) == NULL)
        return copa__error_oom();
    if (dir != NULL && *dir != '\0')
        error = (root = strdup(dir)) != NULL ? 0 : copa__error_oom();
    else
        error = copa__cache_default_dir(&root);
    if (error == 0)
        error = make_dir(&c->dir, root);
    free(root);
    if (error != 0) {
        copa__layer_cache_free(c);
        if (error == COPA_ENOMEM)
            return error;
        copa_error_clear(); /* no cache: every layer is read from its bytes */
        return 0;
    }
    copa__cache_prune(c->dir, (int64_t)time(NULL), COPA__CACHE_MAX_AGE);
    *out = c;
    return 0;
}

void copa__layer_cache_free(copa__layer_cache *c)
{
    if (c == NULL)
        return;
    free(c->dir);
    free(c);
}

const char *copa__layer_cache_dir(const copa__layer_cache *c)
{
    return c->dir;
}

char *copa__layer_cache_entry_path(const copa__layer_cache *c, const char *digest)
{
    copa__buf path = COPA__BUF_INIT;

    if (digest == NULL || copa__digest_validate(digest) != 0) {
        copa_error_clear();
        return NULL;
    }
    if (copa__buf_appendf(&path, "%s/%s", c->dir, digest + 7) != 0)
        return NULL;
    return copa__buf_detach(&path);
}

static int miss(void)
{
    copa_error_clear();
    return COPA_ENOTFOUND;
}

int copa__layer_cache_apply(copa__layer_cache *c, copa__rootfs *fs, const copa__layer_desc *desc,
                            int *needs_bytes)
{
    char *path = copa__layer_cache_entry_path(c, desc->digest), *data = NULL;
    size_t length = 0;
    copa__lix_reader r;
    int error;

    *needs_bytes = 0;
    if (path == NULL || access(path, F_OK) != 0) {
        free(path);
        return miss();
    }
    copa__cache_touch(path); /* in use: a concurrent prune leaves it */
    if (copa__file_read_regular(&data, &length, path, COPA__LAYER_CACHE_MAX_ENTRY) != 0 ||
        copa__lix_open(&r, data, length, desc) != 0) {
        /* Damaged, truncated, foreign or too big: never used; filled again. */
        unlink(path);
        free(data);
        free(path);
        return miss();
    }
    free(path);
    error = copa__rootfs_replay_layer(fs, desc->digest, copa__lix_next, &r, needs_bytes);
    free(data);
    return error;
}

/* Close the temporary entry and rename it into place, or remove it. */
static void commit(FILE *fp, char *temp, const char *path, int keep)
{
    if (fclose(fp) != 0)
        keep = 0;
    if (!keep || rename(temp, path) != 0)
        unlink(temp);
    free(temp);
}

int copa__layer_cache_add(copa__layer_cache *c, copa__rootfs *fs, const copa__layer_desc *desc,
                          const copa__layer_source *source)
{
    char *path = c != NULL ? copa__layer_cache_entry_path(c, desc->digest) : NULL, *temp = NULL;
    copa__lix_writer w;
    FILE *fp = NULL;
    int error, stored;

    if (path == NULL || copa__file_temp_beside(&temp, &fp, path) != 0) {
        free(path);
        copa_error_clear();
        return copa__rootfs_add_layer(fs, desc, source);
    }
    if ((error = copa__lix_writer_begin(&w, fp, COPA__LAYER_CACHE_MAX_ENTRY, desc)) != 0) {
        commit(fp, temp, path, 0);
        free(path);
        return error;
    }
    error = copa__rootfs_add_layer_recorded(fs, desc, source, copa__lix_writer_record, &w);
    /* Only a layer read to its end and verified is a true record of it. */
    stored = error == 0 && copa__lix_writer_finish(&w) == 0 && !w.failed;
    copa__lix_writer_free(&w);
    commit(fp, temp, path, stored);
    free(path);
    return error;
}
