/*
 * Reading images from the local transports. Archives are read once into a
 * private temporary directory (archive_read.c) and read from there.
 */
#include "image/archive.h"
#include "image/transport.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load_top_from_layout(copa__source *src, const char *tag)
{
    const copa__descriptor *d;
    copa__family family;
    int error;

    if ((error = copa__oci_layout_find(&src->layout, tag, &d)) != 0)
        return error;
    if (d->media_type != NULL &&
        (error = copa__media_type_kind(&src->top_kind, &family, d->media_type)) != 0)
        return error;
    if ((error = copa__source_blob_all(src, &src->top, &src->top_length, d->digest)) != 0)
        return error;
    if (d->size != (double)src->top_length)
        return copa__error_set(COPA_EVERIFY, "manifest %s: size is %zu bytes, index.json says %.0f",
                               d->digest, src->top_length, d->size);
    snprintf(src->top_digest, sizeof(src->top_digest), "%s", d->digest);
    return copa__doc_detect(&src->top_kind, src->top, src->top_length);
}

static int open_layout(copa__source *src, const char *dir, const char *tag)
{
    int error = copa__oci_layout_open(&src->layout, dir);
    if (error != 0)
        return error;
    src->has_layout = 1;
    return load_top_from_layout(src, tag);
}

/*
 * A message about the layout assembled from an archive names copa's private
 * directory; say the archive instead ("x.tar: no image tagged 'y'").
 */
static int name_archive(int error, const char *layout, const char *archive)
{
    copa__buf text = COPA__BUF_INIT;
    const char *p = copa_error_last(), *hit;
    size_t n = strlen(layout);

    while ((hit = strstr(p, layout)) != NULL) {
        if (copa__buf_append(&text, p, (size_t)(hit - p)) != 0 ||
            copa__buf_append_str(&text, archive) != 0)
            break;
        p = hit + n;
    }
    if (hit == NULL && copa__buf_append_str(&text, p) == 0)
        copa__error_set(error, "%s", text.data);
    copa__buf_free(&text);
    return error;
}

/*
 * The archive is read into tempdir/files (private copies named by number);
 * an oci-archive's layout is then assembled in tempdir/layout from names copa
 * writes itself. Nothing is created where the archive's paths point.
 */
static int open_archive(copa__source *src, const copa_reference *ref)
{
    copa__archive_tree *tree = NULL;
    copa__buf files = COPA__BUF_INIT, layout = COPA__BUF_INIT;
    int error;

    if ((error = copa__tempdir_create(&src->tempdir)) != 0)
        return error;
    if ((error = copa__buf_appendf(&files, "%s/files", src->tempdir)) != 0 ||
        (error = copa__buf_appendf(&layout, "%s/layout", src->tempdir)) != 0 ||
        (error = copa__file_mkdirs(files.data)) != 0 ||
        (error = copa__archive_tree_read(&tree, ref->path, files.data)) != 0)
        goto done;
    if (ref->transport == COPA_TRANSPORT_DOCKER_ARCHIVE) {
        error = copa__docker_archive_load(src, tree, ref);
        goto done;
    }
    if ((error = copa__archive_tree_layout(tree, layout.data)) == 0 &&
        (error = open_layout(src, layout.data, ref->tag)) != 0)
        name_archive(error, layout.data, ref->path);
done:
    copa__archive_tree_free(tree);
    copa__buf_free(&files);
    copa__buf_free(&layout);
    return error;
}

static int open_source(copa__source *src, const copa_reference *ref,
                       const copa__transport_options *options)
{
    switch (ref->transport) {
    case COPA_TRANSPORT_OCI:
        return open_layout(src, ref->path, ref->tag);
    case COPA_TRANSPORT_OCI_ARCHIVE:
    case COPA_TRANSPORT_DOCKER_ARCHIVE:
        return open_archive(src, ref);
    default:
        return copa__registry_source_open(src, ref, options);
    }
}

int copa__source_open(copa__source **out, const copa_reference *ref,
                      const copa__transport_options *options)
{
    copa__source *src = calloc(1, sizeof(*src));
    int error;

    *out = NULL;
    if (src == NULL || (src->name = strdup(ref->string)) == NULL) {
        free(src);
        return copa__error_oom();
    }
    src->transport = ref->transport;
    if ((error = open_source(src, ref, options)) != 0) {
        copa__source_free(src);
        return error;
    }
    *out = src;
    return 0;
}

void copa__source_free(copa__source *src)
{
    size_t i;

    if (src == NULL)
        return;
    if (src->has_layout)
        copa__oci_layout_free(&src->layout);
    if (src->transport == COPA_TRANSPORT_REGISTRY)
        copa__registry_source_close(src);
    for (i = 0; i < src->file_count; i++)
        free(src->files[i].path);
    free(src->files);
    if (src->tempdir != NULL)
        copa__remove_tree(src->tempdir);
    free(src->tempdir);
    free(src->top);
    free(src->name);
    free(src);
}

