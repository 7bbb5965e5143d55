/**
 * @file
 * OpenVEX documents of what a patch fixed, and the package
 * URLs they name.
 *
 * A copa_vex collects "vulnerability V is fixed in product P by
 * subcomponent S" claims and writes them as one OpenVEX v0.2.0 document
 * (https://github.com/openvex/spec): one statement per vulnerability with
 * status "fixed", sorted by vulnerability ID; the product is the patched
 * image (pkg:oci/...), the subcomponents the packages at their new versions
 * (pkg:deb/..., pkg:apk/..., pkg:rpm/...). Only what is added is claimed:
 * vulnerabilities that stayed unfixed are simply not added.
 *
 * Pure computation; no copa_init() needed. A copa_vex is not thread-safe
 * while it is being added to.
 */
#ifndef COPA_VEX_H
#define COPA_VEX_H

#include "common.h"
#include "pkgversion.h"

COPA_BEGIN_DECL

/** Version of copa_vex_options this header describes. */
#define COPA_VEX_OPTIONS_VERSION 1

/**
 * The document's metadata. Initialize with COPA_VEX_OPTIONS_INIT; every
 * NULL field takes its default. Strings are copied by copa_vex_create().
 */
typedef struct copa_vex_options {
    /** Must be COPA_VEX_OPTIONS_VERSION. */
    unsigned int version;
    /**
     * The document's `@id`, an IRI. NULL: derived from the content,
     * "https://openvex.dev/docs/public/vex-<sha256 of the document>", so the
     * same claims, author and timestamp always give the same id.
     */
    const char *id;
    /** The `author`, an individual or organization. NULL: "copa". */
    const char *author;
    /**
     * The `timestamp`, RFC 3339 (for example "2024-05-01T12:00:00Z"). NULL:
     * the time of copa_vex_create() in UTC, or SOURCE_DATE_EPOCH when that
     * environment variable is set (reproducible builds).
     */
    const char *timestamp;
    /** The `tooling`. NULL: "libcopa <version>". */
    const char *tooling;
} copa_vex_options;

/** Static initializer for copa_vex_options: every field defaulted. */
#define COPA_VEX_OPTIONS_INIT                                                                      \
    {                                                                                              \
        COPA_VEX_OPTIONS_VERSION, NULL, NULL, NULL, NULL                                           \
    }

/**
 * Initialize an options struct to its defaults.
 *
 * @param[out] opts    the struct to fill.
 * @param version      COPA_VEX_OPTIONS_VERSION.
 * @return 0, or COPA_EINVALID when opts is NULL or the version is unknown.
 */
COPA_EXTERN(int) copa_vex_options_init(copa_vex_options *opts, unsigned int version);

/** An OpenVEX document being built (opaque). */
typedef struct copa_vex copa_vex;

/**
 * Start an empty document.
 *
 * @param[out] out  the document; free with copa_vex_free(). NULL on error.
 * @param opts      metadata, or NULL for the defaults.
 * @return 0; COPA_EINVALID for an unknown options version, an id that is
 *         not an IRI ("scheme:..." without spaces), an empty author, a
 *         timestamp that is not RFC 3339, or a malformed SOURCE_DATE_EPOCH;
 *         COPA_ENOMEM.
 */
COPA_EXTERN(int) copa_vex_create(copa_vex **out, const copa_vex_options *opts);

/** Free a document; NULL is a no-op. */
COPA_EXTERN(void) copa_vex_free(copa_vex *vex);

/**
 * Claim that a vulnerability is fixed in a product by a subcomponent.
 * Purls are checked and stored in canonical form; adding the same claim
 * twice has no further effect.
 *
 * @param vex                the document.
 * @param vulnerability      the vulnerability ID ("CVE-2024-1234"); becomes
 *                           the statement's vulnerability name.
 * @param product_purl       the product, usually the patched image
 *                           (see copa_vex_purl_image()).
 * @param subcomponent_purl  the package whose new version fixed it (see
 *                           copa_vex_purl_package()), or NULL to claim the
 *                           product as a whole.
 * @return 0; COPA_EINVALID for a NULL document, an empty vulnerability ID
 *         or one with spaces or control characters, or an invalid purl
 *         (the message says which and why); COPA_ENOMEM.
 */
