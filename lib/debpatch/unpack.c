/*
 * One package's data.tar into the layer, as dpkg unpacks it: each path is
 * diverted (dpkg-divert), then canonicalized through the image's symlinks
 * (merged-/usr), owners are mapped by name through the image's passwd and
 * group, stat overrides win, existing directories are left alone, and
 * conffiles follow dpkg's decision (copa__conffile_decide).
 */
#include "debpatch/internal.h"
#include "pkg/dpkg_conffile.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_CONFFILE = 64 * 1024 * 1024 };

static int remember_path(copa__dp_ctx *c, copa__dp_pkg *p, const char *rel)
{
    char *copy;
    if (p->npaths == p->cap_paths) {
        size_t cap = p->cap_paths == 0 ? 256 : p->cap_paths * 2;
        const char **grown = realloc(p->paths, cap * sizeof(*grown));
        if (grown == NULL)
            return copa__error_oom();
        p->paths = grown;
        p->cap_paths = cap;
    }
    if ((copy = copa__arena_alloc(&c->arena, strlen(rel) + 2)) == NULL)
        return copa__error_oom();
    copy[0] = '/';
    strcpy(copy + 1, rel);
    p->paths[p->npaths++] = copy;
    return 0;
}

static int is_conffile(const copa__dp_pkg *p, const char *abs)
{
    const copa__deb_member *m = copa__deb_control_member(p->deb, "conffiles");
    size_t n = strlen(abs);
    const char *s;

    for (s = m != NULL ? m->data : NULL; s != NULL && *s != '\0';) {
        const char *end = strchr(s, '\n'), *path = s;
        size_t len;
        if (end == NULL)
            end = s + strlen(s);
        while (end > path && (end[-1] == ' ' || end[-1] == '\r' || end[-1] == '\t'))
            end--;
        /* dpkg >= 1.20.1 allows a "remove-on-upgrade" flag before the path. */
        if (strncmp(path, "remove-on-upgrade ", 18) == 0)
            path = end; /* not shipped as a conffile any more */
        len = (size_t)(end - path);
        if (len == n && memcmp(path, abs, n) == 0)
            return 1;
        s = strchr(s, '\n');
        if (s != NULL)
            s++;
    }
    return 0;
}

/* Owner, group and mode as dpkg sets them. */
static void ownership(copa__dp_ctx *c, const char *target, const copa__deb_entry *e,
                      copa__layer_wentry *w)
{
    const copa__dpkg_statoverride *so = copa__dpkg_statoverride_find(&c->so, target);
    w->uid = copa__dp_ids_lookup(&c->users, e->uname, e->uid);
    w->gid = copa__dp_ids_lookup(&c->groups, e->gname, e->gid);
    w->uname = copa__dp_ids_lookup(&c->users, e->uname, -1) >= 0 ? e->uname : NULL;
    w->gname = copa__dp_ids_lookup(&c->groups, e->gname, -1) >= 0 ? e->gname : NULL;
    w->mode = e->mode & 07777;
    if (so != NULL) {
        w->uid = copa__dp_ids_lookup(&c->users, so->user, w->uid);
        w->gid = copa__dp_ids_lookup(&c->groups, so->group, w->gid);
        w->uname = so->user[0] != '#' ? so->user : NULL;
        w->gname = so->group[0] != '#' ? so->group : NULL;
        w->mode = so->mode & 07777;
    }
}

