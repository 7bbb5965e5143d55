/*
 * The `docker save` format: manifest.json lists, per image, its config file,
 * its RepoTags and its layer files (legacy "<id>/layer.tar" or newer
 * "blobs/sha256/<hex>"). Reading builds a Docker schema 2 manifest over
 * those files; writing stores blobs under blobs/sha256/ and lists them.
 */
#include "image/archive.h"
#include "image/transport.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Real images have at most a few hundred layers (overlay file systems stop
 * at about 128); the bound keeps the per-file lookup below cheap.
 */
enum { MAX_LAYERS = 4096 };

/* Does a RepoTags entry name the same image as ref? */
static int repo_tag_matches(const char *repo_tag, const copa_reference *ref)
{
    copa_reference parsed;
    int match;

    memset(&parsed, 0, sizeof(parsed));
    match = copa__reference_parse_docker(&parsed, repo_tag, 1) == 0 &&
            strcmp(parsed.registry, ref->registry) == 0 &&
            strcmp(parsed.repository, ref->repository) == 0 && parsed.tag != NULL &&
            ref->tag != NULL && strcmp(parsed.tag, ref->tag) == 0;
    free(parsed.registry);
    free(parsed.repository);
    free(parsed.tag);
    free(parsed.digest);
    return match;
}

static const cJSON *select_entry(const cJSON *list, const copa_reference *ref, const char *file)
{
    const cJSON *entry, *tag;
    copa__buf all = COPA__BUF_INIT;

    if (ref->repository == NULL && cJSON_GetArraySize(list) == 1)
        return cJSON_GetArrayItem(list, 0);
    cJSON_ArrayForEach(entry, list)
    {
        cJSON_ArrayForEach(tag, cJSON_GetObjectItemCaseSensitive(entry, "RepoTags"))
        {
            if (!cJSON_IsString(tag))
                continue;
            if (ref->repository != NULL && repo_tag_matches(tag->valuestring, ref)) {
                copa__buf_free(&all);
                return entry;
            }
            copa__buf_appendf(&all, "%s%s", all.length > 0 ? ", " : "", tag->valuestring);
        }
    }
    if (ref->repository == NULL)
        copa__error_set(COPA_ENOTFOUND, "%s: the archive holds %d images; name one of: %s", file,
                        cJSON_GetArraySize(list), all.length > 0 ? all.data : "(untagged)");
    else
        copa__error_set(COPA_ENOTFOUND, "%s: no image tagged '%s/%s:%s'; tags: %s", file,
                        ref->registry, ref->repository, ref->tag,
                        all.length > 0 ? all.data : "(none)");
    copa__buf_free(&all);
    return NULL;
}

