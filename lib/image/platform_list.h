/*
 * Several platforms at once: the value of `--platform a,b,c`, and which
 * entries of an index a multi-platform patch rewrites, keeps or drops.
 */
#ifndef COPA_LIB_IMAGE_PLATFORM_LIST_H
#define COPA_LIB_IMAGE_PLATFORM_LIST_H

#include "image/model.h"

typedef struct copa__platform_list {
    copa__platform *items; /* normalized, in the order given */
    size_t count;
} copa__platform_list;

/*
 * Parse a comma-separated list of "os/arch[/variant]" (at least one).
 * COPA_EINVALID, quoting the list, for an empty element, a malformed one,
 * or two elements naming one platform after normalization
 * ("linux/arm64,linux/arm64/v8").
 */
int copa__platform_list_parse(copa__platform_list *out, const char *text);
void copa__platform_list_free(copa__platform_list *list);

/* What a multi-platform patch does with one entry of the source index. */
typedef enum copa__entry_role {
    COPA__ENTRY_KEEP = 0,   /* copied unchanged (not selected, or not linux) */
    COPA__ENTRY_PATCH,      /* selected: to be patched */
    COPA__ENTRY_ATTESTATION /* a buildx attestation manifest; kept unless its subject changes */
} copa__entry_role;

/* Annotations of Docker buildx attestation manifests in an index. */
#define COPA_ANNOTATION_REFERENCE_TYPE "vnd.docker.reference.type"
#define COPA_ANNOTATION_REFERENCE_DIGEST "vnd.docker.reference.digest"
#define COPA_REFERENCE_TYPE_ATTESTATION "attestation-manifest"

typedef struct copa__entry_plan {
    copa__entry_role role;
    /* ATTESTATION: the digest of the manifest it describes (borrowed from
     * the index), or NULL when the annotation is missing or not a digest. */
    const char *subject;
} copa__entry_plan;

/*
 * Decide every entry of idx: out gets idx->manifest_count plans (malloc'd,
 * free()). With `want` (a list), exactly the entries matching its elements
 * are PATCH: an element matches the entries of equal normalized platform,
 * else (an element without variant) the one entry of that os/arch; an
 * element the index lacks, or one matching several entries, is an error
 * (COPA_ENOTFOUND / COPA_EINVALID) naming it and listing the index's
 * platforms. Without `want` (NULL), every entry whose os is linux is PATCH.
 * Attestation manifests (annotation vnd.docker.reference.type =
 * attestation-manifest) are never PATCH.
 */
int copa__index_plan(copa__entry_plan **out, const copa__index *idx,
                     const copa__platform_list *want);

/* Append "linux/amd64, linux/arm64, ..." (entries with a platform, not
 * attestations; plans may be NULL) to out, for messages. */
struct copa__buf;
void copa__index_platform_names(struct copa__buf *out, const copa__index *idx,
                                const copa__entry_plan *plans);

#endif
