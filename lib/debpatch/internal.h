/*
 * Internal pieces of the patch layer builder (lib/debpatch/).
 */
#ifndef COPA_LIB_DEBPATCH_INTERNAL_H
#define COPA_LIB_DEBPATCH_INTERNAL_H

#include "debpatch/debpatch.h"
#include "pkg/dpkg_info.h"
#include "pkg/deb_file.h"
#include "pkg/dpkg_status.h"
#include "util/arena.h"
#include "util/buffer.h"

#include <stdint.h>

/* What the view knows about one canonical path. */
typedef enum copa__dp_kind {
    COPA__DP_MISSING = 0,
    COPA__DP_DIR,
    COPA__DP_SYMLINK,
    COPA__DP_OTHER /* regular file, device, fifo */
} copa__dp_kind;

typedef struct copa__dp_node {
    char *path; /* canonical, relative ("usr/lib/x") */
    copa__dp_kind kind;
    char *link;
    int written; /* 1: this layer writes it; 0: this layer hides it (whiteout) */
} copa__dp_node;

/*
 * The image as the layer being built changes it: the rootfs view below,
 * the entries this layer writes or hides on top (an open-addressing table).
 */
typedef struct copa__dp_view {
    const copa__rootfs *fs;
    copa__dp_node *nodes;
    size_t cap, count;
} copa__dp_view;

void copa__dp_view_init(copa__dp_view *v, const copa__rootfs *fs);
void copa__dp_view_free(copa__dp_view *v);

/* lstat through both levels; *link borrowed. `layer` (may be NULL) is set to
 * 1 when this layer wrote the path, -1 when it hid it, 0 otherwise. */
copa__dp_kind copa__dp_view_kind(const copa__dp_view *v, const char *path, const char **link,
                                 int *layer);

/* Record that this layer writes (`written` 1) or hides (0) `path`. */
int copa__dp_view_put(copa__dp_view *v, const char *path, copa__dp_kind kind, const char *link,
                      int written);

/* Whether this layer writes something strictly below directory `dir`. */
int copa__dp_view_writes_below(const copa__dp_view *v, const char *dir);

/*
 * Canonical path ("usr/lib/x", "" for the root) of image path `path`,
 * following symlinks in every component except the last unless
 * `follow_last`. Symlinks never leave the root ("/.." is "/"). Missing
 * components are kept as written. COPA_EINVALID after 40 links.
 */
int copa__dp_canonical(char **out, const copa__dp_view *v, const char *path, int follow_last);

/* Users and groups of the image (/etc/passwd, /etc/group). */
typedef struct copa__dp_ids {
    char **names;
    int64_t *ids;
    size_t count;
} copa__dp_ids;

/* Load both files; a missing file is an empty table. */
int copa__dp_ids_load(copa__dp_ids *users, copa__dp_ids *groups, const copa__image_files *files);
void copa__dp_ids_free(copa__dp_ids *t);

/* The id of `name` ("#123" is numeric), or `fallback` when unknown or empty. */
int64_t copa__dp_ids_lookup(const copa__dp_ids *t, const char *name, int64_t fallback);

/* MD5 of a buffer as 32 lower-case hex digits (+ NUL). */
int copa__dp_md5_hex(char out[33], const void *data, size_t len);

/* A streaming MD5. */
typedef struct copa__dp_md5 copa__dp_md5;
int copa__dp_md5_new(copa__dp_md5 **out);
int copa__dp_md5_update(copa__dp_md5 *m, const void *data, size_t len);
int copa__dp_md5_final(copa__dp_md5 *m, char out[33]);
void copa__dp_md5_free(copa__dp_md5 *m);

/* Append a malloc'd copy of `text` to a string list. */
int copa__dp_strlist_push(char ***list, size_t *count, const char *text);

/* One package of the plan while the layer is built. */
typedef struct copa__dp_pkg {
    const copa__rs_step *step;
    const copa__dpkg_entry *old; /* the installed version, NULL for a new package */
    copa__deb *deb;
    copa__dpkg_status *control; /* the .deb's control file parsed as a stanza */
    const copa__dpkg_pkg *ctl;  /* control->pkgs[0] */
    char *id;                   /* "name" or "name:arch" (Multi-Arch: same) */
    const char **paths;         /* "/x" of every data.tar entry, tar order (arena) */
    size_t npaths, cap_paths;
    copa__buf md5sums;          /* generated "md5  path" lines (regular files) */
    copa__dpkg_conffile *fresh; /* the new version's conffiles with new md5s (arena) */
    size_t nfresh;
    copa__dpkg_md5sums old_sums; /* distroless: the old md5sums, for conffiles */
    int old_sums_loaded;
    copa__dpkg_conffile *old_deb_conffiles; /* distroless: the old .deb's (arena) */
    size_t nold_deb_conffiles;
    int old_deb_state;           /* 0: not read, 1: read, -1: not available */
    const char *old_deb_why;     /* why not available (arena) */
    copa__dpkg_conffile *merged; /* what the status records (arena) */
    size_t nmerged;
} copa__dp_pkg;

