/*
 * What an upgrade does to files, as pure functions: the conffile decision
 * dpkg makes when it configures a package non-interactively keeping the
 * administrator's changes (--force-confdef --force-confold), and the files
 * an old version owned that the new one drops.
 */
#ifndef COPA_LIB_PKG_DPKG_CONFFILE_H
#define COPA_LIB_PKG_DPKG_CONFFILE_H

#include "util/arena.h"

#include <stddef.h>

typedef enum copa__conffile_action {
    /* Write the new version's file at the conffile's path. */
    COPA__CONFFILE_INSTALL = 0,
    /* Leave the image's file (or its absence) alone; write nothing. */
    COPA__CONFFILE_KEEP,
    /* Leave the image's file and write the new one as PATH.dpkg-dist. */
    COPA__CONFFILE_KEEP_DIST
} copa__conffile_action;

/*
 * Decide one conffile. `current_md5`: md5 of the file in the image, NULL
 * when the image has no such file. `old_md5`: what the installed version
 * recorded in Conffiles, NULL (or dpkg's "newconffile") when it was not a
 * conffile of the old version. `new_md5`: md5 of the new version's file.
 *
 *   current == new                      -> KEEP (already the new content)
 *   not a conffile before, no file      -> INSTALL
 *   not a conffile before, file differs -> KEEP_DIST
 *   recorded, file deleted by the admin -> KEEP (dpkg does not recreate it)
 *   file unmodified (current == old)    -> INSTALL
 *   file modified, package unchanged    -> KEEP (old == new: nothing to offer)
 *   file modified, package changed      -> KEEP_DIST
 */
copa__conffile_action copa__conffile_decide(const char *current_md5, const char *old_md5,
                                            const char *new_md5);

const char *copa__conffile_action_name(copa__conffile_action action);

/*
 * A set of absolute paths as .list files hold them ("/usr/bin/x"),
 * sorted for lookups. Build with copa__path_set_init over borrowed strings.
 */
typedef struct copa__path_set {
    const char **paths; /* sorted, duplicates removed */
    size_t count;
} copa__path_set;

/* Copy `count` borrowed pointers into `arena`, sort and de-duplicate them. */
int copa__path_set_init(copa__path_set *out, copa__arena *arena, const char *const *paths,
                        size_t count);

int copa__path_set_has(const copa__path_set *set, const char *path);

/* Whether some path of the set lies strictly below directory `dir`. */
int copa__path_set_has_below(const copa__path_set *set, const char *dir);

/*
 * The paths of `old_list` (the old version's .list) that must be removed
 * after the upgrade: those not in `new_paths` (the new version's files),
 * not in `kept` (conffiles the new version records as obsolete: dpkg
 * leaves them on disk and in the .list; may be NULL), not owned by another
 * installed package (`others`: the union of their .list files), never
 * "/.", and directories only when no path of the new version or of
 * another package remains below them. The caller still
 * checks that a dropped directory holds no unowned files in the image
 * (dpkg only removes empty directories). Result in `old_list` order,
 * deepest first is the caller's choice; strings are borrowed.
 */
int copa__dpkg_dropped_files(const char ***out, size_t *count, copa__arena *arena,
                             const char *const *old_list, size_t old_count,
                             const copa__path_set *new_paths, const copa__path_set *kept,
                             const copa__path_set *others);

#endif