COPA_EXTERN(int)
copa_vex_add_fixed(copa_vex *vex, const char *vulnerability, const char *product_purl,
                   const char *subcomponent_purl);

/** Number of statements (distinct vulnerabilities) so far; 0 for NULL. */
COPA_EXTERN(size_t) copa_vex_statement_count(const copa_vex *vex);

/**
 * The document as JSON: `@context` "https://openvex.dev/ns/v0.2.0",
 * `@id`, `author`, `timestamp`, `version` 1, `tooling`, `statements`.
 * The same document gives the same bytes every time.
 *
 * @param[out] out  a NUL-terminated string; free with copa_vex_string_free().
 * @param vex       the document.
 * @return 0; COPA_EINVALID for NULL arguments or a document without any
 *         claim (OpenVEX needs at least one statement: check
 *         copa_vex_statement_count() first); COPA_ENOMEM.
 */
COPA_EXTERN(int) copa_vex_to_json(char **out, const copa_vex *vex);

/**
 * Write the document to a file atomically (temporary file, then rename).
 *
 * @param vex   the document.
 * @param path  the file to write; replaced if it exists.
 * @return as copa_vex_to_json(), or COPA_ERROR naming the path when it
 *         cannot be written.
 */
COPA_EXTERN(int) copa_vex_write_file(const copa_vex *vex, const char *path);

/**
 * The package URL of an OS package, for example
 * "pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=amd64&distro=debian-12".
 * The namespace is the distro ID ("rhel" becomes "redhat"); the distro
 * qualifier is "<id>-<release>" where the release is the major version for
 * Debian ("12.5" gives "debian-12"), major.minor for Ubuntu and Alpine
 * ("ubuntu-22.04", "alpine-3.19") and the version as given otherwise. deb
 * and apk names are lower-cased; an rpm epoch ("1:2.0-3") becomes the
 * epoch qualifier.
 *
 * @param[out] out        the purl; free with copa_vex_string_free().
 * @param format          COPA_PKG_DEB, COPA_PKG_APK or COPA_PKG_RPM.
 * @param distro_id       the OS ID ("debian", "ubuntu", "alpine", "rhel").
 * @param distro_version  the OS version, or NULL/"" for no distro qualifier.
 * @param name            the package name.
 * @param version         the package version (the new one, for a fix).
 * @param arch            the package architecture as the package manager
 *                        names it ("amd64", "all", "x86_64"), or NULL/"".
 * @return 0; COPA_EINVALID for an unknown format or a missing name,
 *         version or distro ID; COPA_ENOMEM.
 */
COPA_EXTERN(int)
copa_vex_purl_package(char **out, copa_pkg_format format, const char *distro_id,
                      const char *distro_version, const char *name, const char *version,
                      const char *arch);

/**
 * The package URL of an image, for example
 * "pkg:oci/nginx@sha256:...?repository_url=docker.io%2Flibrary%2Fnginx&tag=1.25".
 * The name is the repository's last segment, lower-cased.
 *
 * @param[out] out    the purl; free with copa_vex_string_free().
 * @param registry    the registry host ("docker.io"), or NULL/"" for an
 *                    image without one (then no repository_url).
 * @param repository  the repository ("library/nginx").
 * @param digest      the manifest digest, "sha256:<64 hex>".
 * @param tag         the tag, or NULL/"" for none.
 * @return 0; COPA_EINVALID for a missing repository or a malformed digest;
 *         COPA_ENOMEM.
 */
COPA_EXTERN(int)
copa_vex_purl_image(char **out, const char *registry, const char *repository, const char *digest,
                    const char *tag);

/** Free a string returned by this module; NULL is a no-op. */
COPA_EXTERN(void) copa_vex_string_free(char *text);

COPA_END_DECL

#endif