/* Create the missing parents of canonical `path` with the entry's times. */
static int ensure_parents(copa__dp_ctx *c, const char *path, int64_t mtime)
{
    char *copy = strdup(path), *slash;
    int rc = 0;

    if (copy == NULL)
        return copa__error_oom();
    for (slash = strchr(copy, '/'); slash != NULL && rc == 0; slash = strchr(slash + 1, '/')) {
        const char *link;
        copa__dp_kind kind;
        *slash = '\0';
        kind = copa__dp_view_kind(&c->view, copy, &link, NULL);
        if (kind == COPA__DP_MISSING) {
            /* data.tar lists directories before their contents, so this
             * only happens for a diverted file or an odd archive. */
            copa__layer_wentry w;
            memset(&w, 0, sizeof(w));
            w.path = copy;
            w.type = COPA__ENTRY_DIR;
            w.mode = 0755;
            w.uname = w.gname = "root";
            w.mtime = mtime;
            if ((rc = copa__layer_writer_add(c->in->writer, &w)) == 0)
                rc = copa__dp_view_put(&c->view, copy, COPA__DP_DIR, NULL, 1);
        } else if (kind != COPA__DP_DIR) {
            rc = copa__error_set(COPA_EINVALID, "/%s is not a directory in the image", copy);
        }
        *slash = '/';
    }
    free(copy);
    return rc;
}

typedef struct stream_ctx {
    copa__deb *deb;
    copa__dp_md5 *md5;
    copa__buf *keep; /* a library's bytes for effect_ldso.c, up to its limit */
    int truncated;
} stream_ctx;

static ssize_t stream_read(void *payload, void *buf, size_t length)
{
    stream_ctx *s = payload;
    size_t got = 0;
    int rc = copa__deb_data_read(s->deb, buf, length, &got);
    if (rc == 0)
        rc = copa__dp_md5_update(s->md5, buf, got);
    if (rc == 0 && s->keep != NULL && !s->truncated) {
        if (s->keep->length + got > copa__dp_ldso_keep_limit())
            s->truncated = 1;
        else
            rc = copa__buf_append(s->keep, buf, got);
    }
    return rc != 0 ? rc : (ssize_t)got;
}

/* Read the whole current entry (conffiles, or a file already in the layer). */
static int slurp(copa__buf *out, copa__deb *deb, const char *path)
{
    char chunk[65536];
    size_t got;
    int rc;
    do {
        if ((rc = copa__deb_data_read(deb, chunk, sizeof(chunk), &got)) != 0)
            return rc;
        if (out->length + got > MAX_CONFFILE)
            return copa__error_set(COPA_EINVALID, "%s: conffile too large", path);
        if ((rc = copa__buf_append(out, chunk, got)) != 0)
            return rc;
    } while (got > 0);
    return copa__buf_append(out, "", 0);
}

/*
 * What the installed version recorded for conffile `abs`. Distroless
 * stanzas carry no Conffiles (no dpkg installed them); their md5sums file
 * still says what the package shipped, which is what dpkg's record means.
 */
static const char *old_conffile_md5(copa__dp_ctx *c, copa__dp_pkg *p, const char *abs)
{
    size_t i;
    for (i = 0; p->old != NULL && i < p->old->pkg->conffile_count; i++)
        if (strcmp(p->old->pkg->conffiles[i].path, abs) == 0)
            return p->old->pkg->conffiles[i].md5;
    if (p->old == NULL || !p->old->distroless)
        return NULL;
    if (!p->old_sums_loaded) {
        p->old_sums_loaded = 1;
        if (copa__dpkg_db_read_md5sums(&p->old_sums, &c->arena, c->in->db, p->old, c->in->files) !=
            0) {
            memset(&p->old_sums, 0, sizeof(p->old_sums));
            copa_error_clear();
        }
    }
    return copa__dpkg_md5sums_find(&p->old_sums, abs);
}

/* The old .deb's hash, or NULL when it cannot be read (noted): not an error. */
static int old_deb_md5(const char **md5, copa__dp_ctx *c, copa__dp_pkg *p, const char *abs)
{
    int rc = copa__dp_old_deb_conffile_md5(md5, c, p, abs);
    return rc < 0 ? rc : 0;
}

static int add_fresh(copa__dp_ctx *c, copa__dp_pkg *p, const char *abs, const char *md5)
{
    copa__dpkg_conffile *grown = copa__arena_alloc(&c->arena, (p->nfresh + 1) * sizeof(*grown));
    if (grown == NULL)
        return copa__error_oom();
    if (p->nfresh > 0)
        memcpy(grown, p->fresh, p->nfresh * sizeof(*grown));
    grown[p->nfresh].path = abs;
    grown[p->nfresh].md5 = copa__arena_strndup(&c->arena, md5, 32);
    grown[p->nfresh].flags = 0;
    if (grown[p->nfresh].md5 == NULL)
        return copa__error_oom();
    p->fresh = grown;
    p->nfresh++;
    return 0;
}

