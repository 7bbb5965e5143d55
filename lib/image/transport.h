/*
 * Image sources and destinations, one interface for every transport.
 * A source gives the top-level manifest (or index) bytes and verified
 * blobs by digest; a destination takes blobs and, last, the manifest, and
 * makes the image visible only then (rename of index.json or the archive).
 * Registry sources and destinations (docker://) are in registry_source.c
 * and registry_dest.c; their blobs go through the blob cache.
 */
#ifndef COPA_LIB_IMAGE_TRANSPORT_H
#define COPA_LIB_IMAGE_TRANSPORT_H

#include "image/model.h"
#include "image/oci_layout.h"
#include "image/reference.h"
#include "image/store.h"
#include "net/http.h"

typedef struct copa__registry copa__registry;
typedef struct copa__blob_cache copa__blob_cache;

/* How to reach registries; every field may be NULL. */
typedef struct copa__transport_options {
    const char *credentials;                /* "USER:PASS" (never printed) */
    const char *const *insecure_registries; /* NULL-terminated HOST[:PORT]: plain HTTP */
    const char *ca_file;                    /* PEM bundle to trust */
    const char *cert_dir;                   /* directory of *.crt files to trust */
    const char *cache_dir;                  /* blob cache; NULL: the default */
    /* Polled by every registry transfer (blob downloads and uploads
     * included) while it runs; non-zero stops it with COPA_ECANCELLED.
     * This is how a caller's deadline and cancel reach the network. */
    copa__http_cancel_fn cancel;
    void *cancel_payload;
} copa__transport_options;

/* A registry client for these options and the registry host (HOST[:PORT]
 * as in the reference, for its certs.d trust) (transport_options.c). *bundle is a
 * temporary CA bundle made from cert_dir, to unlink and free after use. */
int copa__transport_registry_new(copa__registry **out, char **bundle,
                                 const copa__transport_options *options, const char *host);
void copa__transport_bundle_free(char *bundle);

typedef struct copa__archive_file {
    char digest[COPA_DIGEST_STRING_MAX];
    double size;
    char *path;
} copa__archive_file;

typedef struct copa__source {
    copa_transport transport;
    char *name;    /* the reference as given, for messages */
    char *tempdir; /* an unpacked archive, removed on free */
    copa__oci_layout layout;
    int has_layout;
    /* docker-archive: blobs by digest (config, layers) */
    copa__archive_file *files;
    size_t file_count;
    /* the top-level document */
    char *top;
    size_t top_length;
    char top_digest[COPA_DIGEST_STRING_MAX];
    copa__doc_kind top_kind;
    /* docker:// */
    copa__registry *registry;
    char *ca_bundle;
    char *host, *repository;
    copa__blob_cache *cache;
} copa__source;

/* Open an image for reading; options may be NULL. */
int copa__source_open(copa__source **out, const copa_reference *ref,
                      const copa__transport_options *options);
void copa__source_free(copa__source *src);
/* registry_source.c: fetch the top-level document of a registry image. */
int copa__registry_source_open(copa__source *src, const copa_reference *ref,
                               const copa__transport_options *options);
void copa__registry_source_close(copa__source *src);
/* registry_source.c: the path of a verified, cached copy of a blob or manifest. */
int copa__registry_source_path(char **out, copa__source *src, const char *digest, double size,
                               int is_manifest);
/* A whole verified manifest of the image by digest (a blob for local transports). */
int copa__source_manifest_all(copa__source *src, char **out, size_t *length, const char *digest);
/* A verified reader for a blob of the image. */
int copa__source_blob(copa__source *src, copa__blob_reader **out, const char *digest, double size);
/* A whole verified blob (manifests, configs). */
int copa__source_blob_all(copa__source *src, char **out, size_t *length, const char *digest);

/*
 * The image for one platform: the index (when the top is one; idx may be
 * NULL), the manifest and the config, all verified and parsed. want NULL
 * means the host's platform.
 */
int copa__source_resolve(copa__source *src, const copa__platform *want, copa__index *idx,
                         int *has_index, copa__manifest *manifest, copa__config *config);

