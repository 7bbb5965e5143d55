/*
 * Giving up a write into an OCI layout. Only what this writer made goes:
 * its blobs that index.json does not reach (another writer may have
 * committed an image that shares them), and the layout's own files and
 * directories when this writer made them and they hold nothing else. All of
 * it under the layout's lock, so a writer committing meanwhile either sees
 * the blobs gone (and fails, saying so) or has its tag in index.json first.
 */
#include "image/oci_layout.h"
#include "image/oci_layout_lock.h"
#include "image/store.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_DEPTH = 8 };

/* The digests index.json reaches. On OOM `lost` is set: then nothing counts as unreached. */
typedef struct reached {
    char (*digests)[COPA_DIGEST_STRING_MAX];
    size_t count, capacity;
    int lost;
} reached;

static int is_reached(const reached *r, const char *digest)
{
    size_t i;

    if (r->lost)
        return 1;
    for (i = 0; i < r->count; i++)
        if (strcmp(r->digests[i], digest) == 0)
            return 1;
    return 0;
}

static void add_reached(reached *r, const char *digest)
{
    if (is_reached(r, digest))
        return;
    if (r->count == r->capacity) {
        size_t capacity = r->capacity ? r->capacity * 2 : 64;
        void *grown = realloc(r->digests, capacity * sizeof(*r->digests));
        if (grown == NULL) {
            r->lost = 1;
            return;
        }
        r->digests = grown;
        r->capacity = capacity;
    }
    snprintf(r->digests[r->count++], COPA_DIGEST_STRING_MAX, "%s", digest);
}

static void walk_document(reached *r, const char *dir, const char *digest, int depth);

/*
 * A descriptor: its digest is reached; a manifest or index it names is read
 * too, the first time only (indexes naming the next one many times would
 * otherwise be read once per path, exponentially many).
 */
static void walk_descriptor(reached *r, const char *dir, const cJSON *d, int follow, int depth)
{
    const cJSON *digest = cJSON_GetObjectItemCaseSensitive(d, "digest");

    if (!cJSON_IsString(digest) || copa__digest_validate(digest->valuestring) != 0 ||
        is_reached(r, digest->valuestring))
        return;
    add_reached(r, digest->valuestring);
    if (follow)
        walk_document(r, dir, digest->valuestring, depth + 1);
}

static void walk_list(reached *r, const char *dir, const cJSON *list, int follow, int depth)
{
    const cJSON *d;

    cJSON_ArrayForEach(d, list)
    {
        walk_descriptor(r, dir, d, follow, depth);
    }
}

/* The descriptors of an index (manifests), a manifest (config, layers) or an artifact (blobs). */
static void walk_json(reached *r, const char *dir, const cJSON *json, int depth)
{
    walk_list(r, dir, cJSON_GetObjectItemCaseSensitive(json, "manifests"), 1, depth);
    walk_descriptor(r, dir, cJSON_GetObjectItemCaseSensitive(json, "config"), 0, depth);
    walk_list(r, dir, cJSON_GetObjectItemCaseSensitive(json, "layers"), 0, depth);
    walk_list(r, dir, cJSON_GetObjectItemCaseSensitive(json, "blobs"), 0, depth);
    walk_descriptor(r, dir, cJSON_GetObjectItemCaseSensitive(json, "subject"), 1, depth);
}

static void walk_document(reached *r, const char *dir, const char *digest, int depth)
{
    char *path, *text = NULL;
    cJSON *json;

    if (depth > MAX_DEPTH) {
        r->lost = 1; /* not walked to the end: keep every blob */
        return;
    }
    if ((path = copa__blob_path(dir, digest)) == NULL)
        return;
    /* Not JSON, too big or unreadable: it names nothing more. */
    if (copa__file_read_regular(&text, NULL, path, COPA_JSON_DOC_MAX) == 0 &&
        (json = cJSON_Parse(text)) != NULL) {
        walk_json(r, dir, json, depth);
        cJSON_Delete(json);
    }
    free(text);
    free(path);
}

