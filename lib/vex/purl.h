/*
 * Package URLs (https://github.com/package-url/purl-spec): the parsed
 * model, the canonical builder, the parser, and the builders for the
 * purls copa writes (OS packages and OCI images).
 *
 * Canonical form (the purl-spec test suite's): the type lower-case; every
 * other component percent-encoded except A-Z a-z 0-9 . - _ ~ and ':'
 * (so '+' is %2B, '/' inside a qualifier value is %2F, a space is %20,
 * and UTF-8 bytes are %XX with upper-case hex); qualifiers sorted by key,
 * pairs with an empty value dropped.
 */
#ifndef COPA_LIB_VEX_PURL_H
#define COPA_LIB_VEX_PURL_H

#include "copa/pkgversion.h"
#include "util/buffer.h"

#include <stddef.h>

typedef struct copa__purl_qualifier {
    char *key;   /* lower-case, [a-z.-_][a-z0-9.-_]* */
    char *value; /* decoded, never empty */
} copa__purl_qualifier;

/* A purl's decoded components. NULL for an absent optional component. */
typedef struct copa__purl {
    char *type;                       /* lower-case, required */
    char *namespace;                  /* decoded segments joined by '/', or NULL */
    char *name;                       /* decoded, required */
    char *version;                    /* decoded, or NULL */
    copa__purl_qualifier *qualifiers; /* sorted by key, keys unique */
    size_t qualifier_count;
    char *subpath; /* decoded segments joined by '/', or NULL */
} copa__purl;

/*
 * Parse `text` into `out` (zeroed first; free with copa__purl_clear() also
 * on failure). Follows the spec's right-to-left algorithm, applies the
 * type-specific lower-casing of deb, apk, rpm and oci, and rejects what a
 * builder could never have written: no "pkg:" scheme, a missing or invalid
 * type, an empty name, bytes that must be percent-encoded (controls,
 * spaces, non-ASCII), malformed or NUL escapes, invalid or duplicate
 * qualifier keys, a '/' inside a decoded namespace or subpath segment.
 * 0 or COPA_EINVALID (the message quotes the purl and says what is wrong),
 * COPA_ENOMEM.
 */
int copa__purl_parse(copa__purl *out, const char *text);

/* Free what a purl owns and zero it; NULL is a no-op. */
void copa__purl_clear(copa__purl *purl);

/*
 * The canonical string of `purl` (malloc'd, caller frees). The qualifiers
 * need not be sorted. 0, COPA_EINVALID (missing type or name, invalid type
 * or qualifier key, duplicate key), COPA_ENOMEM.
 */
int copa__purl_to_string(char **out, const copa__purl *purl);

/* Append `text` percent-encoded as a purl component. 0 or COPA_ENOMEM. */
int copa__purl_encode(copa__buf *buf, const char *text);

/* 1 when `type` is a valid purl type ([A-Za-z.+-][A-Za-z0-9.+-]*). */
int copa__purl_type_valid(const char *type);

/* 1 when `key` is a valid qualifier key ([A-Za-z.-_][A-Za-z0-9.-_]*). */
int copa__purl_key_valid(const char *key);

/*
 * The purl of an OS package, e.g. pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5
 * ?arch=amd64&distro=debian-12. The vendor namespace is the distro ID
 * (rhel is written "redhat" as scanners do); the distro qualifier is
 * "<id>-<version>" with the version cut to what identifies a release
 * (Debian: major "12"; Ubuntu, Alpine and Wolfi-like: "22.04", "3.19";
 * others as given). arch and distro_version may be NULL or "" (no
 * qualifier). 0, COPA_EINVALID (unknown format, missing name, version or
 * distro ID), COPA_ENOMEM.
 */
int copa__purl_package(char **out, copa_pkg_format format, const char *distro_id,
                       const char *distro_version, const char *name, const char *version,
                       const char *arch);

/*
 * The purl of an image: pkg:oci/<name>@<digest>?repository_url=<registry>/
 * <repository>&tag=<tag>, name being the repository's last segment,
 * lower-cased. registry and tag may be NULL or "" (then no repository_url,
 * no tag). 0, COPA_EINVALID (no repository, a digest that is not
 * "sha256:<64 hex>"), COPA_ENOMEM.
 */
int copa__purl_image(char **out, const char *registry, const char *repository, const char *digest,
                     const char *tag);

#endif
