/*
 * OCI image layout directories. Blobs go through the store (temporary file
 * + rename); index.json is replaced atomically, so a tag is never half
 * written and other tags are left as they were.
 */
#include "image/oci_layout.h"
#include "image/store.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char layout_file[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
static const char empty_index[] =
    "{\"schemaVersion\":2,\"mediaType\":\"" COPA_MT_OCI_INDEX "\",\"manifests\":[]}";

static int check_layout_file(const char *dir)
{
    copa__buf path = COPA__BUF_INIT;
    cJSON *json = NULL;
    const cJSON *version;
    char *text = NULL;
    int error;

    if ((error = copa__buf_appendf(&path, "%s/oci-layout", dir)) != 0)
        return error;
    if ((error = copa__file_read_all(&text, NULL, path.data, 65536)) != 0) {
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

static int load_index(copa__oci_layout *layout)
{
    copa__buf path = COPA__BUF_INIT;
    char *text = NULL;
    size_t length;
    int error;

    if ((error = copa__buf_appendf(&path, "%s/index.json", layout->dir)) != 0)
        return error;
    error = copa__file_read_all(&text, &length, path.data, COPA_JSON_DOC_MAX);
    if (error == 0 && (error = copa__index_parse(&layout->index, text, length)) != 0)
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
    if ((error = check_layout_file(dir)) != 0 || (error = load_index(out)) != 0)
        copa__oci_layout_free(out);
    return error;
}

int copa__oci_layout_init(copa__oci_layout *out, const char *dir, int *created)
{
    copa__buf path = COPA__BUF_INIT;
    struct stat st;
    int error;

    *created = 0;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT)
            return copa__error_set(COPA_ERROR, "%s: %s", dir, strerror(errno));
        if ((error = copa__file_mkdirs(dir)) != 0)
            return error;
        *created = 1;
    } else if (!S_ISDIR(st.st_mode)) {
        return copa__error_set(COPA_EINVALID, "%s: exists and is not a directory", dir);
    }
    if ((error = copa__buf_appendf(&path, "%s/oci-layout", dir)) != 0)
        return error;
    if (access(path.data, F_OK) != 0)
        error = copa__file_write_atomic(path.data, layout_file, sizeof(layout_file) - 1);
    copa__buf_free(&path);
    if (error != 0)
        return error;
    if ((error = copa__oci_layout_open(out, dir)) == COPA_ENOTFOUND) {
        /* A new layout: start from an empty index. */
        if ((out->dir = strdup(dir)) == NULL)
            return copa__error_oom();
        error = copa__index_parse(&out->index, empty_index, sizeof(empty_index) - 1);
    }
    return error;
}

void copa__oci_layout_free(copa__oci_layout *layout)
{
    if (layout == NULL)
        return;
    copa__index_free(&layout->index);
    free(layout->dir);
    memset(layout, 0, sizeof(*layout));
}

static const char *ref_name(const copa__descriptor *d)
{
    const cJSON *annotations = cJSON_GetObjectItemCaseSensitive(d->json, "annotations");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(annotations, COPA_ANNOTATION_REF_NAME);
    return cJSON_IsString(name) ? name->valuestring : NULL;
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

int copa__oci_layout_set_tag(copa__oci_layout *layout, const char *tag, const char *media_type,
                             const char *digest, double size)
{
    cJSON *list = cJSON_GetObjectItemCaseSensitive(layout->index.doc.json, "manifests");
    cJSON *entry = new_entry(tag, media_type, digest, size);
    size_t i;

    if (entry == NULL)
        return copa__error_oom();
    for (i = 0; i < layout->index.manifest_count; i++) {
        const char *name = ref_name(&layout->index.manifests[i]);
        if ((tag == NULL && name == NULL) ||
            (tag != NULL && name != NULL && strcmp(name, tag) == 0))
            break;
    }
    /* Replace that tag's entry in place; other entries stay as they were. */
    if (i < layout->index.manifest_count)
        cJSON_ReplaceItemInArray(list, (int)i, entry);
    else
        cJSON_AddItemToArray(list, entry);
    return copa__index_refresh(&layout->index);
}

int copa__oci_layout_commit(copa__oci_layout *layout)
{
    copa__buf path = COPA__BUF_INIT;
    int error;

    if ((error = copa__doc_reserialize(&layout->index.doc)) != 0)
        return error;
    if ((error = copa__index_refresh(&layout->index)) != 0)
        return error;
    if ((error = copa__buf_appendf(&path, "%s/index.json", layout->dir)) != 0)
        return error;
    error = copa__file_write_atomic(path.data, layout->index.doc.raw, layout->index.doc.raw_length);
    copa__buf_free(&path);
    return error;
}