/* A file of the plan kept in memory for an effect (effect_ca_files.c). */
typedef struct copa__dp_capture {
    char *path; /* canonical */
    copa__buf data;
} copa__dp_capture;

/* A shared library the plan writes, as ldconfig reads it (effect_ldso.c). */
typedef struct copa__dp_ldso_lib {
    char *path;   /* canonical */
    char *soname; /* NULL: none (ldconfig uses the file name) */
    int32_t flags;
} copa__dp_ldso_lib;

typedef struct copa__dp_ctx {
    const copa__debpatch_input *in;
    copa__debpatch_result *res;
    copa__dp_view view;
    copa__dp_ids users, groups;
    copa__dpkg_diversions div;
    copa__dpkg_statoverrides so;
    copa__arena arena;
    copa__dp_pkg *pkgs;
    size_t npkgs;
    const char ***owned; /* per installed package: its paths, read once (drops.c) */
    size_t *nowned;
    char *owned_loaded;
    char **hidden; /* dropped paths, whited out at the end (see drops.c) */
    size_t nhidden;
    copa__dp_capture *captured; /* certificates the plan writes (effect_ca_files.c) */
    size_t ncaptured;
    copa__dp_ldso_lib *ldso_libs; /* libraries the plan writes (effect_ldso.c) */
    size_t nldso_libs;
    const char *ldso_why; /* why ld.so.cache is left as the image has it (arena) */
    int ldso_current;     /* 1: ld.so.cache matches the patched libraries */
} copa__dp_ctx;

/* unpack.c: write one package's data.tar into the layer. */
int copa__dp_unpack(copa__dp_ctx *c, copa__dp_pkg *p);

/*
 * old_conffiles.c: what the installed version of a distroless package
 * shipped at conffile `abs`, read from its own .deb (in->old_deb):
 * *md5 is set, or NULL when that .deb has no such conffile. Returns 1
 * when the .deb is not available (a note names the conffile and why),
 * 0, or an error (COPA_ECANCELLED, COPA_ENOMEM).
 */
int copa__dp_old_deb_conffile_md5(const char **md5, copa__dp_ctx *c, copa__dp_pkg *p,
                                  const char *abs);

/* Add a generated file (root-owned, epoch mtime) and record it in the view. */
int copa__dp_add_generated(copa__dp_ctx *c, const char *path, unsigned int mode, const void *data,
                           size_t len);

/*
 * effect_caps.c: give the file about to be written (`w`, at canonical path
 * `canon`) the security.capability of the package's entry, else the one the
 * image's file there had (noted); `slot` holds the xattr while `w` is used.
 */
int copa__dp_effect_caps(copa__dp_ctx *c, const copa__dp_pkg *p, const copa__deb_entry *e,
                         const char *canon, copa__layer_wentry *w, copa__xattr *slot);

/* Whether the file written at canonical `canon` must be kept for the CA store
 * effect, and keeping it (effect_ca_files.c). */
int copa__dp_ca_capture_wanted(const char *canon);
int copa__dp_ca_capture(copa__dp_ctx *c, const char *canon, const void *data, size_t len);
void copa__dp_ca_capture_free(copa__dp_ctx *c);

/*
 * effect_ldso.c: whether the file written at canonical `canon` may be a
 * library ldconfig reads; reading it while it is written (`complete` 0 when
 * it was larger than copa__dp_ldso_keep_limit() and only partly kept).
 */
int copa__dp_ldso_wanted(const char *canon);
size_t copa__dp_ldso_keep_limit(void);
int copa__dp_ldso_seen(copa__dp_ctx *c, const char *canon, const void *data, size_t len,
                       int complete);
void copa__dp_ldso_free(copa__dp_ctx *c);

/*
 * effects.c: what maintainer scripts would have produced, made natively
 * once the packages are unpacked and the database written (effect_*.c).
 */
int copa__dp_effects(copa__dp_ctx *c);
int copa__dp_effect_ca_store(copa__dp_ctx *c);
int copa__dp_effect_bookkeeping(copa__dp_ctx *c);
int copa__dp_effect_ldso(copa__dp_ctx *c);

/* drops.c: whiteouts for the files old versions owned that are gone now. */
int copa__dp_whiteout_dropped(copa__dp_ctx *c);

/* Every path an installed package owns: its .list, else its md5sums (distroless). */
int copa__dp_owned_paths(const char ***out, size_t *count, copa__dp_ctx *c,
                         const copa__dpkg_entry *e);

/* dbwrite.c: info/ files, status or status.d. */
int copa__dp_write_db(copa__dp_ctx *c);

/* notes.c: skipped maintainer scripts and their known consequences. */
int copa__dp_notes(copa__dp_ctx *c);

#endif