static int conffile(copa__dp_ctx *c, copa__dp_pkg *p, const char *abs, const char *target,
                    copa__layer_wentry *w, char md5[33])
{
    const copa__image_files *f = c->in->files;
    copa__buf data = COPA__BUF_INIT;
    char *cur = NULL, cur_md5[33], *dist = NULL;
    const char *old_md5;
    size_t cur_len;
    copa__conffile_action act;
    int rc = slurp(&data, p->deb, abs), have_cur;

    if (rc == 0)
        rc = copa__dp_md5_hex(md5, data.data, data.length);
    if (rc == 0)
        rc = f->read(&cur, &cur_len, target, f->payload);
    have_cur = rc == 0 || rc == COPA_EUNSUPPORTED;
    if (rc == COPA_ENOTFOUND || rc == COPA_EUNSUPPORTED) {
        /* Content the image view did not keep counts as modified: the
         * image's file stays and the new one goes to .dpkg-dist. */
        strcpy(cur_md5, "not-kept");
        copa_error_clear();
        rc = 0;
    } else if (rc == 0)
        rc = copa__dp_md5_hex(cur_md5, cur, cur_len);
    if (rc == 0)
        rc = add_fresh(c, p, abs, md5);
    old_md5 = rc == 0 ? old_conffile_md5(c, p, abs) : NULL;
    /* Distroless: only a file that differs from the new version needs the
     * old version's hash, read from its own .deb. */
    if (rc == 0 && old_md5 == NULL && p->old != NULL && p->old->distroless && have_cur &&
        strcmp(cur_md5, "not-kept") != 0 && strcmp(cur_md5, md5) != 0)
        rc = old_deb_md5(&old_md5, c, p, abs);
    act = copa__conffile_decide(have_cur ? cur_md5 : NULL, old_md5, md5);
    if (rc == 0 && act != COPA__CONFFILE_INSTALL && have_cur && strcmp(cur_md5, md5) != 0)
        c->res->conffiles_kept++; /* the image's own version stays */
    if (rc == 0 && act == COPA__CONFFILE_KEEP_DIST) {
        if ((dist = malloc(strlen(w->path) + 12)) == NULL)
            rc = copa__error_oom();
        else
            w->path = strcat(strcpy(dist, w->path), ".dpkg-dist");
    }
    if (rc == 0 && act != COPA__CONFFILE_KEEP) {
        rc = copa__layer_writer_add_file(c->in->writer, w, data.data, data.length);
        if (rc == 0)
            rc = copa__dp_view_put(&c->view, w->path, COPA__DP_OTHER, NULL, 1);
        if (rc == 0)
            c->res->files++;
    }
    free(dist);
    free(cur);
    copa__buf_free(&data);
    return rc;
}

/* A certificate: written and kept for the CA store effect. */
static int captured(copa__dp_ctx *c, copa__dp_pkg *p, const char *abs, copa__layer_wentry *w,
                    char md5[33])
{
    copa__buf data = COPA__BUF_INIT;
    int rc = slurp(&data, p->deb, abs);
    if (rc == 0)
        rc = copa__dp_md5_hex(md5, data.data, data.length);
    if (rc == 0)
        rc = copa__layer_writer_add_file(c->in->writer, w, data.data, data.length);
    if (rc == 0)
        rc = copa__dp_ca_capture(c, w->path, data.data, data.length);
    if (rc == 0)
        c->res->files++;
    copa__buf_free(&data);
    return rc;
}

