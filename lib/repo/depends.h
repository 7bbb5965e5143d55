/*
 * Debian relationship fields (Depends, Pre-Depends, Recommends, Breaks,
 * Conflicts, Replaces, Provides, ...): an AND-list of OR-groups of
 * `name[:arch] [(rel version)]`.
 */
#ifndef COPA_LIB_REPO_DEPENDS_H
#define COPA_LIB_REPO_DEPENDS_H

#include "util/arena.h"

#include <stddef.h>

typedef enum copa__apt_relation {
    COPA__REL_ANY = 0, /* no version constraint */
    COPA__REL_LT,      /* << */
    COPA__REL_LE,      /* <= (also the obsolete <) */
    COPA__REL_EQ,      /* = */
    COPA__REL_GE,      /* >= (also the obsolete >) */
    COPA__REL_GT       /* >> */
} copa__apt_relation;

typedef struct copa__apt_dep {
    const char *name;
    const char *arch; /* NULL, "any", "native" or an architecture name */
    copa__apt_relation rel;
    const char *version; /* NULL when rel is COPA__REL_ANY */
    int restricted;      /* had [arch] or <profile> restrictions (dropped) */
} copa__apt_dep;

typedef struct copa__apt_dep_group {
    copa__apt_dep *alts; /* alternatives: any one satisfies the group */
    size_t count;
} copa__apt_dep_group;

typedef struct copa__apt_deps {
    copa__apt_dep_group *groups; /* all groups must be satisfied */
    size_t count;
} copa__apt_deps;

/* Provides: no alternatives, and only `(= version)` is a valid relation. */
#define COPA__DEPS_PROVIDES 0x1u

/*
 * Parse `len` bytes of `text` (a one-line or folded field value). All memory
 * comes from `arena`. An empty value gives zero groups. Returns 0,
 * COPA_EINVALID naming the offending part, or COPA_ENOMEM.
 */
int copa__apt_deps_parse(copa__apt_deps *out, copa__arena *arena, const char *text, size_t len,
                         unsigned int flags);

/* "<<", "<=", "=", ">=", ">>" or "" for COPA__REL_ANY. */
const char *copa__apt_relation_str(copa__apt_relation rel);

/*
 * Whether version `have` satisfies `rel want` under Debian version ordering
 * (copa_version_compare with COPA_PKG_DEB). `*out` is 1 or 0. Returns 0 or
 * the comparison's error (COPA_EINVALID for a malformed version).
 */
int copa__apt_version_satisfies(int *out, const char *have, copa__apt_relation rel,
                                const char *want);

#endif