/* The manifest an index entry names and its config, verified and parsed. */
int copa__source_load_entry(copa__source *src, const copa__descriptor *entry,
                            copa__manifest *manifest, copa__config *config);

/* docker_archive.c: read manifest.json of a docker archive read into `tree`. */
typedef struct copa__archive_tree copa__archive_tree;
int copa__docker_archive_load(copa__source *src, const copa__archive_tree *tree,
                              const copa_reference *ref);
/* docker_archive.c: write manifest.json and repositories into dir. */
int copa__docker_archive_write_meta(const char *dir, const copa_reference *ref,
                                    const copa__manifest *manifest);

typedef struct copa__dest {
    copa_transport transport;
    copa_reference *ref;
    char *stage; /* archive transports: the tree to tar */
    copa__oci_layout layout;
    int has_layout;
    int committed;
    /* docker:// */
    copa__registry *registry;
    char *ca_bundle;
    char *mount_from; /* a repository on the same registry that has the blobs */
    /* what this push uploaded, to upload again if the registry loses it
     * before the manifest PUT (registry_dest.c) */
    struct copa__pushed_blob *pushed;
    size_t pushed_count;
} copa__dest;

int copa__dest_open(copa__dest **out, const copa_reference *ref,
                    const copa__transport_options *options);
/* Blobs can be mounted from src when it is a repository on the same registry. */
void copa__dest_set_mount_source(copa__dest *dst, const copa__source *src);
/*
 * 1 when the destination already has the blob (or got it by a cross-repository
 * mount) so the source need not be read, 0 when it needs the bytes, < 0 error.
 */
int copa__dest_has_blob(copa__dest *dst, const copa__descriptor *d);
/* Store a blob, verifying it on the way. */
int copa__dest_put_blob(copa__dest *dst, const char *digest, copa__blob_reader *reader);
int copa__dest_put_buffer(copa__dest *dst, const char *digest, const void *data, size_t length);
/* Store a manifest that an index (or a later tag) names: by digest in a registry. */
int copa__dest_put_manifest(copa__dest *dst, const copa__doc *doc, const char *media_type);
/* registry_dest.c: the docker:// halves of the functions above. */
int copa__registry_dest_open(copa__dest *dst, const copa__transport_options *options);
void copa__registry_dest_close(copa__dest *dst);
int copa__registry_dest_has_blob(copa__dest *dst, const copa__descriptor *d);
int copa__registry_dest_put_blob(copa__dest *dst, const char *digest, copa__blob_reader *reader);
int copa__registry_dest_put_buffer(copa__dest *dst, const char *digest, const void *data,
                                   size_t length);
int copa__registry_dest_put_manifest(copa__dest *dst, const copa__doc *doc, const char *media_type,
                                     int tagged);
/*
 * Finish: the top-level document (a manifest, or an index for oci and
 * oci-archive) is stored and named. For docker-archive `manifest` must be
 * the single-platform manifest.
 */
int copa__dest_commit(copa__dest *dst, const copa__doc *top, const char *media_type,
                      const copa__manifest *manifest);
/* Does the destination hold only OCI manifests (oci:, oci-archive:)? */
int copa__dest_wants_oci(const copa__dest *dst);
/* Free; without a commit, everything written is removed. */
void copa__dest_free(copa__dest *dst);

/*
 * Copy manifest i of idx and its blobs. For an OCI layout a Docker manifest
 * is converted and idx's entry updated to the converted one.
 */
int copa__copy_index_child(copa__source *src, copa__dest *dst, copa__index *idx, size_t i);
/* Commit an index (a Docker manifest list becomes an OCI index for OCI layouts). */
int copa__dest_commit_index(copa__dest *dst, copa__index *idx);

/*
 * Copy an image. With want NULL an index is copied whole (oci,
 * oci-archive destinations) or the host's platform chosen (docker-archive).
 */
int copa__image_copy(const copa_reference *from, const copa_reference *to,
                     const copa__platform *want, const copa__transport_options *options);

#endif
