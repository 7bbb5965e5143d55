/*
 * The image model: OCI and Docker schema 2 manifests, indexes (manifest
 * lists) and image configs. Each document keeps its exact bytes and its
 * cJSON tree; typed fields borrow from the tree. A document that is not
 * changed is written back byte for byte; a changed one keeps every field it
 * had (unknown ones too) and is serialized once, its digest taken over the
 * bytes written.
 */
#ifndef COPA_LIB_IMAGE_MODEL_H
#define COPA_LIB_IMAGE_MODEL_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/digest.h"
#include "layer/compression.h"

#define COPA_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define COPA_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define COPA_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define COPA_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define COPA_MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define COPA_MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define COPA_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define COPA_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define COPA_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define COPA_MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"
#define COPA_MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"

/* Annotation naming a tag in an OCI layout's index.json. */
#define COPA_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"

/* Upper bound for manifests, indexes and configs read into memory. */
enum { COPA_JSON_DOC_MAX = 8 * 1024 * 1024 };

typedef enum copa__doc_kind {
    COPA__DOC_UNKNOWN = 0,
    COPA__DOC_MANIFEST, /* OCI manifest or Docker schema 2 */
    COPA__DOC_INDEX     /* OCI index or Docker manifest list */
} copa__doc_kind;

typedef enum copa__family { COPA__FAMILY_OCI = 0, COPA__FAMILY_DOCKER = 1 } copa__family;

typedef struct copa__platform {
    char os[32];
    char architecture[32];
    char variant[16];
} copa__platform;

/* A content descriptor; strings are borrowed from the owning document. */
typedef struct copa__descriptor {
    const char *media_type;
    const char *digest;
    double size;
    int has_platform;
    copa__platform platform;
    cJSON *json; /* the descriptor object inside the owner's tree */
} copa__descriptor;

/* A JSON document with its bytes, digest and tree. */
typedef struct copa__doc {
    char *raw; /* exactly the bytes read or written, NUL-terminated */
    size_t raw_length;
    char digest[COPA_DIGEST_STRING_MAX];
    cJSON *json;
} copa__doc;

typedef struct copa__manifest {
    copa__doc doc;
    copa__family family;
    const char *media_type; /* never NULL: the detected type */
    copa__descriptor config;
    copa__descriptor *layers;
    size_t layer_count;
} copa__manifest;

typedef struct copa__index {
    copa__doc doc;
    copa__family family;
    const char *media_type;
    copa__descriptor *manifests;
    size_t manifest_count;
} copa__index;

typedef struct copa__config {
    copa__doc doc;
    const char *os;
    const char *architecture;
    const char *variant;
    size_t diff_id_count;
} copa__config;

/* --- documents (doc.c) --- */

/* Copy bytes into doc, parse them and compute the digest. */
int copa__doc_load(copa__doc *doc, const void *bytes, size_t length, const char *what);
/* Serialize doc->json (compact) into raw and recompute the digest. */
int copa__doc_reserialize(copa__doc *doc);
void copa__doc_free(copa__doc *doc);
/*
 * Which kind of document `media_type` names (NULL: unknown), and its
 * family. Schema 1 and unknown types give COPA_EUNSUPPORTED with a message.
 */
int copa__media_type_kind(copa__doc_kind *kind, copa__family *family, const char *media_type);
/* Kind of a document from its mediaType field, or its shape when absent. */
int copa__doc_detect(copa__doc_kind *kind, const void *bytes, size_t length);
/* Parse a descriptor object (mediaType, digest, size, platform). */
int copa__descriptor_parse(copa__descriptor *out, cJSON *json, const char *what);
/* Set object[key] to a new string or number, replacing any old value in place. */
int copa__json_replace_string(cJSON *object, const char *key, const char *value);
int copa__json_replace_number(cJSON *object, const char *key, double value);
/* Layer media type for a family and a compression. */
const char *copa__layer_media_type(copa__family family, copa__compression compression);

/* --- manifest.c, index.c, config.c --- */

int copa__manifest_parse(copa__manifest *out, const void *bytes, size_t length);
/*
 * The same for a manifest that is only copied: its layers may be of any
 * media type (buildx attestations carry application/vnd.in-toto+json,
 * artifacts their own types), as the blobs are copied, never read.
 */
int copa__manifest_parse_to_copy(copa__manifest *out, const void *bytes, size_t length);
/* Re-read the typed fields after the tree changed (no reserialization). */
int copa__manifest_refresh(copa__manifest *m);
void copa__manifest_free(copa__manifest *m);

/*
 * Rewrite a Docker schema 2 manifest with the matching OCI media types
 * (manifest, config, layers); the blobs it names do not change. A no-op for
 * an OCI manifest. Needed for OCI layouts: umoci and skopeo read only OCI
 * manifests there.
 */
int copa__manifest_convert_oci(copa__manifest *m);

int copa__index_parse(copa__index *out, const void *bytes, size_t length);
int copa__index_refresh(copa__index *idx);
void copa__index_free(copa__index *idx);
/* Point the entry whose digest is old_digest at a new manifest. */
int copa__index_replace_manifest(copa__index *idx, const char *old_digest,
                                 const copa__manifest *replacement);

int copa__config_parse(copa__config *out, const void *bytes, size_t length);
void copa__config_free(copa__config *c);

/* --- platform.c --- */

/* Parse "os/arch[/variant]" and normalize it. */
int copa__platform_parse(copa__platform *out, const char *text);
/* Normalize names in place: aarch64 -> arm64, x86_64 -> amd64, ... */
void copa__platform_normalize(copa__platform *p);
/* The platform this program runs on. */
void copa__platform_host(copa__platform *out);
/* Does `have` satisfy `want` (both normalized)? */
int copa__platform_match(const copa__platform *want, const copa__platform *have);
/* "os/arch[/variant]" into out. */
void copa__platform_format(char *out, size_t size, const copa__platform *p);
/*
 * Choose the manifest for `want` in an index: *out is its position. An
 * error (COPA_ENOTFOUND) lists the platforms the index has.
 */
int copa__index_select(size_t *out, const copa__index *idx, const copa__platform *want);

/* --- build.c: a new image from an old one --- */

typedef struct copa__new_layer {
    const char *digest;  /* of the blob as stored */
    double size;         /* bytes of the blob as stored */
    const char *diff_id; /* digest of the uncompressed tar */
    copa__compression compression;
    const char *created;    /* RFC 3339 time for the history entry, or NULL */
    const char *created_by; /* history text, or NULL */
    const char *comment;    /* history comment, or NULL */
} copa__new_layer;

/* Append a layer to config (diff_id + history) and manifest (descriptor),
 * keeping the manifest's family. Both are reserialized; the manifest's
 * config descriptor then names the new config. */
int copa__image_append_layer(copa__manifest *m, copa__config *c, const copa__new_layer *layer);
/* The config half of appending a layer: diff_id, history entry, created. */
int copa__config_append_layer(copa__config *c, const copa__new_layer *layer);
/* Set (value != NULL) or remove (value == NULL) a config label. */
int copa__config_set_label(copa__config *c, const char *key, const char *value);
/* Set or remove a manifest annotation (OCI only: COPA_EUNSUPPORTED for Docker). */
int copa__manifest_set_annotation(copa__manifest *m, const char *key, const char *value);
/* After config changes: reserialize config, point the manifest at it, reserialize. */
int copa__image_finish(copa__manifest *m, copa__config *c);

#endif
