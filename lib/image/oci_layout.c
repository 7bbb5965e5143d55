/*
 * OCI image layout directories. Blobs go through the store (temporary file
 * + rename); index.json is replaced atomically, so a tag is never half
 * written. Writers change index.json only under the layout's lock
 * (oci_layout_lock.c) and apply their tags to index.json as it is at that
 * moment, so concurrent writers of other tags keep theirs.
 */
#include "image/oci_layout.h"
#include "image/oci_layout_lock.h"
#include "image/store.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_layout_file(const char *dir)
{
    copa__buf path = COPA__BUF_INIT;
    cJSON *json = NULL;
    const cJSON *version;
    char *text = NULL;
    int error;

    if ((error = copa__buf_appendf(&path, "%s/oci-layout", dir)) != 0)
        return error;
    if ((error = copa__file_read_regular(&text, NULL, path.data, 65536)) != 0) {
        if (error == COPA_ENOTFOUND)
            error =
                copa__error_set(COPA_ENOTFOUND, "%s: not an OCI image layout (no oci-layout)", dir);
        goto done;
    }
    json = cJSON_Parse(text);
    version = cJSON_GetObjectItemCaseSensitive(json, "imageLayoutVersion");
    if (!cJSON_IsString(version))
        error = copa__error_set(COPA_EINVALID, "%s: malformed oci-layout", path.data);
    else if (strcmp(version->valuestring, "1.0.0") != 0)
        error = copa__error_set(COPA_EUNSUPPORTED, "%s: unsupported imageLayoutVersion '%s'",
                                path.data, version->valuestring);
done:
    cJSON_Delete(json);
    free(text);
    copa__buf_free(&path);
    return error;
}

static int load_index(copa__index *index, const char *dir)
{
    copa__buf path = COPA__BUF_INIT;
    char *text = NULL;
    size_t length;
    int error;

    if ((error = copa__buf_appendf(&path, "%s/index.json", dir)) != 0)
        return error;
    error = copa__file_read_regular(&text, &length, path.data, COPA_JSON_DOC_MAX);
    if (error == 0 && (error = copa__index_parse(index, text, length)) != 0)
        copa__error_prefix("%s: ", path.data);
    free(text);
    copa__buf_free(&path);
    return error;
}

int copa__oci_layout_open(copa__oci_layout *out, const char *dir)
{
    int error;

    memset(out, 0, sizeof(*out));
    if ((out->dir = strdup(dir)) == NULL)
        return copa__error_oom();
    if ((error = check_layout_file(dir)) != 0 || (error = load_index(&out->index, dir)) != 0)
        copa__oci_layout_free(out);
    return error;
}

/* A layout init made but could not open: take back what it made. */
static void undo_init(const char *dir, unsigned made)
{
    copa__oci_layout undo;

    memset(&undo, 0, sizeof(undo));
    if (made == 0 || (undo.dir = strdup(dir)) == NULL)
        return;
    undo.made = made;
    copa__oci_layout_abort(&undo);
    free(undo.dir);
}

int copa__oci_layout_init(copa__oci_layout *out, const char *dir)
{
    return copa__oci_layout_init_until(out, dir, NULL, NULL);
}

int copa__oci_layout_init_until(copa__oci_layout *out, const char *dir,
                                int (*cancel)(void *payload), void *cancel_payload)
{
    unsigned made = 0;
    int fd, error;

    memset(out, 0, sizeof(*out));
    if ((error = copa__oci_layout_lock_until(&fd, dir, 1, &made, cancel, cancel_payload)) != 0) {
        undo_init(dir, made);
        return error;
    }
    error = copa__oci_layout_open(out, dir);
    copa__oci_layout_unlock(fd);
    if (error == 0 && (out->pending = cJSON_CreateArray()) == NULL)
        error = copa__error_oom();
    if (error != 0) {
        copa__oci_layout_free(out);
        undo_init(dir, made);
        return error;
    }
    out->made = made;
    out->cancel = cancel;
    out->cancel_payload = cancel_payload;
    return 0;
}

void copa__oci_layout_free(copa__oci_layout *layout)
{
    if (layout == NULL)
        return;
    copa__index_free(&layout->index);
    cJSON_Delete(layout->pending);
    free(layout->blobs);
    free(layout->dir);
    memset(layout, 0, sizeof(*layout));
}

static const char *entry_ref_name(const cJSON *entry)
{
    const cJSON *annotations = cJSON_GetObjectItemCaseSensitive(entry, "annotations");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(annotations, COPA_ANNOTATION_REF_NAME);
    return cJSON_IsString(name) ? name->valuestring : NULL;
}

static const char *ref_name(const copa__descriptor *d)
{
    return entry_ref_name(d->json);
}

int copa__oci_layout_find(const copa__oci_layout *layout, const char *tag,
                          const copa__descriptor **out)
{
    const copa__index *idx = &layout->index;
    copa__buf tags = COPA__BUF_INIT;
    size_t i;

    *out = NULL;
    if (tag == NULL && idx->manifest_count == 1) {
        *out = &idx->manifests[0];
        return 0;
    }
    for (i = 0; tag != NULL && i < idx->manifest_count; i++) {
        const char *name = ref_name(&idx->manifests[i]);
        if (name != NULL && strcmp(name, tag) == 0) {
            *out = &idx->manifests[i];
            return 0;
        }
    }
    for (i = 0; i < idx->manifest_count; i++) {
        const char *name = ref_name(&idx->manifests[i]);
        copa__buf_appendf(&tags, "%s%s", tags.length > 0 ? ", " : "",
                          name != NULL ? name : "(untagged)");
    }
    if (tag == NULL)
        copa__error_set(COPA_ENOTFOUND, "%s: the layout holds %zu images; name one of: %s",
                        layout->dir, idx->manifest_count, tags.length > 0 ? tags.data : "(none)");
    else
        copa__error_set(COPA_ENOTFOUND, "%s: no image tagged '%s'; tags: %s", layout->dir, tag,
                        tags.length > 0 ? tags.data : "(none)");
    copa__buf_free(&tags);
    return COPA_ENOTFOUND;
}

