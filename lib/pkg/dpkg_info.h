/*
 * The smaller files of dpkg's database: info/<pkg>.list, info/<pkg>.md5sums
 * (and distroless status.d/<file>.md5sums), diversions, statoverride and
 * the architecture list. Formats as dpkg(1), dpkg-divert(1),
 * dpkg-statoverride(1) and dpkg's own writers produce them.
 */
#ifndef COPA_LIB_PKG_DPKG_INFO_H
#define COPA_LIB_PKG_DPKG_INFO_H

#include "util/arena.h"

#include <stddef.h>

/* info/<pkg>.list: one absolute path per line ("/." first). */
typedef struct copa__dpkg_list {
    const char **paths; /* in file order */
    size_t count;
} copa__dpkg_list;

/* Parse a .list file; empty lines are skipped, every path must start with
 * '/'. Returns 0, COPA_EINVALID naming `name` and the line, COPA_ENOMEM. */
int copa__dpkg_list_parse(copa__dpkg_list *out, copa__arena *arena, const char *text, size_t len,
                          const char *name);

/* md5sums: "<32 hex>  <path without leading slash>" per line. */
typedef struct copa__dpkg_md5sum {
    const char *md5;  /* 32 lower-case hex digits */
    const char *path; /* as written: relative, e.g. "usr/bin/x" */
} copa__dpkg_md5sum;

typedef struct copa__dpkg_md5sums {
    copa__dpkg_md5sum *entries;
    size_t count;
} copa__dpkg_md5sums;

int copa__dpkg_md5sums_parse(copa__dpkg_md5sums *out, copa__arena *arena, const char *text,
                             size_t len, const char *name);

/* The recorded md5 of `path` (with or without a leading '/'), or NULL. */
const char *copa__dpkg_md5sums_find(const copa__dpkg_md5sums *sums, const char *path);

/*
 * /var/lib/dpkg/diversions: groups of three lines - the diverted path, where
 * it is diverted to, and the package that owns the diversion (":" for a
 * local diversion made by the administrator).
 */
typedef struct copa__dpkg_diversion {
    const char *from;
    const char *to;
    const char *package; /* NULL for a local diversion (":") */
} copa__dpkg_diversion;

typedef struct copa__dpkg_diversions {
    copa__dpkg_diversion *entries;
    size_t count;
} copa__dpkg_diversions;

int copa__dpkg_diversions_parse(copa__dpkg_diversions *out, copa__arena *arena, const char *text,
                                size_t len, const char *name);

/*
 * Where dpkg puts `path` when package `pkg` ships it: the diversion target
 * unless the diversion belongs to `pkg` itself; `path` when not diverted.
 */
const char *copa__dpkg_diversions_apply(const copa__dpkg_diversions *d, const char *path,
                                        const char *pkg);

/* /var/lib/dpkg/statoverride: "USER GROUP MODE PATH" per line; USER and
 * GROUP are names or "#<id>", MODE is octal. */
typedef struct copa__dpkg_statoverride {
    const char *user;
    const char *group;
    unsigned int mode;
    const char *path;
} copa__dpkg_statoverride;

typedef struct copa__dpkg_statoverrides {
    copa__dpkg_statoverride *entries;
    size_t count;
} copa__dpkg_statoverrides;

int copa__dpkg_statoverride_parse(copa__dpkg_statoverrides *out, copa__arena *arena,
                                  const char *text, size_t len, const char *name);

const copa__dpkg_statoverride *copa__dpkg_statoverride_find(const copa__dpkg_statoverrides *s,
                                                            const char *path);

/* /var/lib/dpkg/arch: one architecture per line. Returns the words. */
int copa__dpkg_arch_parse(const char ***out, size_t *count, copa__arena *arena, const char *text,
                          size_t len);

#endif
