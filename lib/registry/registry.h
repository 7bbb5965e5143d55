/*
 * OCI distribution (registry API v2) client at the level of bytes and
 * digests: (registry, repository, reference or digest) in, verified bytes
 * out; verified blobs in, a tagged manifest out. References, manifests and
 * layouts as structures are lib/image/'s business.
 *
 * A registry is "host[:port]"; "docker.io" means Docker Hub's API host
 * registry-1.docker.io. Every request speaks HTTPS with certificate
 * verification unless the registry is listed in `insecure_registries`,
 * which makes it plain HTTP.
 */
#ifndef COPA_LIB_REGISTRY_REGISTRY_H
#define COPA_LIB_REGISTRY_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "net/http.h"
#include "util/digest.h"

#define COPA_MEDIA_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define COPA_MEDIA_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define COPA_MEDIA_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define COPA_MEDIA_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

typedef struct copa__registry copa__registry;

typedef struct copa__registry_options {
    const char *credentials;                /* "USER:PASS" for every registry, or NULL */
    const char *const *insecure_registries; /* NULL-terminated host[:port] list: plain HTTP */
    size_t chunk_size;                      /* upload chunk; default 8 MiB */
    size_t monolithic_max;                  /* larger blobs go chunked; default 32 MiB */
    copa__http_options http;                /* TLS, timeouts, retries, cancel */
} copa__registry_options;

/* 0 or COPA_ENOMEM. The options (and the strings they point to) are copied. */
int copa__registry_new(copa__registry **out, const copa__registry_options *options);
void copa__registry_free(copa__registry *registry);

/*
 * GET /v2/: 0 when the registry answers (after authenticating if it asks).
 * COPA_ENETWORK/COPA_EVERIFY/COPA_ETIMEOUT for transport and TLS failures,
 * COPA_EAUTH when the credentials are refused.
 */
int copa__registry_ping(copa__registry *r, const char *registry);

typedef struct copa__registry_manifest {
    char *data; /* the exact bytes (NUL-terminated for convenience) */
    size_t length;
    char *media_type; /* from Content-Type, or the manifest's own mediaType */
    char digest[COPA_DIGEST_STRING_MAX];
} copa__registry_manifest;

void copa__registry_manifest_free(copa__registry_manifest *manifest);

/*
 * Fetch a manifest by tag or digest with Accept for OCI manifest + index and
 * Docker schema 2 manifest + list (or `accept`, NULL-terminated, instead).
 * By digest, the bytes must hash to it; by tag, the digest is computed and
 * checked against Docker-Content-Digest when the registry sends one.
 * COPA_ENOTFOUND, COPA_EVERIFY, COPA_EAUTH, COPA_ENETWORK.
 */
int copa__registry_manifest_get(copa__registry_manifest *out, copa__registry *r,
                                const char *registry, const char *repository, const char *reference,
                                const char *const *accept);

/* HEAD a manifest: digest (Docker-Content-Digest), media type, size. COPA_ENOTFOUND. */
int copa__registry_manifest_head(char digest[COPA_DIGEST_STRING_MAX], char **media_type,
                                 uint64_t *size, copa__registry *r, const char *registry,
                                 const char *repository, const char *reference);

/*
 * PUT a manifest under `reference` (a tag, or its own digest). The digest of
 * `data` goes to `digest` (may be NULL). Callers put the manifest only after
 * every blob it names is present (copa__registry_blob_push).
 */
int copa__registry_manifest_put(char digest[COPA_DIGEST_STRING_MAX], copa__registry *r,
                                const char *registry, const char *repository, const char *reference,
                                const char *media_type, const void *data, size_t length);

/* copa__registry_manifest_put, telling whether the registry refused it with DIGEST_INVALID. */
int copa__registry_manifest_put_once(char digest[COPA_DIGEST_STRING_MAX], int *digest_invalid,
                                     copa__registry *r, const char *registry,
                                     const char *repository, const char *reference,
                                     const char *media_type, const void *data, size_t length);

/* Make blob `digest` present in the repository again; 0, or an error (with its message). */
typedef int (*copa__registry_reupload_fn)(void *payload, const char *digest);

/*
 * copa__registry_manifest_put that survives distribution's link race: a
 * registry (distribution 2.8 on a filesystem) rewrites a repository's link
 * file to a blob in place each time that blob is uploaded or mounted there,
 * and a manifest PUT that reads the link meanwhile finds it empty and
 * answers DIGEST_INVALID although every blob is present. On DIGEST_INVALID
 * the blobs and child manifests the document names are HEADed again, any
 * missing blob is given back through `reupload` (may be NULL: then a
 * missing blob fails), and the PUT is repeated after a short pause, at most
 * COPA__MANIFEST_PUT_ATTEMPTS times in all. Other failures are not retried.
 */
