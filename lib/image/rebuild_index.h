/*
 * A new multi-platform image from an old one: several platforms of an index
 * are rebuilt (each written to the destination by digest as soon as it is
 * ready), then the index is rewritten once and committed under the tag.
 *
 *   copa__index_rebuild_open(&rb, from, to, options);
 *   for each entry i the plan (copa__index_plan) marks PATCH and that
 *   needs updates: copa__index_rebuild_platform(rb, i, &spec);
 *   copa__index_rebuild_commit(rb, &outcome);   (nothing is visible before)
 *   copa__index_rebuild_free(rb);                (without a commit: undone)
 */
#ifndef COPA_LIB_IMAGE_REBUILD_INDEX_H
#define COPA_LIB_IMAGE_REBUILD_INDEX_H

#include "image/rebuild.h"

/* One rewritten entry: the manifest old_digest became digest/size/media_type. */
typedef struct copa__index_replacement {
    char old_digest[COPA_DIGEST_STRING_MAX];
    char digest[COPA_DIGEST_STRING_MAX];
    double size;
    char media_type[128];
} copa__index_replacement;

/*
 * Rewrite idx in place: each entry whose digest is an old_digest gets the
 * new digest, size and mediaType (its platform, annotations and unknown
 * fields stay, and so do the order of entries and the index's own media
 * type and fields); attestation entries (vnd.docker.reference.type =
 * attestation-manifest) whose vnd.docker.reference.digest is a replaced
 * old_digest are removed: they describe an image that is no longer in the
 * index. Their digests go to *dropped (malloc'd array of dropped_count
 * malloc'd strings, free with copa__strings_free; NULL when none), and
 * dropped may be NULL.
 * A replacement whose digest equals its old_digest changes nothing. When
 * nothing changes, idx keeps its exact bytes; otherwise it is serialized
 * compactly once. A replacement no entry has is COPA_ENOTFOUND.
 */
int copa__index_apply(copa__index *idx, const copa__index_replacement *replacements, size_t n,
                      char ***dropped, size_t *dropped_count);
void copa__strings_free(char **strings, size_t count);

/*
 * Before any work: can `to` take `selected` platforms of an index? A
 * docker-archive holds one image, so it takes an index only when exactly
 * one platform is selected (COPA_EUNSUPPORTED otherwise, saying so).
 */
int copa__index_rebuild_check(const copa_reference *to, size_t selected);

typedef struct copa__index_rebuild copa__index_rebuild;

/* Open the source (its top document is read) and the destination. */
int copa__index_rebuild_open(copa__index_rebuild **out, const copa_reference *from,
                             const copa_reference *to, const copa__transport_options *options);
/* The source's index, or NULL when the source is a single manifest (then
 * entry 0 of copa__index_rebuild_platform means that manifest). */
const copa__index *copa__index_rebuild_index(const copa__index_rebuild *rb);

/*
 * Rebuild entry `entry` of the source index as spec says (new layer,
 * labels, annotations, dropped layers) and write its layers, config and
 * manifest to the destination (a registry gets the manifest by digest, no
 * tag). spec->digest_out receives the new manifest digest. Calls may come
 * from several threads; they are serialized (the writes share one
 * destination). Each entry at most once.
 */
int copa__index_rebuild_platform(copa__index_rebuild *rb, size_t entry, const copa__rebuild *spec);

typedef struct copa__index_rebuild_outcome {
    char digest[COPA_DIGEST_STRING_MAX]; /* the new top-level document */
    char **dropped;                      /* attestation manifests left out */
    size_t dropped_count;
} copa__index_rebuild_outcome;

/*
 * Finish: every entry not rebuilt (and not a dropped attestation) is copied
 * unchanged with its blobs, the index is rewritten (copa__index_apply) and
 * committed: a registry gets it under the tag (after every manifest), an
 * OCI layout an index.json entry naming the new index blob. A
 * docker-archive gets the one platform rebuilt (COPA_EUNSUPPORTED unless
 * exactly one was). A single-manifest source commits its rebuilt manifest.
 * Free out->dropped with copa__strings_free.
 */
int copa__index_rebuild_commit(copa__index_rebuild *rb, copa__index_rebuild_outcome *out);
void copa__index_rebuild_free(copa__index_rebuild *rb);

/* The session in one call: rebuild entries[i] with specs[i] (i < n), commit. */
int copa__image_rebuild_index(const copa_reference *from, const copa_reference *to,
                              const size_t *entries, const copa__rebuild *specs, size_t n,
                              const copa__transport_options *options,
                              copa__index_rebuild_outcome *out);

#endif
