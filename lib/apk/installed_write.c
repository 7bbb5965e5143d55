/*
 * Writing the installed database back. Packages read and not touched are
 * their stanza's bytes, unchanged. The others are written in the order
 * apk-tools 2.14 writes a package (src/package.c's index header, then
 * src/database.c's installed-only fields and file tree):
 *   C P V [A] S I T U L [o] [m] [t] [c] [k] [D] [p] [i]  [r] [q] [s] [f]
 *   then per directory F [M], per file R [a] [Z], then a blank line.
 * C, S, I, T, U and L are always written (apk-tools writes them even when
 * empty; S and I as 0). Fields whose letter the model does not name are
 * not something apk-tools 2.14 writes; we keep them, after [f] and before
 * the file tree, in the order they were read.
 */
#include "apk/installed.h"

#include "util/error.h"

#include <string.h>

static int line(copa__buf *out, char letter, const char *value)
{
    char head[2];
    head[0] = letter;
    head[1] = ':';
    if (copa__buf_append(out, head, 2) != 0 || copa__buf_append_str(out, value) != 0 ||
        copa__buf_append(out, "\n", 1) != 0)
        return copa__error_oom();
    return 0;
}

static int optional(copa__buf *out, char letter, const char *value)
{
    return value != NULL ? line(out, letter, value) : 0;
}

static int tokens(copa__buf *out, char letter, const copa__apk_tokens *list)
{
    size_t i;
    char head[2];

    if (list->count == 0)
        return 0;
    head[0] = letter;
    head[1] = ':';
    if (copa__buf_append(out, head, 2) != 0)
        return copa__error_oom();
    for (i = 0; i < list->count; i++)
        if ((i > 0 && copa__buf_append(out, " ", 1) != 0) ||
            copa__buf_append_str(out, list->items[i]) != 0)
            return copa__error_oom();
    return copa__buf_append(out, "\n", 1) != 0 ? copa__error_oom() : 0;
}

static int acl(copa__buf *out, char letter, const copa__apk_acl *a)
{
    int rc;
    if (!a->present)
        return 0;
    rc = copa__buf_appendf(out, "%c:%lu:%lu:%lo", letter, a->uid, a->gid, a->mode);
    if (rc == 0 && a->xattr_digest != NULL)
        rc = copa__buf_appendf(out, ":%s", a->xattr_digest);
    if (rc == 0)
        rc = copa__buf_append(out, "\n", 1);
    return rc != 0 ? copa__error_oom() : 0;
}

static int header(copa__buf *out, const copa__apk_installed_pkg *pkg)
{
    int rc = 0;

    rc = rc ? rc : line(out, 'C', pkg->checksum != NULL ? pkg->checksum : "");
    rc = rc ? rc : line(out, 'P', pkg->name);
    rc = rc ? rc : line(out, 'V', pkg->version != NULL ? pkg->version : "");
    rc = rc ? rc : optional(out, 'A', pkg->arch);
    rc = rc ? rc : line(out, 'S', pkg->size != NULL ? pkg->size : "0");
    rc = rc ? rc : line(out, 'I', pkg->installed_size != NULL ? pkg->installed_size : "0");
    rc = rc ? rc : line(out, 'T', pkg->description != NULL ? pkg->description : "");
    rc = rc ? rc : line(out, 'U', pkg->url != NULL ? pkg->url : "");
    rc = rc ? rc : line(out, 'L', pkg->license != NULL ? pkg->license : "");
    rc = rc ? rc : optional(out, 'o', pkg->origin);
    rc = rc ? rc : optional(out, 'm', pkg->maintainer);
    rc = rc ? rc : optional(out, 't', pkg->build_time);
    rc = rc ? rc : optional(out, 'c', pkg->commit);
    rc = rc ? rc : optional(out, 'k', pkg->provider_priority);
    rc = rc ? rc : tokens(out, 'D', &pkg->depends);
    rc = rc ? rc : tokens(out, 'p', &pkg->provides);
    rc = rc ? rc : tokens(out, 'i', &pkg->install_if);
    rc = rc ? rc : tokens(out, 'r', &pkg->replaces);
    rc = rc ? rc : optional(out, 'q', pkg->replaces_priority);
    rc = rc ? rc : optional(out, 's', pkg->repository_tag);
    rc = rc ? rc : optional(out, 'f', pkg->broken);
    return rc;
}

int copa__apk_installed_write_pkg(copa__buf *out, const copa__apk_installed_pkg *pkg)
{
    size_t i, j;
    int rc = header(out, pkg);

    for (i = 0; rc == 0 && i < pkg->other_count; i++)
        rc = line(out, pkg->others[i].letter, pkg->others[i].value);
    for (i = 0; rc == 0 && i < pkg->dir_count; i++) {
        const copa__apk_dir *dir = &pkg->dirs[i];
        rc = line(out, 'F', dir->path);
        rc = rc ? rc : acl(out, 'M', &dir->acl);
        for (j = 0; rc == 0 && j < dir->file_count; j++) {
            rc = line(out, 'R', dir->files[j].name);
            rc = rc ? rc : acl(out, 'a', &dir->files[j].acl);
            rc = rc ? rc : optional(out, 'Z', dir->files[j].checksum);
        }
    }
    if (rc == 0 && copa__buf_append(out, "\n", 1) != 0)
        rc = copa__error_oom();
    return rc;
}

/* A stanza read at the end of a file may lack its newline or blank line. */
static int separate(copa__buf *out)
{
    if (out->length == 0)
        return 0;
    if (out->data[out->length - 1] != '\n' && copa__buf_append(out, "\n", 1) != 0)
        return copa__error_oom();
    if (out->length >= 2 && out->data[out->length - 2] != '\n' &&
        copa__buf_append(out, "\n", 1) != 0)
        return copa__error_oom();
    return 0;
}

int copa__apk_installed_write(copa__buf *out, const copa__apk_installed *db)
{
    size_t i;
    int rc = 0;

    if (db->prefix_len > 0 && copa__buf_append(out, db->prefix, db->prefix_len) != 0)
        return copa__error_oom();
    for (i = 0; rc == 0 && i < db->count; i++) {
        const copa__apk_installed_pkg *pkg = db->pkgs[i];
        if (i > 0 && (rc = separate(out)) != 0)
            break;
        if (pkg->raw != NULL)
            rc = copa__buf_append(out, pkg->raw, pkg->raw_len) != 0 ? copa__error_oom() : 0;
        else
            rc = copa__apk_installed_write_pkg(out, pkg);
    }
    return rc;
}
