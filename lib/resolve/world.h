/*
 * The resolver's input model, shared by every package format: the installed
 * set, the candidate set from the repositories, and the relation fields of
 * each package already parsed. Adapters (dpkg status, Packages indexes, later
 * apk and rpm) fill a world; the resolver only reads it.
 *
 * Relations use the Debian structures of repo/depends.h (AND of OR-groups,
 * arch qualifier, version relation); apk and rpm relations map onto the
 * same shape. Versions are ordered with copa_version_compare in `format`.
 */
#ifndef COPA_LIB_RESOLVE_WORLD_H
#define COPA_LIB_RESOLVE_WORLD_H

#include "copa/pkgversion.h"
#include "util/arena.h"
#include "repo/depends.h"
#include "repo/packages.h"

#include <stddef.h>
#include <stdint.h>

/* apt's default pin priority of a source, and of the installed version. */
#define COPA__RS_PRIORITY_DEFAULT 500
#define COPA__RS_PRIORITY_INSTALLED 100

/* Whether a candidate has maintainer scripts: unknown until its package is read. */
typedef enum copa__rs_scripts {
    COPA__RS_SCRIPTS_UNKNOWN = 0,
    COPA__RS_SCRIPTS_NONE,
    COPA__RS_SCRIPTS_PRESENT
} copa__rs_scripts;

typedef struct copa__rs_pkg {
    const char *name;
    const char *version;
    const char *arch; /* "all" (world->arch_all) for architecture-independent */
    copa__apt_multiarch multi_arch;
    const char *source;         /* source package name (the name when unknown) */
    const char *source_version; /* source version (the version when unknown) */
    copa__apt_deps pre_depends;
    copa__apt_deps depends;
    copa__apt_deps provides;
    copa__apt_deps breaks;
    copa__apt_deps conflicts;
    int held; /* installed: `apt-mark hold` / Status: hold */
    /* Candidates only. */
    int repo;      /* the caller's number of the source it comes from */
    int priority;  /* pin priority; <= 0 never chosen */
    uint64_t size; /* download size in bytes */
    const char *sha256;
    const char *url;
    copa__rs_scripts scripts;
} copa__rs_pkg;

typedef struct copa__rs_pkgs {
    copa__rs_pkg *items;
    size_t count;
    size_t cap;
} copa__rs_pkgs;

typedef struct copa__rs_world {
    copa_pkg_format format;
    const char *native_arch;
    const char *arch_all; /* "all" for deb */
    copa__rs_pkgs installed;
    copa__rs_pkgs candidates;
    copa__arena arena; /* every string and relation of the world */
} copa__rs_world;

/* Text form of a package, the input of copa__rs_world_add (NULL fields absent). */
typedef struct copa__rs_pkg_text {
    const char *name;
    const char *version;
    const char *arch;
    copa__apt_multiarch multi_arch;
    const char *source;
    const char *source_version;
    const char *pre_depends;
    const char *depends;
    const char *provides;
    const char *breaks;
    const char *conflicts;
    int held;
    int repo;
    int priority; /* 0 means COPA__RS_PRIORITY_DEFAULT */
    uint64_t size;
    const char *sha256;
    const char *url;
    copa__rs_scripts scripts;
} copa__rs_pkg_text;

/* An empty world of `format` whose native architecture is `native_arch`. */
int copa__rs_world_init(copa__rs_world *w, copa_pkg_format format, const char *native_arch);

void copa__rs_world_free(copa__rs_world *w);

/*
 * Copy a package into the world (installed != 0: the installed set, else the
 * candidates), parsing its relation fields and checking every version. `out`
 * (may be NULL) points at the stored package until the next add. Returns 0,
 * COPA_EINVALID naming the package and the bad field, or COPA_ENOMEM.
 */
int copa__rs_world_add(copa__rs_world *w, copa__rs_pkg **out, int installed,
                       const copa__rs_pkg_text *t);

/*
 * Add every package of a Packages index as candidates from source `repo`
 * with pin `priority`; the URL is `base_url` + "/" + Filename.
 */
int copa__rs_world_add_index(copa__rs_world *w, const copa__apt_packages *idx, int repo,
                             int priority, const char *base_url);

/*
 * Parse deb822 text (a dpkg status file or a Packages index) and add its
 * stanzas. Installed: only stanzas whose Status ends in "ok installed" count,
 * and "hold ..." marks them held. Candidates: as copa__rs_world_add_index.
 */
int copa__rs_world_add_deb822(copa__rs_world *w, int installed, const char *name, const char *text,
                              size_t len, int repo, int priority, const char *base_url);

#endif