static int regular(copa__dp_ctx *c, copa__dp_pkg *p, const copa__deb_entry *e, const char *abs,
                   const char *target, copa__layer_wentry *w, int in_layer)
{
    char md5[33];
    stream_ctx s;
    int rc;

    if (is_conffile(p, abs))
        rc = conffile(c, p, abs, target, w, md5);
    else if (!in_layer && copa__dp_ca_capture_wanted(w->path))
        rc = captured(c, p, abs, w, md5);
    else if ((rc = copa__dp_md5_new(&s.md5)) == 0) {
        copa__buf lib = COPA__BUF_INIT;
        s.deb = p->deb;
        s.keep = !in_layer && copa__dp_ldso_wanted(w->path) ? &lib : NULL;
        s.truncated = 0;
        if (in_layer) {
            /* Multi-Arch: same instances share identical files: one copy. */
            copa__buf data = COPA__BUF_INIT;
            if ((rc = slurp(&data, p->deb, abs)) == 0)
                rc = copa__dp_md5_update(s.md5, data.data, data.length);
            copa__buf_free(&data);
        } else {
            rc = copa__layer_writer_add_file_stream(c->in->writer, w, stream_read, &s);
            if (rc == 0)
                c->res->files++;
            if (rc == 0 && s.keep != NULL)
                rc = copa__dp_ldso_seen(c, w->path, lib.data, lib.length, !s.truncated);
        }
        copa__buf_free(&lib);
        if (rc == 0)
            rc = copa__dp_md5_final(s.md5, md5);
        copa__dp_md5_free(s.md5);
    }
    if (rc == 0)
        rc = copa__buf_appendf(&p->md5sums, "%s  %s\n", md5, e->path);
    return rc;
}

/* dpkg's generated md5sums list a hardlink with its target's hash. */
static int hardlink_md5(copa__dp_pkg *p, const copa__deb_entry *e)
{
    const char *s = p->md5sums.data;
    size_t n = strlen(e->link);
    while (s != NULL && *s != '\0') {
        const char *end = strchr(s, '\n');
        if (end == NULL)
            break;
        if ((size_t)(end - s) == 34 + n && memcmp(s + 34, e->link, n) == 0) {
            char md5[33]; /* copied: appending may move the buffer */
            memcpy(md5, s, 32);
            md5[32] = '\0';
            return copa__buf_appendf(&p->md5sums, "%s  %s\n", md5, e->path);
        }
        s = end + 1;
    }
    return 0;
}

static copa__entry_type entry_type(copa__deb_type t)
{
    switch (t) {
    case COPA__DEB_DIR:
        return COPA__ENTRY_DIR;
    case COPA__DEB_SYMLINK:
        return COPA__ENTRY_SYMLINK;
    case COPA__DEB_HARDLINK:
        return COPA__ENTRY_HARDLINK;
    case COPA__DEB_CHAR:
        return COPA__ENTRY_CHAR;
    case COPA__DEB_BLOCK:
        return COPA__ENTRY_BLOCK;
    case COPA__DEB_FIFO:
        return COPA__ENTRY_FIFO;
    default:
        return COPA__ENTRY_FILE;
    }
}

static int directory(copa__dp_ctx *c, const char *target, copa__layer_wentry *w)
{
    char *canon = NULL;
    const char *link;
    int rc = copa__dp_canonical(&canon, &c->view, target, 1);

    /* An existing directory (or a symlink to one, /lib on merged-/usr) stays. */
    if (rc == 0 && copa__dp_view_kind(&c->view, canon, &link, NULL) != COPA__DP_DIR) {
        if ((rc = ensure_parents(c, canon, w->mtime)) == 0) {
            w->path = canon;
            rc = copa__layer_writer_add(c->in->writer, w);
        }
        if (rc == 0)
            rc = copa__dp_view_put(&c->view, canon, COPA__DP_DIR, NULL, 1);
        if (rc == 0)
            c->res->files++;
    }
    free(canon);
    return rc;
}