static int detect_compression(copa__compression *out, const char *path, const char *name)
{
    unsigned char magic[4] = {0, 0, 0, 0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return copa__error_set(COPA_ERROR, "%s: cannot open", name);
    if (read(fd, magic, sizeof(magic)) < 0)
        magic[0] = 0;
    close(fd);
    *out = COPA__COMPRESSION_NONE;
    if (magic[0] == 0x1f && magic[1] == 0x8b)
        *out = COPA__COMPRESSION_GZIP;
    else if (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
        return copa__error_set(COPA_EUNSUPPORTED,
                               "%s: zstd layers cannot be described by a Docker schema 2 manifest",
                               name);
    return 0;
}

/*
 * The blob of the private file at `path` (taken over), hashed only the first
 * time: manifest.json may name one file any number of times, directly or
 * through links, and must not make copa hash it once per mention.
 */
static int file_blob(copa__source *src, char *path, const copa__archive_file **out)
{
    copa__archive_file *grown, *file;
    size_t i;

    for (i = 0; i < src->file_count; i++)
        if (strcmp(src->files[i].path, path) == 0) {
            free(path);
            *out = &src->files[i];
            return 0;
        }
    grown = realloc(src->files, (src->file_count + 1) * sizeof(*grown));
    if (grown == NULL) {
        free(path);
        return copa__error_oom();
    }
    src->files = grown;
    file = &src->files[src->file_count++];
    memset(file, 0, sizeof(*file));
    file->path = path;
    *out = file;
    return copa__file_digest(file->digest, &file->size, path);
}

/* Record the file `name` resolves to in the archive as a blob; describe it in `into`. */
static int add_file(copa__source *src, const copa__archive_tree *tree, const char *name,
                    cJSON *into, const char *media_type, const char *archive)
{
    const copa__archive_file *file = NULL;
    copa__compression compression;
    char *path = NULL;
    int error;

    /* Resolved in the archive's index: the path is copa's private copy. */
    if ((error = copa__archive_tree_file(tree, name, &path)) != 0)
        return error;
    if ((error = file_blob(src, path, &file)) != 0)
        return copa__error_prefix("%s: %s: ", archive, name);
    if (media_type == NULL) {
        if ((error = detect_compression(&compression, file->path, name)) != 0)
            return error;
        media_type = copa__layer_media_type(COPA__FAMILY_DOCKER, compression);
    }
    if (cJSON_AddStringToObject(into, "mediaType", media_type) == NULL ||
        cJSON_AddNumberToObject(into, "size", file->size) == NULL ||
        cJSON_AddStringToObject(into, "digest", file->digest) == NULL)
        return copa__error_oom();
    return 0;
}

static int build_manifest(copa__source *src, const copa__archive_tree *tree, const cJSON *entry,
                          const char *archive)
{
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(entry, "Config");
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(entry, "Layers"), *layer;
    cJSON *m = cJSON_CreateObject(), *item, *list;
    int error = 0;

    if (!cJSON_IsString(config) || !cJSON_IsArray(layers)) {
        cJSON_Delete(m);
        return copa__error_set(COPA_EINVALID, "%s: manifest.json entry without Config or Layers",
                               archive);
    }
    if (cJSON_GetArraySize(layers) > MAX_LAYERS) {
        cJSON_Delete(m);
        return copa__error_set(COPA_EINVALID, "%s: manifest.json lists more than %d layers",
                               archive, MAX_LAYERS);
    }
    if (m == NULL || cJSON_AddNumberToObject(m, "schemaVersion", 2) == NULL ||
        cJSON_AddStringToObject(m, "mediaType", COPA_MT_DOCKER_MANIFEST) == NULL ||
        (item = cJSON_AddObjectToObject(m, "config")) == NULL ||
        (list = cJSON_AddArrayToObject(m, "layers")) == NULL) {
        cJSON_Delete(m);
        return copa__error_oom();
    }
    error = add_file(src, tree, config->valuestring, item, COPA_MT_DOCKER_CONFIG, archive);
    cJSON_ArrayForEach(layer, layers)
    {
        if (error != 0)
            break;
        if (!cJSON_IsString(layer)) {
            error = copa__error_set(COPA_EINVALID, "%s: a layer in manifest.json is not a path",
                                    archive);
            break;
        }
        if ((item = cJSON_CreateObject()) == NULL) {
            error = copa__error_oom();
            break;
        }
        cJSON_AddItemToArray(list, item);
        error = add_file(src, tree, layer->valuestring, item, NULL, archive);
    }
    if (error == 0 && (src->top = cJSON_PrintUnformatted(m)) == NULL)
        error = copa__error_oom();
    cJSON_Delete(m);
    if (error != 0)
        return error;
    src->top_length = strlen(src->top);
    src->top_kind = COPA__DOC_MANIFEST;
    {
        unsigned char raw[COPA_SHA256_LEN];
        copa__sha256_buffer(raw, src->top, src->top_length);
        copa__digest_format(src->top_digest, raw);
    }
    return 0;
}

int copa__docker_archive_load(copa__source *src, const copa__archive_tree *tree,
                              const copa_reference *ref)
{
    const cJSON *entry;
    cJSON *list = NULL;
    char *path = NULL, *text = NULL;
    size_t length;
    int error;

    error = copa__archive_tree_file(tree, "manifest.json", &path);
    if (error == COPA_ENOTFOUND)
        return copa__error_set(COPA_EINVALID, "%s: not a docker archive (no manifest.json)",
                               ref->path);
    if (error == 0)
        error = copa__file_read_all(&text, &length, path, COPA_JSON_DOC_MAX);
    free(path);
    if (error != 0)
        return error;
    list = cJSON_ParseWithLength(text, length);
    free(text);
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
        error =
            copa__error_set(COPA_EINVALID, "%s: manifest.json is malformed or empty", ref->path);
    else if ((entry = select_entry(list, ref, ref->path)) == NULL)
        error = COPA_ENOTFOUND;
    else
        error = build_manifest(src, tree, entry, ref->path);
    cJSON_Delete(list);
    return error;
}

/* "docker.io/library/x" -> "x", "docker.io/a/b" -> "a/b": what docker save writes. */
static int familiar_name(copa__buf *out, const copa_reference *ref)
{
    if (strcmp(ref->registry, "docker.io") != 0)
        return copa__buf_appendf(out, "%s/%s", ref->registry, ref->repository);
    if (strncmp(ref->repository, "library/", 8) == 0 && strchr(ref->repository + 8, '/') == NULL)
        return copa__buf_append_str(out, ref->repository + 8);
    return copa__buf_append_str(out, ref->repository);
}

static const char *hex_of(const char *digest)
{
    return strchr(digest, ':') + 1;
}

int copa__docker_archive_write_meta(const char *dir, const copa_reference *ref,
                                    const copa__manifest *manifest)
{
    cJSON *list = cJSON_CreateArray(), *entry, *tags, *layers;
    copa__buf name = COPA__BUF_INIT, path = COPA__BUF_INIT, tag = COPA__BUF_INIT;
    char *text = NULL, file[96];
    size_t i;
    int error = 0;

    if (list == NULL || (entry = cJSON_CreateObject()) == NULL)
        goto oom;
    cJSON_AddItemToArray(list, entry);
    snprintf(file, sizeof(file), "blobs/sha256/%s", hex_of(manifest->config.digest));
    if (cJSON_AddStringToObject(entry, "Config", file) == NULL ||
        (tags = cJSON_AddArrayToObject(entry, "RepoTags")) == NULL ||
        (layers = cJSON_AddArrayToObject(entry, "Layers")) == NULL)
        goto oom;
    if (ref->repository != NULL) {
        if (familiar_name(&name, ref) != 0 ||
            copa__buf_appendf(&tag, "%s:%s", name.data, ref->tag) != 0)
            goto oom;
        cJSON_AddItemToArray(tags, cJSON_CreateString(tag.data));
    }
    for (i = 0; i < manifest->layer_count; i++) {
        snprintf(file, sizeof(file), "blobs/sha256/%s", hex_of(manifest->layers[i].digest));
        cJSON_AddItemToArray(layers, cJSON_CreateString(file));
    }
    if ((text = cJSON_PrintUnformatted(list)) == NULL ||
        copa__buf_appendf(&path, "%s/manifest.json", dir) != 0)
        goto oom;
    /* No legacy "repositories" file: docker load and skopeo read manifest.json. */
    error = copa__file_write_atomic(path.data, text, strlen(text));
    goto done;
oom:
    error = copa__error_oom();
done:
    cJSON_Delete(list);
    free(text);
    copa__buf_free(&name);
    copa__buf_free(&path);
    copa__buf_free(&tag);
    return error;
}
