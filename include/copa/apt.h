/**
 * @file
 * An image's APT repositories, verified.
 *
 * Reads the apt configuration of a root filesystem (sources.list,
 * sources.list.d/ *.list and *.sources) and its trust anchors (Signed-By,
 * /etc/apt/trusted.gpg, /etc/apt/trusted.gpg.d), fetches every
 * repository's InRelease (or Release + Release.gpg), verifies its OpenPGP
 * signature against the image's keys only, checks Valid-Until, and fetches
 * and verifies the Packages indexes for the image's architecture. Indexes
 * are cached (see copa_apt_options.cache_dir). Needs copa_init().
 */
#ifndef COPA_APT_H
#define COPA_APT_H

#include "common.h"

COPA_BEGIN_DECL

/** Version of copa_apt_options this header describes. */
#define COPA_APT_OPTIONS_VERSION 2

/** How to load repositories. Initialize with COPA_APT_OPTIONS_INIT. */
typedef struct copa_apt_options {
    /** Must be COPA_APT_OPTIONS_VERSION. */
    unsigned int version;
    /** The image's dpkg architecture ("amd64", "arm64", ...); required. */
    const char *arch;
    /** The time keys, Valid-Until and Date are checked at (seconds since the epoch); 0: now. */
    long now;
    /** --mirror rules "FROM=TO": a source URI equal to FROM or below it is fetched from TO. */
    const char *const *mirrors;
    /** Number of entries in mirrors. */
    size_t mirror_count;
    /** Cache directory; NULL: $COPA_CACHE_DIR, $XDG_CACHE_HOME/copa, else ~/.cache/copa. */
    const char *cache_dir;
    /** INSECURE. Non-zero: accept a Release whose signature does not verify (flagged). */
    int insecure_allow_unsigned;
    /** INSECURE. Non-zero: accept a Release past its Valid-Until or dated more than 10 s in the
     * future (a wrong clock; flagged). */
    int insecure_ignore_valid_until;
    /** Downloads at once; 0: 4. */
    unsigned int max_parallel;
    /** Retries of a failed transfer; 0: 4. */
    unsigned int max_retries;
    /** Connection timeout in milliseconds; 0: 30000. */
    long connect_timeout_ms;
    /* Version 2: reading the sources of an image (copa_apt_open_image). */
    /** "os/arch[/variant]" of a multi-platform image; NULL: the host's. */
    const char *platform;
    /** Registry credentials "USER:PASS", or NULL for the usual auth files. */
    const char *credentials;
    /** NULL-terminated HOST[:PORT] registries spoken to over plain HTTP, or NULL. */
    const char *const *insecure_registries;
    /** A PEM bundle of extra trusted CAs for registries and repositories, or NULL. */
    const char *ca_file;
    /** A directory of extra trusted *.crt CAs for registries, or NULL. */
    const char *cert_dir;
} copa_apt_options;

/** Static initializer for copa_apt_options: every field zero or NULL. */
#define COPA_APT_OPTIONS_INIT                                                                      \
    {                                                                                              \
        COPA_APT_OPTIONS_VERSION, NULL, 0, NULL, 0, NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL,   \
            NULL                                                                                   \
    }

/**
 * Initialize an options struct to its defaults.
 *
 * @param[out] opts  the struct to fill.
 * @param version    COPA_APT_OPTIONS_VERSION, or an older version this
 *                   library still reads (1 lacks the image fields).
 * @return 0, or COPA_EINVALID when opts is NULL or the version is unknown.
 */
COPA_EXTERN(int) copa_apt_options_init(copa_apt_options *opts, unsigned int version);

/** The loaded repositories of one image (opaque). */
typedef struct copa_apt copa_apt;

