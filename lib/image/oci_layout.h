/*
 * OCI image layouts: oci-layout, index.json (tags are entries annotated
 * with org.opencontainers.image.ref.name) and blobs/<alg>/<hex>.
 */
#ifndef COPA_LIB_IMAGE_OCI_LAYOUT_H
#define COPA_LIB_IMAGE_OCI_LAYOUT_H

#include "image/model.h"

/* A blob a writer stored, or found already there and relies on. */
typedef struct copa__layout_blob {
    char digest[COPA_DIGEST_STRING_MAX];
    int created; /* this writer made the file: a failed write removes it */
} copa__layout_blob;

typedef struct copa__oci_layout {
    char *dir;
    copa__index index; /* index.json as last read (or as committed) */
    /* Writing: */
    cJSON *pending;           /* index entries set since the last commit */
    copa__layout_blob *blobs; /* what the pending entries need */
    size_t blob_count, blob_capacity;
    unsigned made; /* COPA__LAYOUT_MADE_* (oci_layout_lock.h): what init made */
    /* Asked while waiting for the layout's lock; NULL: wait as long as it takes. */
    int (*cancel)(void *payload);
    void *cancel_payload;
} copa__oci_layout;

/* Open an existing layout for reading: checks oci-layout, parses index.json. */
int copa__oci_layout_open(copa__oci_layout *out, const char *dir);
/*
 * Open a layout for writing, creating the directory, oci-layout and an
 * empty index when missing (never replacing what another writer made).
 */
int copa__oci_layout_init(copa__oci_layout *out, const char *dir);
/* The same, giving up waiting for the lock (here and at commit) when `cancel` says so. */
int copa__oci_layout_init_until(copa__oci_layout *out, const char *dir,
                                int (*cancel)(void *payload), void *cancel_payload);
void copa__oci_layout_free(copa__oci_layout *layout);

/*
 * The index.json entry for a tag; with tag NULL the only entry. Not found
 * lists the tags there are.
 */
int copa__oci_layout_find(const copa__oci_layout *layout, const char *tag,
                          const copa__descriptor **out);

/*
 * Point `tag` (or the untagged entry) at a manifest, in memory until the
 * commit; only that entry changes.
 */
int copa__oci_layout_set_tag(copa__oci_layout *layout, const char *tag, const char *media_type,
                             const char *digest, double size);
/* Remember a blob stored for this write (created: this writer made the file). */
int copa__oci_layout_note_blob(copa__oci_layout *layout, const char *digest, int created);
/*
 * Under the layout's lock: read index.json as it is now, apply the entries
 * set since the last commit (entries of other tags, other writers' included,
 * stay as they are), check that every noted blob is still there, and
 * replace index.json atomically. Concurrent writers of different tags all
 * keep their tag.
 */
int copa__oci_layout_commit(copa__oci_layout *layout);
/*
 * A write that will not commit (oci_layout_abort.c): under the lock, remove
 * the blobs this writer created that index.json (as it is now) does not
 * reach, and the layout's files and directories only when init made them
 * and nothing else is left in them. What other writers put there stays.
 */
void copa__oci_layout_abort(copa__oci_layout *layout);

#endif
