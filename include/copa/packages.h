/**
 * @file
 * The inventory of an image: its OS and the OS packages installed in it,
 * read straight from the image's layers (no scanner, no daemon), as a model,
 * as JSON, or as a CycloneDX 1.6 SBOM.
 *
 * Security tools that link libcopa use it to know what is in an image before
 * and after a patch: each package says whether copa's patch layer changed
 * it. Package URLs are the ones copa's OpenVEX documents use
 * (pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12).
 *
 * Every string is UTF-8: bytes from the image that are not valid UTF-8 are
 * shown as U+FFFD, so the JSON and CycloneDX documents are always valid.
 *
 * Needs copa_init() (registry images are fetched over the network). A
 * copa_inventory is immutable once opened and may be read from several
 * threads.
 */
#ifndef COPA_PACKAGES_H
#define COPA_PACKAGES_H

#include "common.h"

COPA_BEGIN_DECL

/** Version of copa_packages_options this header describes. */
#define COPA_PACKAGES_OPTIONS_VERSION 1

/** Options of copa_packages_open(). Initialize with COPA_PACKAGES_OPTIONS_INIT. */
typedef struct copa_packages_options {
    /** COPA_PACKAGES_OPTIONS_VERSION. */
    unsigned int version;
    /** "os/arch[/variant]" chosen from a multi-platform image; NULL for the host's. */
    const char *platform;
    /** Registry credentials "USER:PASS", or NULL for the usual auth files. */
    const char *credentials;
    /** NULL-terminated HOST[:PORT] registries spoken to over plain HTTP, or NULL. */
    const char *const *insecure_registries;
    /** A PEM bundle of extra trusted CAs, or NULL. */
    const char *ca_file;
    /** A directory of extra trusted *.crt CAs, or NULL. */
    const char *cert_dir;
    /**
     * The blob cache directory, or NULL for $COPA_CACHE_DIR,
     * $XDG_CACHE_HOME/copa or ~/.cache/copa.
     */
    const char *cache_dir;
} copa_packages_options;

/** Static initializer of copa_packages_options. */
#define COPA_PACKAGES_OPTIONS_INIT                                                                 \
    {                                                                                              \
        COPA_PACKAGES_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL                          \
    }

/**
 * Set options to their defaults (COPA_PACKAGES_OPTIONS_INIT) for the struct
 * version the caller was built with.
 *
 * @param[out] options  the struct to fill.
 * @param version       COPA_PACKAGES_OPTIONS_VERSION.
 * @return 0, or COPA_EINVALID for an unknown version or a NULL options.
 */
COPA_EXTERN(int)
copa_packages_options_init(copa_packages_options *options, unsigned int version);

/** An image's OS and installed OS packages; see copa_packages_open(). */
typedef struct copa_inventory copa_inventory;

/** One installed package, borrowed from its copa_inventory. */
typedef struct copa_package {
    /** The package name, e.g. "libssl3". */
    const char *name;
    /** The installed version, e.g. "3.0.15-1~deb12u1". */
    const char *version;
    /** The package architecture, e.g. "amd64" or "all". */
    const char *arch;
    /** The source package name (the package name when it has no Source field). */
    const char *source_name;
    /** The source package version (the package version when the Source field names none). */
    const char *source_version;
    /** The package URL, the one copa's VEX documents use for it. */
    const char *purl;
    /** Non-zero when copa's patch layer installed this version. */
    int patched;
} copa_package;

/**
 * Open an image (any transport: registry reference, oci:DIR[:TAG],
 * oci-archive:FILE, docker-archive:FILE) and read its OS and installed
 * packages. Every layer is streamed once and checked against its digest;
 * nothing is written but the blob cache.
 *
 * @param[out] out   the inventory, freed with copa_inventory_free(); NULL on failure.
 * @param reference  the image.
 * @param options    options, or NULL for the defaults.
 * @return 0; COPA_EINVALID (malformed reference), COPA_ENOTFOUND (no such
 *   image or platform), COPA_EUNSUPPORTED (an OS no engine of copa knows,
 *   or no os-release: the message names what was found), COPA_EAUTH,
 *   COPA_ENETWORK, COPA_EVERIFY (a blob that does not match its digest).
 */
COPA_EXTERN(int)
copa_packages_open(copa_inventory **out, const char *reference,
                   const copa_packages_options *options);

/** Free an inventory; NULL is a no-op. */
COPA_EXTERN(void) copa_inventory_free(copa_inventory *inventory);

/** The os-release ID, e.g. "debian", "ubuntu". Borrowed. */
COPA_EXTERN(const char *) copa_inventory_os_id(const copa_inventory *inventory);

/** The os-release VERSION_ID, e.g. "12"; "" when the image has none. Borrowed. */
COPA_EXTERN(const char *) copa_inventory_os_version(const copa_inventory *inventory);

/** The os-release PRETTY_NAME, e.g. "Debian GNU/Linux 12 (bookworm)"; "" when none. Borrowed. */
COPA_EXTERN(const char *) copa_inventory_os_pretty_name(const copa_inventory *inventory);

/** The package manager whose database was read, e.g. "dpkg". Borrowed. */
COPA_EXTERN(const char *) copa_inventory_package_manager(const copa_inventory *inventory);

/** The image's manifest digest ("sha256:..."). Borrowed. */
COPA_EXTERN(const char *) copa_inventory_digest(const copa_inventory *inventory);

/** Number of installed packages. */
COPA_EXTERN(size_t) copa_inventory_package_count(const copa_inventory *inventory);

/**
 * The installed package at `index` (0 .. count-1), sorted by name then
 * architecture; NULL when out of range. Borrowed from the inventory.
 */
COPA_EXTERN(const copa_package *)
copa_inventory_package(const copa_inventory *inventory, size_t index);

/** Output formats of copa_inventory_format(). */
typedef enum copa_inventory_format_kind {
    /** Aligned columns for people: name, version, arch, source, patched. */
    COPA_INVENTORY_TABLE = 0,
    /** JSON: {"image", "digest", "os": {...}, "packages": [...]}. */
    COPA_INVENTORY_JSON = 1,
    /** A CycloneDX 1.6 JSON SBOM: the image, its OS component and the OS packages. */
    COPA_INVENTORY_CYCLONEDX = 2
} copa_inventory_format_kind;

/**
 * The inventory as text.
 *
 * @param[out] out   a NUL-terminated string, freed with copa_inventory_text_free().
 * @param inventory  the inventory.
 * @param format     one of copa_inventory_format_kind.
 * @return 0, COPA_EINVALID (NULL argument, unknown format), COPA_ENOMEM.
 */
COPA_EXTERN(int)
copa_inventory_format(char **out, const copa_inventory *inventory,
                      copa_inventory_format_kind format);

/** Free what copa_inventory_format() returned; NULL is a no-op. */
COPA_EXTERN(void) copa_inventory_text_free(char *text);

COPA_END_DECL

#endif
