/*
 * Where a patched image goes and under which tag (docs/patch.md,
 * "Destination"). Pure functions of the source reference and the options.
 */
#include "patch/patch.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Docker's and the OCI distribution spec's limit, for every destination. */
enum { TAG_MAX_LENGTH = 128 };

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
    va_list ap;
    char *out = NULL;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&out, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : out;
}

int copa__patch_tag(char **out, const char *source_tag, const char *tag, const char *suffix)
{
    *out = NULL;
    if (tag != NULL && tag[0] != '\0')
        *out = strdup(tag);
    else if (suffix != NULL && suffix[0] == '\0')
        *out = strdup(source_tag != NULL ? source_tag : "latest");
    else
        *out = format("%s-%s", source_tag != NULL ? source_tag : "latest",
                      suffix != NULL ? suffix : "patched");
    return *out == NULL ? copa__error_oom() : 0;
}

/* "registry/repository" of the source, or a name made from a local path. */
static char *image_name(const copa_reference *src)
{
    const char *repo = copa_reference_repository(src), *path, *base;
    char *name, *p;

    if (repo != NULL)
        return format("%s/%s", copa_reference_registry(src), repo);
    path = copa_reference_path(src);
    base = path != NULL && strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
    name = format("localhost/%s", base != NULL && base[0] != '\0' ? base : "image");
    /* Docker repository names are lower case [a-z0-9._-]. */
    for (p = name != NULL ? name + 10 : NULL; p != NULL && *p != '\0'; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
        else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
                   *p == '-'))
            *p = '-';
    }
    return name;
}

/* FILE.tar -> FILE-TAG.tar (any other name: FILE-TAG). */
static char *sibling_archive(const char *path, const char *tag)
{
    size_t n = strlen(path);
    if (n > 4 && strcmp(path + n - 4, ".tar") == 0)
        return format("%.*s-%s.tar", (int)(n - 4), path, tag);
    return format("%s-%s", path, tag);
}

static int count_destinations(const copa_patch_options *o)
{
    return (o->push != 0) + (o->oci_dir != NULL) + (o->archive != NULL);
}

static char *choose(char **hint, const copa_reference *src, const copa_patch_options *o,
                    const char *tag, const char *name)
{
    const char *path = copa_reference_path(src);

    if (o->push)
        return format("%s:%s", name, tag);
    if (o->oci_dir != NULL)
        return format("oci:%s:%s", o->oci_dir, tag);
    if (o->archive != NULL)
        return format("docker-archive:%s:%s:%s", o->archive, name, tag);
    switch (copa_reference_transport(src)) {
    case COPA_TRANSPORT_OCI:
        return format("oci:%s:%s", path, tag);
    case COPA_TRANSPORT_OCI_ARCHIVE: {
        char *file = sibling_archive(path, tag), *out;
        out = file != NULL ? format("oci-archive:%s:%s", file, tag) : NULL;
        free(file);
        return out;
    }
    case COPA_TRANSPORT_DOCKER_ARCHIVE: {
        char *file = sibling_archive(path, tag), *out;
        out = file != NULL ? format("docker-archive:%s:%s:%s", file, name, tag) : NULL;
        free(file);
        return out;
    }
    case COPA_TRANSPORT_REGISTRY:
    default:
        *hint = format("wrote ./patched (OCI layout); load it with `skopeo copy "
                       "oci:patched:%s docker://%s:%s` or `podman load -i patched`, or "
                       "patch again with --push",
                       tag, name, tag);
        return format("oci:patched:%s", tag);
    }
}

/* Would `dest` replace the source image itself? */
static int same_place(const copa_reference *src, const copa_reference *dst)
{
    const char *a = copa_reference_string(src), *b = copa_reference_string(dst);
    return copa_reference_transport(src) == copa_reference_transport(dst) && a != NULL &&
           b != NULL && strcmp(a, b) == 0;
}

int copa__patch_destination(char **out, char **hint, const copa_reference *source,
                            const copa_patch_options *options)
{
    copa_reference *dst = NULL;
    char *tag = NULL, *name = NULL;
    int rc;

    *out = NULL;
    *hint = NULL;
    if (count_destinations(options) > 1)
        return copa__error_set(COPA_EINVALID,
                               "choose one of --push, --oci-dir and --archive for the result");
    if (options->push && copa_reference_transport(source) != COPA_TRANSPORT_REGISTRY)
        return copa__error_set(COPA_EINVALID,
                               "--push needs a registry image, not %s; use "
                               "--oci-dir or --archive",
                               copa_reference_string(source));
    if ((rc = copa__patch_tag(&tag, copa_reference_tag(source), options->tag,
                              options->tag_suffix)) != 0)
        return rc;
    if (strlen(tag) > TAG_MAX_LENGTH) {
        rc = copa__error_set(COPA_EINVALID,
                             "the tag of the result is %zu characters long; tags have at most %d",
                             strlen(tag), TAG_MAX_LENGTH);
        free(tag);
        return rc;
    }
    if ((name = image_name(source)) == NULL ||
        (*out = choose(hint, source, options, tag, name)) == NULL)
        rc = copa__error_oom();
    if (rc == 0 && (rc = copa_reference_parse(&dst, *out)) != 0)
        copa__error_prefix("destination: ");
    if (rc == 0 && same_place(source, dst) && (options->tag == NULL || options->tag[0] == '\0'))
        rc = copa__error_set(COPA_EINVALID,
                             "the result would replace the source %s; name the tag with -t to "
                             "overwrite it on purpose, or choose another --tag-suffix",
                             copa_reference_string(source));
    copa_reference_free(dst);
    free(tag);
    free(name);
    if (rc != 0) {
        free(*out);
        free(*hint);
        *out = *hint = NULL;
    }
    return rc;
}