/* Where the bytes of a blob are: a layout, an unpacked archive, the blob cache. */
static int blob_path(char **out, copa__source *src, const char *digest, double size,
                     int is_manifest)
{
    size_t i;

    *out = NULL;
    if (src->transport == COPA_TRANSPORT_REGISTRY)
        return copa__registry_source_path(out, src, digest, size, is_manifest);
    if (src->has_layout)
        *out = copa__blob_path(src->layout.dir, digest);
    else
        for (i = 0; i < src->file_count && *out == NULL; i++)
            if (strcmp(src->files[i].digest, digest) == 0)
                *out = strdup(src->files[i].path);
    if (*out == NULL)
        return copa__error_set(COPA_ENOTFOUND, "%s: no blob %s", src->name, digest);
    return 0;
}

int copa__source_blob(copa__source *src, copa__blob_reader **out, const char *digest, double size)
{
    char *path;
    int error;

    *out = NULL;
    if ((error = blob_path(&path, src, digest, size, 0)) != 0)
        return error;
    error = copa__blob_reader_open(out, path, digest, size);
    free(path);
    return error;
}

static int read_all(copa__source *src, char **out, size_t *length, const char *digest,
                    int is_manifest)
{
    char *path;
    int error;

    *out = NULL;
    if ((error = blob_path(&path, src, digest, -1, is_manifest)) != 0)
        return error;
    error = copa__blob_read_all(out, length, path, digest, COPA_JSON_DOC_MAX);
    free(path);
    return error;
}

int copa__source_blob_all(copa__source *src, char **out, size_t *length, const char *digest)
{
    return read_all(src, out, length, digest, 0);
}

int copa__source_manifest_all(copa__source *src, char **out, size_t *length, const char *digest)
{
    return read_all(src, out, length, digest, 1);
}

static int load_manifest(copa__source *src, const copa__descriptor *d, copa__manifest *m)
{
    char *bytes;
    size_t length;
    int error;

    if ((error = copa__source_manifest_all(src, &bytes, &length, d->digest)) != 0)
        return error;
    if (d->size != (double)length)
        error = copa__error_set(COPA_EVERIFY, "manifest %s: size is %zu bytes, index says %.0f",
                                d->digest, length, d->size);
    else
        error = copa__manifest_parse(m, bytes, length);
    free(bytes);
    return error;
}

static int load_config(copa__source *src, const copa__manifest *m, copa__config *c)
{
    char *bytes;
    size_t length;
    int error;

    if ((error = copa__source_blob_all(src, &bytes, &length, m->config.digest)) != 0)
        return error;
    error = copa__config_parse(c, bytes, length);
    free(bytes);
    if (error == 0 && c->diff_id_count != m->layer_count) {
        error = copa__error_set(COPA_EINVALID, "config lists %zu diff_ids for %zu layers",
                                c->diff_id_count, m->layer_count);
        copa__config_free(c);
    }
    return error;
}

int copa__source_load_entry(copa__source *src, const copa__descriptor *entry,
                            copa__manifest *manifest, copa__config *config)
{
    int error = load_manifest(src, entry, manifest);

    if (error == 0 && (error = load_config(src, manifest, config)) != 0)
        copa__manifest_free(manifest);
    return error != 0 ? copa__error_prefix("%s: manifest %s: ", src->name, entry->digest) : 0;
}

/* A single-platform image asked for by platform must be that platform. */
static int check_single_platform(copa__config *config, const copa__platform *want)
{
    copa__platform have;
    char a[96], b[96];

    memset(&have, 0, sizeof(have));
    snprintf(have.os, sizeof(have.os), "%s", config->os);
    snprintf(have.architecture, sizeof(have.architecture), "%s", config->architecture);
    if (config->variant != NULL)
        snprintf(have.variant, sizeof(have.variant), "%s", config->variant);
    copa__platform_normalize(&have);
    if (copa__platform_match(want, &have))
        return 0;
    copa__platform_format(a, sizeof(a), &have);
    copa__platform_format(b, sizeof(b), want);
    copa__config_free(config);
    return copa__error_set(COPA_ENOTFOUND, "a single-platform image for %s, not %s", a, b);
}

int copa__source_resolve(copa__source *src, const copa__platform *want, copa__index *idx,
                         int *has_index, copa__manifest *manifest, copa__config *config)
{
    copa__index local;
    copa__platform host;
    size_t pick;
    int error;

    *has_index = 0;
    if (src->top_kind == COPA__DOC_MANIFEST) {
        if ((error = copa__manifest_parse(manifest, src->top, src->top_length)) != 0)
            return copa__error_prefix("%s: ", src->name);
    } else {
        if (idx == NULL)
            idx = &local;
        if ((error = copa__index_parse(idx, src->top, src->top_length)) != 0)
            return copa__error_prefix("%s: ", src->name);
        if (want == NULL) {
            copa__platform_host(&host);
            want = &host;
        }
        error = copa__index_select(&pick, idx, want);
        if (error == 0)
            error = load_manifest(src, &idx->manifests[pick], manifest);
        if (error != 0 || idx == &local)
            copa__index_free(idx);
        if (error != 0)
            return copa__error_prefix("%s: ", src->name);
        *has_index = idx != &local;
    }
    if ((error = load_config(src, manifest, config)) == 0 && want != NULL && !*has_index)
        error = check_single_platform(config, want);
    if (error != 0) {
        copa__manifest_free(manifest);
        if (*has_index)
            copa__index_free(idx);
        *has_index = 0;
        return copa__error_prefix("%s: ", src->name);
    }
    return 0;
}
