/**
 * @file
 * Image references and read-only image inspection.
 *
 * A reference names an image and where it lives (its transport):
 *
 *     nginx, docker.io/library/nginx:1.25, registry:5000/ns/repo@sha256:...
 *     docker://REF                 a registry (same as a bare reference)
 *     oci:DIR[:TAG]                an OCI image layout directory
 *     oci-archive:FILE[:TAG]       a tar of an OCI image layout
 *     docker-archive:FILE[:REF]    the `docker save` format
 *
 * Parsing is pure and thread-safe; no copa_init() needed.
 */
#ifndef COPA_IMAGE_H
#define COPA_IMAGE_H

#include "common.h"

COPA_BEGIN_DECL

/** Where an image lives. */
typedef enum copa_transport {
    /** A registry: a bare reference or docker://REF. */
    COPA_TRANSPORT_REGISTRY = 0,
    /** oci:DIR[:TAG], an OCI image layout directory. */
    COPA_TRANSPORT_OCI = 1,
    /** oci-archive:FILE[:TAG], a tar file holding an OCI image layout. */
    COPA_TRANSPORT_OCI_ARCHIVE = 2,
    /** docker-archive:FILE[:REF], the format of `docker save`. */
    COPA_TRANSPORT_DOCKER_ARCHIVE = 3
} copa_transport;

/** A parsed, normalized image reference (opaque). */
typedef struct copa_reference copa_reference;

/**
 * Parse and normalize an image reference.
 *
 * Registry references follow Docker's rules: "nginx" becomes
 * "docker.io/library/nginx:latest"; the first path component is a registry
 * when it contains '.' or ':' or is "localhost"; a reference with a digest
 * and no tag gets no tag.
 *
 * @param[out] out  the new reference, freed with copa_reference_free();
 *                  NULL on error.
 * @param text      the reference, NUL-terminated.
 * @return 0; COPA_EINVALID for a malformed reference (the message quotes it
 *         and names the problem); COPA_EUNSUPPORTED for a digest algorithm
 *         other than sha256; COPA_ENOMEM.
 */
COPA_EXTERN(int) copa_reference_parse(copa_reference **out, const char *text);

/** Free a reference; NULL is a no-op. */
COPA_EXTERN(void) copa_reference_free(copa_reference *ref);

/** The transport of a reference. */
COPA_EXTERN(copa_transport) copa_reference_transport(const copa_reference *ref);

/**
 * The registry host (with port), e.g. "docker.io" or "[::1]:5000"; NULL
 * when the reference names none (oci:, oci-archive:, docker-archive:
 * without REF). Borrowed from ref.
 */
COPA_EXTERN(const char *) copa_reference_registry(const copa_reference *ref);

/** The repository path, e.g. "library/nginx"; NULL when none (or ref is NULL). Borrowed. */
COPA_EXTERN(const char *) copa_reference_repository(const copa_reference *ref);

/**
 * The tag, e.g. "latest", or for oci:/oci-archive: the TAG part (the
 * org.opencontainers.image.ref.name); NULL when none. Borrowed.
 */
COPA_EXTERN(const char *) copa_reference_tag(const copa_reference *ref);

/** The digest "sha256:<hex>"; NULL when the reference has none. Borrowed. */
COPA_EXTERN(const char *) copa_reference_digest(const copa_reference *ref);

/** The directory or file of a local transport; NULL for a registry. Borrowed. */
COPA_EXTERN(const char *) copa_reference_path(const copa_reference *ref);

/**
 * The full normalized reference: "docker.io/library/nginx:latest" for a
 * registry, "oci:DIR:TAG", "docker-archive:FILE:docker.io/library/x:tag"
 * for the others. Borrowed from ref.
 */
COPA_EXTERN(const char *) copa_reference_string(const copa_reference *ref);

/** The name of a transport: "docker", "oci", "oci-archive", "docker-archive". */
COPA_EXTERN(const char *) copa_transport_name(copa_transport transport);

/** Version of copa_inspect_options (2 added the registry fields, 3 timeout_ms). */
#define COPA_INSPECT_OPTIONS_VERSION 3

/** Options of copa_image_inspect(). */
typedef struct copa_inspect_options {
    /** COPA_INSPECT_OPTIONS_VERSION. */
    unsigned int version;
    /**
     * "os/arch[/variant]" chosen from a multi-platform image; NULL for the
     * host's platform. Names are normalized (x86_64 is amd64, aarch64 is
     * arm64, armhf is arm/v7).
     */
    const char *platform;
    /** Non-zero: return JSON; zero: return text for people. */
    int json;
    /**
     * "USER:PASS" for registries that ask for credentials, or NULL to look
     * in the usual auth files. Never printed, logged or put in a message.
     */
    const char *credentials;
    /**
     * NULL-terminated list of "HOST[:PORT]" registries spoken to over plain
     * HTTP (a loopback registry too is HTTPS unless listed), or NULL.
     */
    const char *const *insecure_registries;
    /** A PEM file of CA certificates to trust for registries, or NULL. */
    const char *ca_file;
    /** A directory of CA certificates (*.crt) to trust, or NULL. */
    const char *cert_dir;
    /**
     * The blob cache directory, or NULL for $COPA_CACHE_DIR,
     * $XDG_CACHE_HOME/copa or ~/.cache/copa.
     */
    const char *cache_dir;
    /**
     * Give up after this many milliseconds with COPA_ETIMEOUT (network
     * transfers in progress and waits for an OCI layout's lock are cut
     * short); 0: no limit. Version 3.
     */
    unsigned long timeout_ms;
} copa_inspect_options;