static int other(copa__dp_ctx *c, copa__dp_pkg *p, const copa__deb_entry *e, const char *abs,
                 const char *target, copa__layer_wentry *w)
{
    char *canon = NULL, *link_canon = NULL;
    const char *link;
    copa__xattr cap;
    int rc = copa__dp_canonical(&canon, &c->view, target, 0), layer = 0;
    copa__dp_kind kind =
        rc == 0 ? copa__dp_view_kind(&c->view, canon, &link, &layer) : COPA__DP_MISSING;

    if (rc == 0 && kind == COPA__DP_DIR)
        rc = copa__error_set(COPA_EINVALID, "%s: %s would replace the directory /%s", p->ctl->name,
                             abs, canon);
    if (rc == 0)
        rc = ensure_parents(c, canon, e->mtime);
    w->path = canon;
    if (rc == 0 && e->type == COPA__DEB_HARDLINK) {
        char *abs_link = malloc(strlen(e->link) + 2);
        if (abs_link == NULL)
            rc = copa__error_oom();
        else {
            abs_link[0] = '/';
            strcpy(abs_link + 1, e->link);
            rc =
                copa__dp_canonical(&link_canon, &c->view,
                                   copa__dpkg_diversions_apply(&c->div, abs_link, p->ctl->name), 0);
            free(abs_link);
        }
        w->link = link_canon;
    }
    if (rc == 0 && e->type == COPA__DEB_FILE && !is_conffile(p, abs))
        rc = copa__dp_effect_caps(c, p, e, canon, w, &cap);
    if (rc == 0 && e->type == COPA__DEB_FILE)
        rc = regular(c, p, e, abs, target, w, layer == 1);
    else if (rc == 0 && layer != 1) {
        rc = copa__layer_writer_add(c->in->writer, w);
        if (rc == 0)
            c->res->files++;
    }
    if (rc == 0 && e->type == COPA__DEB_HARDLINK)
        rc = hardlink_md5(p, e);
    if (rc == 0 && layer != 1 && !(e->type == COPA__DEB_FILE && is_conffile(p, abs)))
        rc = copa__dp_view_put(&c->view, canon,
                               e->type == COPA__DEB_SYMLINK ? COPA__DP_SYMLINK : COPA__DP_OTHER,
                               e->type == COPA__DEB_SYMLINK ? e->link : NULL, 1);
    free(canon);
    free(link_canon);
    return rc;
}

static int one_entry(copa__dp_ctx *c, copa__dp_pkg *p, const copa__deb_entry *e)
{
    copa__layer_wentry w;
    const char *abs, *target;
    int rc;

    if ((rc = remember_path(c, p, e->path)) != 0)
        return rc;
    abs = p->paths[p->npaths - 1];
    target = copa__dpkg_diversions_apply(&c->div, abs, p->ctl->name);
    memset(&w, 0, sizeof(w));
    w.type = entry_type(e->type);
    w.mtime = e->mtime;
    w.link = e->type == COPA__DEB_SYMLINK ? e->link : NULL;
    w.devmajor = e->rdev_major;
    w.devminor = e->rdev_minor;
    w.origin = p->ctl->name; /* the writer names it if the entry cannot be written */
    ownership(c, target, e, &w);
    if (e->type == COPA__DEB_DIR)
        return directory(c, target, &w);
    return other(c, p, e, abs, target, &w);
}

int copa__dp_unpack(copa__dp_ctx *c, copa__dp_pkg *p)
{
    copa__deb_entry e;
    int rc;

    while ((rc = copa__deb_data_next(p->deb, &e)) == 1)
        if ((rc = one_entry(c, p, &e)) != 0)
            return copa__error_prefix("%s: ", p->ctl->name);
    return rc;
}

int copa__dp_add_generated(copa__dp_ctx *c, const char *path, unsigned int mode, const void *data,
                           size_t len)
{
    copa__layer_wentry w;
    int rc;
    memset(&w, 0, sizeof(w));
    w.path = path[0] == '/' ? path + 1 : path;
    w.type = COPA__ENTRY_FILE;
    w.mode = mode;
    w.uname = w.gname = "root";
    w.mtime = c->in->epoch >= 0 ? (int64_t)c->in->epoch : COPA__MTIME_EPOCH;
    if ((rc = copa__layer_writer_add_file(c->in->writer, &w, data, len)) == 0)
        rc = copa__dp_view_put(&c->view, w.path, COPA__DP_OTHER, NULL, 1);
    return rc;
}
