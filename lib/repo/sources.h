/*
 * APT package sources: /etc/apt/sources.list and sources.list.d/NAME.list
 * (one-line format) and sources.list.d/NAME.sources (deb822), normalized to
 * one record per (URI, suite) of type deb. deb-src entries are skipped.
 */
#ifndef COPA_LIB_REPO_SOURCES_H
#define COPA_LIB_REPO_SOURCES_H

#include "util/arena.h"

#include <stddef.h>

typedef struct copa__apt_source {
    const char *uri;   /* as written, without trailing '/' */
    const char *suite; /* as written; ends with '/' when flat */
    int flat;          /* exact path (suite ends with '/'): no components, no dists/ */
    const char **components;
    size_t component_count;
    const char **archs; /* arch= / Architectures:; none means the image's own */
    size_t arch_count;
    const char **signed_by; /* key file paths or fingerprints */
    size_t signed_by_count;
    const char *signed_by_key; /* an inline ASCII-armored key block, or NULL */
    int trusted;               /* trusted=yes: no signature check at all */
    int check_valid_until;     /* 0 when check-valid-until=no */
    const char *file;          /* file it came from */
    size_t line;               /* its line (deb822: the stanza's first line) */
} copa__apt_source;

typedef struct copa__apt_sources {
    copa__apt_source *items;
    size_t count;
    size_t cap;
    size_t skipped; /* deb-src entries and Enabled: no stanzas */
    copa__arena arena;
} copa__apt_sources;

void copa__apt_sources_init(copa__apt_sources *s);
void copa__apt_sources_free(copa__apt_sources *s);

/*
 * Parse a one-line format file (sources.list, NAME.list) and append its
 * entries. `file` names it in messages and in each record. Returns 0,
 * COPA_EINVALID ("FILE:LINE: ..."), COPA_EUNSUPPORTED (cdrom:, arch+=/-=)
 * or COPA_ENOMEM.
 */
int copa__apt_sources_parse_list(copa__apt_sources *s, const char *file, const char *text,
                                 size_t len);

/* The same for a deb822 NAME.sources file. */
int copa__apt_sources_parse_deb822(copa__apt_sources *s, const char *file, const char *text,
                                   size_t len);

/* Pick the format from the name: "*.sources" is deb822, anything else one-line. */
int copa__apt_sources_parse_file(copa__apt_sources *s, const char *file, const char *text,
                                 size_t len);

/*
 * The directory URL holding InRelease/Release/Release.gpg and the indexes
 * named in the Release file: URI/dists/SUITE/ or, flat, URI/SUITE (which
 * ends in '/'). malloc'd into `*out`.
 */
int copa__apt_source_dist_url(char **out, const copa__apt_source *src);

/* dist_url + `relative` (e.g. "InRelease", "main/binary-amd64/Packages.xz"). */
int copa__apt_source_file_url(char **out, const copa__apt_source *src, const char *relative);

/* URI + '/' + a Packages `Filename` (pool/main/...): where a .deb lives. */
int copa__apt_source_pool_url(char **out, const copa__apt_source *src, const char *filename);

/* Internal to sources*.c. */
copa__apt_source *copa__apt_sources_push(copa__apt_sources *s, const char *file, size_t line);
int copa__apt_sources_split(copa__apt_sources *s, const char *text, size_t len,
                            const char *separators, const char ***out, size_t *count);
int copa__apt_sources_check(const copa__apt_source *src);

#endif