enum { COPA__MANIFEST_PUT_ATTEMPTS = 6 };
int copa__registry_manifest_put_retrying(char digest[COPA_DIGEST_STRING_MAX], copa__registry *r,
                                         const char *registry, const char *repository,
                                         const char *reference, const char *media_type,
                                         const void *data, size_t length,
                                         copa__registry_reupload_fn reupload, void *payload);

/* HEAD a blob: 0 with its size, or COPA_ENOTFOUND. */
int copa__registry_blob_head(uint64_t *size, copa__registry *r, const char *registry,
                             const char *repository, const char *digest);

/*
 * Stream a blob to `write` while hashing it; redirects (to storage hosts)
 * are followed without our Authorization header. The stream is complete and
 * verified only when this returns 0; on COPA_EVERIFY the consumer has seen
 * bytes that must be thrown away. `reset` (may be NULL) lets a broken
 * download be retried from the start.
 */
int copa__registry_blob_get(copa__registry *r, const char *registry, const char *repository,
                            const char *digest, copa__http_write_fn write,
                            copa__http_reset_fn reset, void *payload);

/* The same into memory (at most `max_size` bytes). */
int copa__registry_blob_get_buffer(char **out, size_t *length, copa__registry *r,
                                   const char *registry, const char *repository, const char *digest,
                                   size_t max_size);

/* Where the bytes of a blob to push come from: memory, or a file descriptor (pread). */
typedef struct copa__blob_source {
    const void *data; /* or NULL to read `fd` */
    int fd;
    uint64_t size;
} copa__blob_source;

/* What copa__registry_blob_push did. */
typedef enum copa__push_outcome {
    COPA__PUSH_EXISTED = 1,
    COPA__PUSH_MOUNTED = 2,
    COPA__PUSH_MONOLITHIC = 3,
    COPA__PUSH_CHUNKED = 4
} copa__push_outcome;

/*
 * Make blob `digest` present in `repository`: skip when HEAD finds it;
 * else mount it from `mount_from` (another repository on the same registry,
 * may be NULL); else upload it, in one PUT when small, in PATCH chunks when
 * larger than monolithic_max. Ends with a HEAD that confirms the blob and
 * its size. `outcome` may be NULL.
 */
int copa__registry_blob_push(copa__push_outcome *outcome, copa__registry *r, const char *registry,
                             const char *repository, const char *digest,
                             const copa__blob_source *source, const char *mount_from);

/*
 * Only the cross-repository mount of copa__registry_blob_push: 0 when the
 * blob is now in `repository` (confirmed by HEAD), COPA_ENOTFOUND when the
 * registry refused the mount (the upload session it opened instead is
 * abandoned; registries expire those), other errors as they come.
 */
int copa__registry_blob_mount(copa__registry *r, const char *registry, const char *repository,
                              const char *digest, const char *mount_from);

/* One blob of an image push. */
typedef struct copa__push_blob {
    const char *digest;
    copa__blob_source source;
    const char *mount_from; /* repository on the same registry that has it, or NULL */
} copa__push_blob;

/*
 * Push an image: every blob (existence check, mount or upload, confirmed by
 * HEAD), and only when all are present, the manifest under `tag`. A failure
 * before the manifest PUT leaves the tag as it was.
 */
int copa__registry_push_image(char digest[COPA_DIGEST_STRING_MAX], copa__registry *r,
                              const char *registry, const char *repository, const char *tag,
                              const copa__push_blob *blobs, size_t count, const char *media_type,
                              const void *manifest, size_t length);

/*
 * Every tag of `repository` (GET /v2/<name>/tags/list, following Link
 * rel="next" pages; page_size > 0 asks for pages of that many with ?n=).
 * *out is a NULL-terminated malloc'd array (copa__registry_tags_free).
 * COPA_ENOTFOUND for an unknown repository, COPA_EAUTH, COPA_ENETWORK,
 * COPA_EINVALID for a malformed page or a next link off the registry.
 */
int copa__registry_tags_list(char ***out, size_t *count, copa__registry *r, const char *registry,
                             const char *repository, unsigned int page_size);

void copa__registry_tags_free(char **tags, size_t count);

#endif
