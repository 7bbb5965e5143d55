/*
 * OCI image layouts: oci-layout, index.json (tags are entries annotated
 * with org.opencontainers.image.ref.name) and blobs/<alg>/<hex>.
 */
#ifndef COPA_LIB_IMAGE_OCI_LAYOUT_H
#define COPA_LIB_IMAGE_OCI_LAYOUT_H

#include "image/model.h"

typedef struct copa__oci_layout {
    char *dir;
    copa__index index; /* index.json */
} copa__oci_layout;

/* Open an existing layout for reading: checks oci-layout, parses index.json. */
int copa__oci_layout_open(copa__oci_layout *out, const char *dir);
/*
 * Open a layout for writing, creating the directory, oci-layout and an
 * empty index when missing. *created says whether the directory was made.
 */
int copa__oci_layout_init(copa__oci_layout *out, const char *dir, int *created);
void copa__oci_layout_free(copa__oci_layout *layout);

/*
 * The index.json entry for a tag; with tag NULL the only entry. Not found
 * lists the tags there are.
 */
int copa__oci_layout_find(const copa__oci_layout *layout, const char *tag,
                          const copa__descriptor **out);

/* Point `tag` (or the untagged entry) at a manifest; only that entry changes. */
int copa__oci_layout_set_tag(copa__oci_layout *layout, const char *tag, const char *media_type,
                             const char *digest, double size);
/* Write index.json atomically. */
int copa__oci_layout_commit(copa__oci_layout *layout);

#endif
