/*
 * The package database after the upgrade, as dpkg leaves it: regular
 * images get the whole new status file and info/<id>.{list,md5sums,<control
 * members>} with the old version's other info files whited out; distroless
 * images get status.d/<file> and <file>.md5sums. See docs/dpkg.md.
 */
#include "debpatch/internal.h"
#include "pkg/dpkg_write.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_PATH COPA__DPKG_ADMINDIR "/status"
#define INFO_DIR COPA__DPKG_ADMINDIR "/info"

static int shipped_file(const char *path, void *payload)
{
    const copa__dp_pkg *p = payload;
    size_t i;
    for (i = 0; i < p->npaths; i++)
        if (strcmp(p->paths[i], path) == 0)
            return 1;
    return 0;
}

static int build_stanza(copa__dp_ctx *c, copa__dp_pkg *p, copa__buf *out)
{
    const copa__deb_member *control = copa__deb_control_member(p->deb, "control");
    const copa__dpkg_conffile *old = p->old != NULL ? p->old->pkg->conffiles : NULL;
    size_t nold = p->old != NULL ? p->old->pkg->conffile_count : 0;
    const char *status = p->old != NULL && p->old->pkg->want == COPA__DPKG_WANT_HOLD
                             ? "hold ok installed"
                             : "install ok installed";
    int rc = copa__dpkg_conffiles_merge(&p->merged, &p->nmerged, &c->arena, old, nold, p->fresh,
                                        p->nfresh, shipped_file, p);
    if (rc == 0)
        rc = copa__dpkg_stanza_build(out, control->data, control->len, status, p->merged,
                                     p->nmerged);
    return rc;
}

/* dpkg's .list: "/.", the data.tar paths in order, then obsolete conffiles. */
static int list_text(const copa__dp_pkg *p, copa__buf *out)
{
    size_t i;
    int rc = copa__buf_append_str(out, "/.\n");
    for (i = 0; rc == 0 && i < p->npaths; i++)
        rc = copa__buf_appendf(out, "%s\n", p->paths[i]);
    for (i = 0; rc == 0 && i < p->nmerged; i++)
        if ((p->merged[i].flags & COPA__CONFFILE_OBSOLETE) &&
            !shipped_file(p->merged[i].path, (void *)p))
            rc = copa__buf_appendf(out, "%s\n", p->merged[i].path);
    return rc;
}

/* The package's md5sums member, or the list dpkg >= 1.16.? generates itself. */
static void md5sums_of(const copa__dp_pkg *p, const char **data, size_t *len)
{
    const copa__deb_member *m = copa__deb_control_member(p->deb, "md5sums");
    *data = m != NULL ? m->data : p->md5sums.data != NULL ? p->md5sums.data : "";
    *len = m != NULL ? m->len : p->md5sums.length;
}

static int info_file(copa__dp_ctx *c, const char *id, const char *ext, unsigned int mode,
                     const char *data, size_t len)
{
    copa__buf path = COPA__BUF_INIT;
    int rc = copa__buf_appendf(&path, INFO_DIR "/%s.%s", id, ext);
    if (rc == 0)
        rc = copa__dp_add_generated(c, path.data, mode, data, len);
    copa__buf_free(&path);
    return rc;
}

/* The old version's info files that the new one does not have. */
static int hide_old_info(copa__dp_ctx *c, const copa__dp_pkg *p)
{
    const copa__image_files *f = c->in->files;
    char **names = NULL, *old_id = NULL, *dot;
    size_t n = 0, i, idlen;
    int rc;

    if (p->old == NULL)
        return 0;
    if ((old_id = copa__dpkg_info_path(c->in->db, p->old, "x")) == NULL)
        return copa__error_oom();
    /* ".../info/<id>.x" -> "<id>" */
    dot = strrchr(old_id, '.');
    *dot = '\0';
    idlen = strlen(old_id + strlen(INFO_DIR "/"));
    if ((rc = f->list(&names, &n, INFO_DIR, f->payload)) == COPA_ENOTFOUND) {
        copa_error_clear();
        rc = 0;
    }
    for (i = 0; rc == 0 && i < n; i++) {
        const char *name = names[i], *link;
        char *path = NULL;
        int layer = 0;
        /* "<id>.<ext>" with no dot in <ext>: python3.11.list is not python3's. */
        if (strncmp(name, old_id + strlen(INFO_DIR "/"), idlen) != 0 || name[idlen] != '.' ||
            strchr(name + idlen + 1, '.') != NULL)
            continue;
        if ((path = malloc(strlen(INFO_DIR) + strlen(name) + 2)) == NULL) {
            rc = copa__error_oom();
            break;
        }
        sprintf(path, "%s/%s", INFO_DIR + 1, name);
        copa__dp_view_kind(&c->view, path, &link, &layer);
        if (layer == 0) {
            rc = copa__layer_writer_add_whiteout(c->in->writer, path);
            if (rc == 0)
                rc = copa__dp_view_put(&c->view, path, COPA__DP_MISSING, NULL, 0);
            if (rc == 0)
                c->res->whiteouts++;
        }
        free(path);
    }
    copa__image_files_free_names(names, n);
    free(old_id);
    return rc;
}