/* 1 when index.json lists no image (or cannot be read as a list). */
static int index_reach(reached *r, const char *dir)
{
    copa__buf path = COPA__BUF_INIT;
    char *text = NULL;
    cJSON *json = NULL;
    int empty = 1;

    if (copa__buf_appendf(&path, "%s/index.json", dir) == 0 &&
        copa__file_read_regular(&text, NULL, path.data, COPA_JSON_DOC_MAX) == 0 &&
        (json = cJSON_Parse(text)) != NULL) {
        empty = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(json, "manifests")) == 0;
        walk_json(r, dir, json, 0);
    } else {
        r->lost = 1; /* unreadable: keep every blob */
        empty = 0;
    }
    cJSON_Delete(json);
    free(text);
    copa__buf_free(&path);
    return empty;
}

static int found_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path, (void)st, (void)ftw;
    return flag != FTW_D && flag != FTW_DP;
}

/* 1 when dir/blobs holds no file at all (temporary files of other writers count). */
static int no_blob_files(const char *dir)
{
    copa__buf blobs = COPA__BUF_INIT;
    int none = copa__buf_appendf(&blobs, "%s/blobs", dir) == 0 &&
               (access(blobs.data, F_OK) != 0 || nftw(blobs.data, found_file, 8, FTW_PHYS) == 0);
    copa__buf_free(&blobs);
    return none;
}

static void remove_path(const char *dir, const char *name, int is_dir)
{
    copa__buf path = COPA__BUF_INIT;

    if (copa__buf_appendf(&path, "%s/%s", dir, name) == 0) {
        if (is_dir)
            rmdir(path.data); /* only when empty */
        else
            unlink(path.data);
    }
    copa__buf_free(&path);
}

/*
 * The layout this writer made holds nothing of anyone's: remove it.
 * oci-layout goes before index.json, whose lock is held: a writer that
 * finds index.json gone makes both again under its own lock.
 */
static void remove_layout(const copa__oci_layout *layout)
{
    if (layout->made & COPA__LAYOUT_MADE_MARKER)
        remove_path(layout->dir, "oci-layout", 0);
    remove_path(layout->dir, "index.json", 0);
    remove_path(layout->dir, "blobs/sha256", 1);
    remove_path(layout->dir, "blobs", 1);
    if (layout->made & COPA__LAYOUT_MADE_DIR)
        rmdir(layout->dir);
}

static void abort_locked(copa__oci_layout *layout)
{
    reached r;
    size_t i;
    int fd = -1, empty;

    memset(&r, 0, sizeof(r));
    /* Without index.json there is no lock to take: remove nothing then.
     * Past the writer's deadline, a lock another writer holds is not waited
     * for: the blobs this writer stored stay, unreferenced (harmless; what
     * index.json does not reach is garbage any collector may take). */
    if (copa__oci_layout_lock_until(&fd, layout->dir, 0, NULL, layout->cancel,
                                    layout->cancel_payload) != 0)
        return;
    empty = index_reach(&r, layout->dir);
    for (i = 0; i < layout->blob_count; i++) {
        char *path;
        if (!layout->blobs[i].created || is_reached(&r, layout->blobs[i].digest))
            continue;
        if ((path = copa__blob_path(layout->dir, layout->blobs[i].digest)) != NULL)
            unlink(path);
        free(path);
    }
    layout->blob_count = 0;
    if ((layout->made & COPA__LAYOUT_MADE_INDEX) && empty && no_blob_files(layout->dir))
        remove_layout(layout);
    copa__oci_layout_unlock(fd);
    free(r.digests);
}

void copa__oci_layout_abort(copa__oci_layout *layout)
{
    /* The failure that led here is the message the caller reports. */
    int code = copa_error_last_code();
    char *message = strdup(copa_error_last());

    if (layout != NULL && layout->dir != NULL)
        abort_locked(layout);
    if (code == COPA_OK)
        copa_error_clear();
    else if (message != NULL)
        copa__error_set(code, "%s", message);
    free(message);
}
