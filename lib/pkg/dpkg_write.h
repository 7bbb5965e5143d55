/*
 * Writing dpkg's database as dpkg itself would leave it after an upgrade:
 * a package's status stanza built from its new control file, the Conffiles
 * list carried over from the old version, and the whole status file with
 * only the changed stanzas replaced or added.
 */
#ifndef COPA_LIB_PKG_DPKG_WRITE_H
#define COPA_LIB_PKG_DPKG_WRITE_H

#include "pkg/dpkg_db.h"
#include "pkg/dpkg_status.h"
#include "util/buffer.h"

#include <stddef.h>

/*
 * Append a status stanza for a package whose control file is `control`
 * (the `control` member of its control.tar): known fields in dpkg's order
 * (Package, Essential, Protected, Status, Priority, Section, Installed-Size,
 * Origin, Maintainer, Bugs, Architecture, Multi-Arch, Source, Version,
 * Config-Version, Replaces, Provides, Depends, Pre-Depends, Recommends,
 * Suggests, Breaks, Conflicts, Enhances, Conffiles, ..., Description,
 * Triggers-*), then the other fields in control-file order. Relationship
 * fields are rewritten in dpkg's canonical form, Essential/Protected only
 * when "yes", `status` ("install ok installed") as Status and `conffiles`
 * as Conffiles. The stanza ends with its last newline (no blank line).
 * Returns 0, COPA_EINVALID (the control file names why), COPA_ENOMEM.
 */
int copa__dpkg_stanza_build(copa__buf *out, const char *control, size_t control_len,
                            const char *status, const copa__dpkg_conffile *conffiles,
                            size_t conffile_count);

/*
 * The Conffiles an upgraded package records, as dpkg computes them: every
 * conffile of the new version (its `new_paths`, the lines of the .deb's
 * conffiles member, each with the md5 of the new file in `new_md5s`), then
 * the old version's conffiles that the new version no longer lists and
 * does not ship as a plain file (`shipped`, called with an absolute path;
 * may be NULL), kept with their old hash and marked obsolete.
 * Arrays and strings come from `arena`.
 */
int copa__dpkg_conffiles_merge(copa__dpkg_conffile **out, size_t *count, copa__arena *arena,
                               const copa__dpkg_conffile *old, size_t old_count,
                               const copa__dpkg_conffile *fresh, size_t fresh_count,
                               int (*shipped)(const char *path, void *payload), void *payload);

/* A change to one stanza of a status file. */
typedef struct copa__dpkg_stanza_update {
    const char *name;
    const char *arch; /* "" or NULL for a stanza without Architecture */
    const char *text; /* the new stanza (ending in "\n"), NULL removes it */
    size_t len;
} copa__dpkg_stanza_update;

/*
 * Write the status file `st` with `updates` applied into `out`: stanzas
 * that no update names are copied byte for byte with the bytes between
 * them; an update replaces the stanza of the same name and architecture in
 * place, or, when there is none, is inserted where dpkg's order (name,
 * then unqualified before foreign architectures, `native_arch` deciding
 * which is which) puts it. Returns 0 or COPA_ENOMEM.
 */
int copa__dpkg_status_write(copa__buf *out, const copa__dpkg_status *st, const char *native_arch,
                            const copa__dpkg_stanza_update *updates, size_t count);

/*
 * Where a package's stanza goes in a distroless image: the status.d file
 * that held it (same name and architecture), or status.d/<name> for a new
 * package (status.d/<name>:<arch> when that name is taken by another
 * architecture's package); its md5sums go to "<that path>.md5sums".
 * Both strings are malloc'd. Returns 0 or COPA_ENOMEM.
 */
int copa__dpkg_status_d_paths(char **stanza_path, char **md5sums_path, const copa__dpkg_db *db,
                              const char *name, const char *arch);

#endif