static int write_info(copa__dp_ctx *c, const copa__dp_pkg *p)
{
    const copa__deb_member *m;
    copa__buf list = COPA__BUF_INIT;
    const char *md5;
    size_t n, i, md5len;
    int rc = list_text(p, &list);

    if (rc == 0)
        rc = info_file(c, p->id, "list", 0644, list.data, list.length);
    md5sums_of(p, &md5, &md5len);
    if (rc == 0 && md5len > 0)
        rc = info_file(c, p->id, "md5sums", 0644, md5, md5len);
    m = copa__deb_control_members(p->deb, &n);
    for (i = 0; rc == 0 && i < n; i++)
        if (strcmp(m[i].name, "control") != 0 && strcmp(m[i].name, "md5sums") != 0 &&
            strchr(m[i].name, '/') == NULL && strchr(m[i].name, '.') == NULL)
            rc = info_file(c, p->id, m[i].name, m[i].mode & 07777, m[i].data, m[i].len);
    copa__buf_free(&list);
    return rc == 0 ? hide_old_info(c, p) : rc;
}

/* Distroless stanzas written without dpkg often have no Status line. */
static void drop_status_line(copa__buf *stanza)
{
    char *s = strstr(stanza->data, "\nStatus: ");
    char *end = s != NULL ? strchr(s + 1, '\n') : NULL;
    if (end == NULL)
        return;
    memmove(s + 1, end + 1, stanza->length - (size_t)(end + 1 - stanza->data) + 1);
    stanza->length -= (size_t)(end - s);
}

/* Whether the stanza should go without Status: like the one it replaces,
 * or, for a new package, like the image's other status.d stanzas. */
static int without_status(const copa__dp_ctx *c, const copa__dp_pkg *p)
{
    const copa__dpkg_db *db = c->in->db;
    size_t i;
    if (p->old != NULL)
        return copa__dpkg_pkg_field(p->old->pkg, "Status", NULL) == NULL;
    for (i = 0; i < db->status_d_count; i++)
        if (db->status_d[i]->count > 0)
            return copa__dpkg_pkg_field(&db->status_d[i]->pkgs[0], "Status", NULL) == NULL;
    return 0;
}

static int write_status_d(copa__dp_ctx *c, const copa__dp_pkg *p, copa__buf *stanza)
{
    char *stanza_path = NULL, *md5_path = NULL;
    const char *md5;
    size_t md5len;
    int rc =
        copa__dpkg_status_d_paths(&stanza_path, &md5_path, c->in->db, p->ctl->name, p->ctl->arch);
    if (rc == 0 && without_status(c, p))
        drop_status_line(stanza);
    if (rc == 0)
        rc = copa__dp_add_generated(c, stanza_path, 0644, stanza->data, stanza->length);
    md5sums_of(p, &md5, &md5len);
    if (rc == 0)
        rc = copa__dp_add_generated(c, md5_path, 0644, md5, md5len);
    free(stanza_path);
    free(md5_path);
    return rc;
}

static int status_mode(const copa__dp_ctx *c, unsigned int *mode)
{
    copa__rootfs_stat st;
    *mode = 0644;
    if (c->view.fs != NULL && copa__rootfs_stat_path(&st, c->view.fs, STATUS_PATH, 1) == 0)
        *mode = st.mode & 07777;
    copa_error_clear();
    return 0;
}

int copa__dp_write_db(copa__dp_ctx *c)
{
    const copa__dpkg_db *db = c->in->db;
    copa__dpkg_stanza_update *ups = calloc(c->npkgs + 1, sizeof(*ups));
    copa__buf *stanzas = calloc(c->npkgs + 1, sizeof(*stanzas)), status = COPA__BUF_INIT;
    size_t i, nups = 0;
    unsigned int mode;
    int rc = ups == NULL || stanzas == NULL ? copa__error_oom() : 0;

    for (i = 0; rc == 0 && i < c->npkgs; i++) {
        copa__dp_pkg *p = &c->pkgs[i];
        int distroless = p->old != NULL ? p->old->distroless : db->status == NULL;
        if ((rc = build_stanza(c, p, &stanzas[i])) != 0)
            break;
        if (distroless) {
            rc = write_status_d(c, p, &stanzas[i]);
            continue;
        }
        ups[nups].name = p->ctl->name;
        ups[nups].arch = p->ctl->arch;
        ups[nups].text = stanzas[i].data;
        ups[nups].len = stanzas[i].length;
        nups++;
        rc = write_info(c, p);
    }
    if (rc == 0 && nups > 0 && db->status != NULL &&
        (rc = copa__dpkg_status_write(&status, db->status, db->native_arch, ups, nups)) == 0 &&
        (rc = status_mode(c, &mode)) == 0)
        rc = copa__dp_add_generated(c, STATUS_PATH, mode, status.data, status.length);
    for (i = 0; stanzas != NULL && i < c->npkgs; i++)
        copa__buf_free(&stanzas[i]);
    copa__buf_free(&status);
    free(stanzas);
    free(ups);
    return rc;
}
