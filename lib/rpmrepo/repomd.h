/*
 * repomd.xml, the index of an rpm-md repository: one <data type="..."> per
 * metadata file (primary, filelists, other, updateinfo, modules, ...) with
 * its location, checksum, size and the checksum and size of its
 * decompressed content. The trust of a repository flows from repomd.xml
 * (signed as repomd.xml.asc) to every file through these checksums.
 */
#ifndef COPA_LIB_RPMREPO_REPOMD_H
#define COPA_LIB_RPMREPO_REPOMD_H

#include "util/arena.h"

#include <stddef.h>
#include <stdint.h>

typedef struct copa__repomd_data {
    const char *type;               /* "primary", "updateinfo", ... */
    const char *href;               /* location href, relative to the repository */
    const char *base;               /* location xml:base, or NULL */
    const char *checksum_type;      /* as declared: "sha256", "sha512", "sha1", "md5", ... */
    const char *checksum;           /* lower-case hex */
    const char *open_checksum_type; /* of the decompressed file, or NULL */
    const char *open_checksum;
    uint64_t size; /* UINT64_MAX when not declared */
    uint64_t open_size;
    int64_t timestamp; /* 0 when not declared */
} copa__repomd_data;

typedef struct copa__repomd {
    const char *revision; /* or NULL */
    copa__repomd_data *data;
    size_t count;
    copa__arena arena;
} copa__repomd;

/*
 * Parse repomd.xml (`name` for messages). COPA_EINVALID for malformed
 * XML, a DTD, a data entry without type/location/checksum, a location
 * that leaves the repository ("..", absolute), a repeated type, or
 * input over the caps; COPA_ENOMEM.
 */
int copa__repomd_parse(copa__repomd **out, const char *name, const char *xml, size_t len);

void copa__repomd_free(copa__repomd *md);

/*
 * Whether a location href stays inside the repository: relative, no ".."
 * component, no scheme, no backslash.
 */
int copa__rpm_href_safe(const char *href);

/* The entry of `type`, or NULL. */
const copa__repomd_data *copa__repomd_find(const copa__repomd *md, const char *type);

/*
 * Check a fetched metadata file against its entry: size when declared,
 * then the declared checksum. sha256, sha512, sha384, sha224 and sha1
 * ("sha" is sha1) are checked; md5 or an unknown type is COPA_EUNSUPPORTED
 * unless `insecure`, when it is accepted unchecked. A mismatch is
 * COPA_EVERIFY naming the file, what was expected and what was found.
 */
int copa__repomd_verify(const copa__repomd_data *d, const void *bytes, size_t len, int insecure);

/*
 * The same check for any declared (type, hex) pair, used for the open
 * checksum of decompressed content and for package checksums.
 */
int copa__rpm_checksum_verify(const char *name, const char *type, const char *hex,
                              const void *bytes, size_t len, int insecure);

#endif