/** One source (URI + suite) after loading. Strings are never NULL ("" if none). */
typedef struct copa_apt_source_info {
    /** The URI fetched from (after --mirror rewriting). */
    const char *uri;
    /** The URI as the image's sources file writes it. */
    const char *original_uri;
    /** 1 when a --mirror rule rewrote the URI. */
    int mirrored;
    /** The suite as written (ends with '/' for a flat repository). */
    const char *suite;
    /** The components asked for. */
    const char *const *components;
    /** Number of components (0 for a flat repository). */
    size_t component_count;
    /** The image file that declares the source, and its line. */
    const char *file;
    /** Line in file (deb822: the stanza's first line). */
    size_t line;
    /** Fingerprint of the key that made the good signature; "" when none was checked. */
    const char *verified_by;
    /** Fingerprint of that key's primary key (equal to verified_by for a primary key). */
    const char *primary_fingerprint;
    /** 1 when the source says trusted=yes: accepted without a signature. */
    int trusted;
    /** 1 when accepted only because of an insecure option. */
    int insecure;
    /** The InRelease or Release URL used. */
    const char *release_url;
    /** 1 when the server answered 304 and the cached Release was used (and verified). */
    int release_from_cache;
    /** The Release's Date, Valid-Until, Origin, Suite and Codename as written. */
    const char *date;
    /** Valid-Until as written. */
    const char *valid_until;
    /** Origin field. */
    const char *origin;
    /** Codename field. */
    const char *codename;
    /** Packages of the image's architecture and "all". */
    size_t package_count;
    /** Packages files loaded, and how many of them were downloaded (not cached). */
    size_t index_count;
    /** See index_count. */
    size_t index_downloaded;
} copa_apt_source_info;

/**
 * Load the repositories of a root filesystem directory: every file
 * (sources, keys) is read from below `rootfs`, symlinks resolved inside it.
 *
 * @param[out] out  the loaded repositories; free with copa_apt_free(). NULL on error.
 * @param rootfs    the root filesystem directory.
 * @param opts      options; arch is required.
 * @return 0 on success (also with no sources); COPA_EVERIFY for a bad or
 *         missing signature, an expired Valid-Until or an index whose size or
 *         SHA-256 differs from the Release (the message names the repository
 *         URI and suite, and for signatures the key ID and the reason);
 *         COPA_ENOTFOUND for a missing component, key file or repository;
 *         COPA_EINVALID for malformed sources or metadata (file and line);
 *         COPA_EUNSUPPORTED; COPA_ENETWORK, COPA_ETIMEOUT; COPA_ENOMEM.
 */
COPA_EXTERN(int)
copa_apt_open_dir(copa_apt **out, const char *rootfs, const copa_apt_options *opts);

/**
 * Load the repositories of a container image: its layers are read once into
 * a merged view, and the sources, keys and dpkg architecture come from that
 * view (never from the host), as copa patch reads them.
 *
 * @param[out] out  the loaded repositories; free with copa_apt_free(). NULL on error.
 * @param image     the image: a registry reference, oci:DIR[:TAG],
 *                  oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].
 * @param opts      options (version 2 for the registry fields); arch may be
 *                  NULL: the image's dpkg architecture is used.
 * @return 0 on success; the errors of copa_apt_open_dir(), plus those of
 *         opening the image (COPA_ENOTFOUND, COPA_EAUTH, COPA_EVERIFY for a
 *         blob that does not match its digest) and COPA_EUNSUPPORTED for an
 *         image that is not Debian or Ubuntu.
 */
COPA_EXTERN(int)
copa_apt_open_image(copa_apt **out, const char *image, const copa_apt_options *opts);

/** Free loaded repositories; NULL is a no-op. */
COPA_EXTERN(void) copa_apt_free(copa_apt *apt);

/** Number of sources (0 when apt is NULL). */
COPA_EXTERN(size_t) copa_apt_source_count(const copa_apt *apt);

/**
 * One source, in the order apt reads them; borrowed from apt.
 *
 * @return the source, or NULL when index is out of range.
 */
COPA_EXTERN(const copa_apt_source_info *) copa_apt_source_get(const copa_apt *apt, size_t index);

/** Number of package candidates over all sources (0 when apt is NULL). */
COPA_EXTERN(size_t) copa_apt_package_count(const copa_apt *apt);

/**
 * The sources as stable JSON: {"arch", "cache_dir", "package_count",
 * "sources": [{uri, original_uri, mirrored, suite, components, file, line,
 * verified_by, primary_fingerprint, trusted, insecure, release_url,
 * release_from_cache, date, valid_until, origin, codename, package_count,
 * indexes, indexes_downloaded}]}.
 *
 * @param[out] out  a NUL-terminated string; free with copa_apt_json_free().
 * @param apt       the loaded repositories.
 * @return 0, COPA_EINVALID for NULL arguments, COPA_ENOMEM.
 */
COPA_EXTERN(int) copa_apt_to_json(char **out, const copa_apt *apt);

/** Free a string from copa_apt_to_json(); NULL is a no-op. */
COPA_EXTERN(void) copa_apt_json_free(char *json);

COPA_END_DECL

#endif
