/*
 * A new image from an old one, written to a destination.
 */
#ifndef COPA_LIB_IMAGE_REBUILD_H
#define COPA_LIB_IMAGE_REBUILD_H

#include "image/transport.h"

typedef struct copa__rebuild {
    const copa__new_layer *layer;   /* NULL: no new layer */
    const char *layer_path;         /* the layer blob as a file */
    const char *const *labels;      /* "KEY=VALUE", NULL-terminated, or NULL */
    const char *const *annotations; /* manifest annotations, OCI only */
    size_t drop_layers;             /* top layers of the source to leave out (re-patching) */
    char *digest_out;               /* COPA_DIGEST_STRING_MAX bytes: the new manifest's digest */
} copa__rebuild;

/* Remove the top `n` layers (descriptors, diff_ids, history) of m and c. */
int copa__image_drop_layers(copa__manifest *m, copa__config *c, size_t n);

/*
 * Change m and c as spec says and write the new image's blobs, config and
 * manifest to dst (a registry gets the manifest by digest, no tag; an OCI
 * layout gets Docker manifests converted to OCI). The layers of m are
 * copied from src. The caller commits.
 */
int copa__rebuild_write(copa__source *src, copa__dest *dst, copa__manifest *m, copa__config *c,
                        const copa__rebuild *spec);

/*
 * Read `from`, change the manifest of platform `want` (NULL: the host's) as
 * `spec` says and write the result to `to`. For an index (unless `to` is a
 * docker-archive) only that platform's entry changes; the other manifests
 * and their blobs are copied byte for byte.
 */
int copa__image_rebuild(const copa_reference *from, const copa_reference *to,
                        const copa__platform *want, const copa__rebuild *spec,
                        const copa__transport_options *options);

#endif