/** Static initializer of copa_inspect_options. */
#define COPA_INSPECT_OPTIONS_INIT                                                                  \
    {                                                                                              \
        COPA_INSPECT_OPTIONS_VERSION, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0                     \
    }

/**
 * Set options to their defaults (COPA_INSPECT_OPTIONS_INIT) for the struct version
 * the caller was built with; only that version's fields are written.
 *
 * @param options  the options to fill.
 * @param version  COPA_INSPECT_OPTIONS_VERSION, 2 (without timeout_ms) or 1 (without
 *                 the registry fields either).
 * @return 0, or COPA_EINVALID when options is NULL or the version is unknown.
 */
COPA_EXTERN(int) copa_inspect_options_init(copa_inspect_options *options, unsigned int version);

/**
 * Describe an image: resolved reference, manifest digest and media types,
 * the platforms of an index, the layers, a summary of the config and the
 * image's /etc/os-release (read by streaming every layer once through the
 * merged root filesystem, following the image's symlinks). Every blob read
 * is checked against its digest.
 *
 * @param[out] out   NUL-terminated text or JSON, freed with free(); NULL on
 *                   error.
 * @param reference  the image (see copa_reference_parse()).
 * @param options    options, or NULL for the defaults.
 * @return 0; COPA_EINVALID (bad reference, malformed manifest or config);
 *         COPA_ENOTFOUND (no such file, tag or platform; the message lists
 *         what there is); COPA_EVERIFY (a blob does not match its digest);
 *         COPA_EUNSUPPORTED (unknown media type); for registries COPA_EAUTH
 *         (credentials refused), COPA_ENETWORK, COPA_EVERIFY (also TLS
 *         certificate not trusted); COPA_ETIMEOUT (timeout_ms passed).
 */
COPA_EXTERN(int)
copa_image_inspect(char **out, const char *reference, const copa_inspect_options *options);

/** Version of copa_copy_options (2 added timeout_ms). */
#define COPA_COPY_OPTIONS_VERSION 2

/** Options of copa_image_copy(). */
typedef struct copa_copy_options {
    /** COPA_COPY_OPTIONS_VERSION. */
    unsigned int version;
    /**
     * "os/arch[/variant]": copy only that platform of a multi-platform
     * image. NULL copies an index whole (a docker-archive destination, which
     * holds one platform, then gets the host's).
     */
    const char *platform;
    /**
     * "USER:PASS" for registries that ask for credentials, or NULL to look
     * in the usual auth files. Never printed, logged or put in a message.
     */
    const char *credentials;
    /**
     * NULL-terminated list of "HOST[:PORT]" registries spoken to over plain
     * HTTP (a loopback registry too is HTTPS unless listed), or NULL.
     */
    const char *const *insecure_registries;
    /** A PEM file of CA certificates to trust for registries, or NULL. */
    const char *ca_file;
    /** A directory of CA certificates (*.crt) to trust, or NULL. */
    const char *cert_dir;
    /**
     * The blob cache directory, or NULL for $COPA_CACHE_DIR,
     * $XDG_CACHE_HOME/copa or ~/.cache/copa.
     */
    const char *cache_dir;
    /**
     * Give up after this many milliseconds with COPA_ETIMEOUT (network
     * transfers in progress and waits for an OCI layout's lock are cut
     * short; the destination stays as it was); 0: no limit. Version 2.
     */
    unsigned long timeout_ms;
} copa_copy_options;

/** Static initializer of copa_copy_options. */
#define COPA_COPY_OPTIONS_INIT                                                                     \
    {                                                                                              \
        COPA_COPY_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0                           \
    }

/**
 * Set options to their defaults (COPA_COPY_OPTIONS_INIT) for the struct version
 * the caller was built with; only that version's fields are written.
 *
 * @param options  the options to fill.
 * @param version  COPA_COPY_OPTIONS_VERSION, or 1 (without timeout_ms).
 * @return 0, or COPA_EINVALID when options is NULL or the version is unknown.
 */
COPA_EXTERN(int) copa_copy_options_init(copa_copy_options *options, unsigned int version);

/**
 * Copy an image from any transport to any transport. Blobs stream through
 * (registry blobs through the blob cache) and are verified on the way;
 * documents that need no change are copied byte for byte, so their digests
 * stay. Docker manifests become OCI ones only where an OCI layout needs it.
 * Nothing is visible at the destination before everything is written: a
 * registry tag is set by the last request, a layout's index.json and an
 * archive are renamed into place; a failed copy leaves the destination as
 * it was.
 *
 * @param from     the source image (see copa_reference_parse()).
 * @param to       the destination.
 * @param options  options, or NULL for the defaults.
 * @return 0; COPA_EINVALID (bad reference, malformed manifest or config);
 *         COPA_ENOTFOUND (no such image, tag or platform); COPA_EAUTH
 *         (credentials refused); COPA_EVERIFY (a blob does not match its
 *         digest, or an untrusted TLS certificate); COPA_ENETWORK;
 *         COPA_EUNSUPPORTED (unknown media type); COPA_ETIMEOUT (timeout_ms
 *         passed).
 */
COPA_EXTERN(int)
copa_image_copy(const char *from, const char *to, const copa_copy_options *options);

COPA_END_DECL

#endif