static cJSON *new_entry(const char *tag, const char *media_type, const char *digest, double size)
{
    cJSON *entry = cJSON_CreateObject(), *annotations;

    if (entry == NULL || cJSON_AddStringToObject(entry, "mediaType", media_type) == NULL ||
        cJSON_AddStringToObject(entry, "digest", digest) == NULL ||
        cJSON_AddNumberToObject(entry, "size", size) == NULL)
        goto fail;
    if (tag != NULL) {
        if ((annotations = cJSON_AddObjectToObject(entry, "annotations")) == NULL ||
            cJSON_AddStringToObject(annotations, COPA_ANNOTATION_REF_NAME, tag) == NULL)
            goto fail;
    }
    return entry;
fail:
    cJSON_Delete(entry);
    return NULL;
}

static int same_name(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Put a copy of entry into list: in place of the entry with its tag, else at the end. */
static int put_entry(cJSON *list, const cJSON *entry)
{
    const char *tag = entry_ref_name(entry);
    cJSON *copy, *item;
    int i = 0;

    if (!cJSON_IsArray(list))
        return copa__error_set(COPA_EINVALID, "index.json: \"manifests\" is not a list");
    if ((copy = cJSON_Duplicate(entry, 1)) == NULL)
        return copa__error_oom();
    cJSON_ArrayForEach(item, list)
    {
        if (same_name(entry_ref_name(item), tag)) {
            cJSON_ReplaceItemInArray(list, i, copy); /* in place: the others keep their order */
            return 0;
        }
        i++;
    }
    cJSON_AddItemToArray(list, copy);
    return 0;
}

static int apply_entry(copa__index *index, const cJSON *entry)
{
    int error = put_entry(cJSON_GetObjectItemCaseSensitive(index->doc.json, "manifests"), entry);
    return error != 0 ? error : copa__index_refresh(index);
}

int copa__oci_layout_set_tag(copa__oci_layout *layout, const char *tag, const char *media_type,
                             const char *digest, double size)
{
    cJSON *entry = new_entry(tag, media_type, digest, size);
    int error;

    if (entry == NULL)
        return copa__error_oom();
    if (layout->pending == NULL && (layout->pending = cJSON_CreateArray()) == NULL)
        error = copa__error_oom();
    else if ((error = put_entry(layout->pending, entry)) == 0)
        error = apply_entry(&layout->index, entry);
    cJSON_Delete(entry);
    return error;
}

int copa__oci_layout_note_blob(copa__oci_layout *layout, const char *digest, int created)
{
    copa__layout_blob *b;
    size_t i;

    for (i = 0; i < layout->blob_count; i++)
        if (strcmp(layout->blobs[i].digest, digest) == 0) {
            layout->blobs[i].created |= created;
            return 0;
        }
    if (layout->blob_count == layout->blob_capacity) {
        size_t capacity = layout->blob_capacity ? layout->blob_capacity * 2 : 16;
        if ((b = realloc(layout->blobs, capacity * sizeof(*b))) == NULL)
            return copa__error_oom();
        layout->blobs = b;
        layout->blob_capacity = capacity;
    }
    b = &layout->blobs[layout->blob_count++];
    snprintf(b->digest, sizeof(b->digest), "%s", digest);
    b->created = created;
    return 0;
}

/* A writer giving up removes blobs it made; one this commit needs must still be there. */
static int blobs_present(const copa__oci_layout *layout)
{
    size_t i;

    for (i = 0; i < layout->blob_count; i++) {
        char *path = copa__blob_path(layout->dir, layout->blobs[i].digest);
        int present = path != NULL && access(path, F_OK) == 0;
        free(path);
        if (!present)
            return copa__error_set(COPA_ERROR,
                                   "%s: blob %s was removed while this image was written (by "
                                   "another writer that failed?); write it again",
                                   layout->dir, layout->blobs[i].digest);
    }
    return 0;
}

static int write_index(copa__index *index, const char *dir)
{
    copa__buf path = COPA__BUF_INIT;
    int error;

    if ((error = copa__doc_reserialize(&index->doc)) != 0 ||
        (error = copa__index_refresh(index)) != 0 ||
        (error = copa__buf_appendf(&path, "%s/index.json", dir)) != 0)
        return error;
    error = copa__file_write_atomic(path.data, index->doc.raw, index->doc.raw_length);
    copa__buf_free(&path);
    return error;
}

int copa__oci_layout_commit(copa__oci_layout *layout)
{
    copa__index now;
    const cJSON *entry;
    int fd, error;

    memset(&now, 0, sizeof(now));
    if ((error = copa__oci_layout_lock_until(&fd, layout->dir, 1, NULL, layout->cancel,
                                             layout->cancel_payload)) != 0)
        return error;
    error = load_index(&now, layout->dir);
    cJSON_ArrayForEach(entry, layout->pending)
    {
        if (error == 0)
            error = apply_entry(&now, entry);
    }
    if (error == 0 && (error = blobs_present(layout)) == 0)
        error = write_index(&now, layout->dir);
    copa__oci_layout_unlock(fd);
    if (error != 0) {
        copa__index_free(&now);
        return error;
    }
    copa__index_free(&layout->index);
    layout->index = now;
    cJSON_Delete(layout->pending);
    layout->pending = NULL;
    layout->blob_count = 0; /* the index reaches them now */
    return 0;
}
