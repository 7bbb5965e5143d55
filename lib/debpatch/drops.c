/*
 * Files an old version owned that the new version no longer ships are
 * hidden with whiteouts, as dpkg removes them after unpacking: not when
 * another installed package still owns the path (under any of its aliases
 * through the image's symlinks, so the merged-/usr move of a file from
 * /lib to /usr/lib never deletes the new copy), and directories only when
 * nothing is left in them.
 */
#include "debpatch/internal.h"
#include "pkg/dpkg_conffile.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int copa__dp_owned_paths(const char ***out, size_t *count, copa__dp_ctx *c,
                         const copa__dpkg_entry *e)
{
    copa__dpkg_list list;
    copa__dpkg_md5sums sums;
    const char **paths;
    size_t i;
    int rc = copa__dpkg_db_read_list(&list, &c->arena, c->in->db, e, c->in->files);

    *out = NULL;
    *count = 0;
    if (rc == 0) {
        *out = list.paths;
        *count = list.count;
        return 0;
    }
    if (rc != COPA_ENOTFOUND)
        return rc;
    /* Distroless images have no .list: the md5sums name the regular files. */
    copa_error_clear();
    rc = copa__dpkg_db_read_md5sums(&sums, &c->arena, c->in->db, e, c->in->files);
    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return 0;
    }
    if (rc != 0)
        return rc;
    if ((paths = copa__arena_alloc(&c->arena, (sums.count + 1) * sizeof(*paths))) == NULL)
        return copa__error_oom();
    for (i = 0; i < sums.count; i++) {
        char *p = copa__arena_alloc(&c->arena, strlen(sums.entries[i].path) + 2);
        if (p == NULL)
            return copa__error_oom();
        p[0] = '/';
        strcpy(p + 1,
               sums.entries[i].path[0] == '/' ? sums.entries[i].path + 1 : sums.entries[i].path);
        paths[i] = p;
    }
    *out = paths;
    *count = sums.count;
    return 0;
}

static const copa__dp_pkg *planned(const copa__dp_ctx *c, const copa__dpkg_entry *e)
{
    size_t i;
    for (i = 0; i < c->npkgs; i++)
        if (c->pkgs[i].old == e)
            return &c->pkgs[i];
    return NULL;
}

/* copa__dp_owned_paths of installed package `i`, read once per build. */
static int owned_cached(const char ***paths, size_t *n, copa__dp_ctx *c, size_t i)
{
    size_t count = c->in->db->installed_count + 1;
    int rc;
    if (c->owned == NULL) {
        c->owned = calloc(count, sizeof(*c->owned));
        c->nowned = calloc(count, sizeof(*c->nowned));
        c->owned_loaded = calloc(count, 1);
        if (c->owned == NULL || c->nowned == NULL || c->owned_loaded == NULL)
            return copa__error_oom();
    }
    if (!c->owned_loaded[i]) {
        if ((rc = copa__dp_owned_paths(&c->owned[i], &c->nowned[i], c, &c->in->db->installed[i])) !=
            0)
            return rc;
        c->owned_loaded[i] = 1;
    }
    *paths = c->owned[i];
    *n = c->nowned[i];
    return 0;
}

/* Every path the other packages own after the upgrade (their new lists for
 * planned packages, their current ones otherwise). */
static int others_after(const char ***out, size_t *count, copa__dp_ctx *c, const copa__dp_pkg *me)
{
    const char **all = NULL, **grown, **paths;
    size_t n = 0, i, np = 0;
    int rc = 0;
    const copa__dpkg_db *db = c->in->db;

    for (i = 0; rc == 0 && i < db->installed_count + c->npkgs; i++) {
        const copa__dp_pkg *p = NULL;
        if (i < db->installed_count) {
            if ((p = planned(c, &db->installed[i])) == NULL)
                rc = owned_cached(&paths, &np, c, i);
        } else if ((p = &c->pkgs[i - db->installed_count])->old != NULL)
            continue; /* counted with its installed entry */
        if (p == me)
            continue;
        if (p != NULL) {
            paths = p->paths;
            np = p->npaths;
        }
        if (rc != 0 || np == 0)
            continue;
        if ((grown = realloc(all, (n + np) * sizeof(*all))) == NULL) {
            rc = copa__error_oom();
            break;
        }
        all = grown;
        memcpy(all + n, paths, np * sizeof(*all));
        n += np;
    }
    if (rc != 0) {
        free(all);
        return rc;
    }
    *out = all;
    *count = n;
    return 0;
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s != NULL ? s + 1 : p;
}

/* Does another package own a path that is the same file as `canon`? */
static int alias_owned(copa__dp_ctx *c, const char *canon, const char *const *others, size_t n)
{
    const char *b = base(canon);
    size_t i;
    for (i = 0; i < n; i++) {
        char *o = NULL;
        int same;
        if (strcmp(base(others[i]), b) != 0)
            continue;
        if (copa__dp_canonical(&o, &c->view, others[i], 0) != 0)
            return -1;
        same = strcmp(o, canon) == 0;
        free(o);
        if (same)
            return 1;
    }
    return 0;
}

/* A directory goes only when everything in the image below it goes too. */
static int dir_empty_after(copa__dp_ctx *c, const char *canon)
{
    const char **names = NULL;
    size_t n = 0, i;
    int empty = 1;

    if (copa__dp_view_writes_below(&c->view, canon))
        return 0;
    if (c->view.fs != NULL && copa__rootfs_list(&names, &n, c->view.fs, canon) != 0) {
        copa_error_clear();
        return 0;
    }
    for (i = 0; i < n && empty; i++) {
        char *child = malloc(strlen(canon) + strlen(names[i]) + 2);
        const char *link;
        int layer = 0;
        if (child == NULL) {
            empty = 0;
            break;
        }
        sprintf(child, "%s/%s", canon, names[i]);
        copa__dp_view_kind(&c->view, child, &link, &layer);
        empty = layer == -1;
        free(child);
    }
    free(names);
    return empty;
}

static int hide(copa__dp_ctx *c, const copa__dp_pkg *p, const char *abs, const char *const *others,
                size_t nothers)
{
    const char *target = copa__dpkg_diversions_apply(&c->div, abs, p->ctl->name), *link;
    char *canon = NULL;
    int layer = 0, rc = copa__dp_canonical(&canon, &c->view, target, 0), owned;
    copa__dp_kind kind =
        rc == 0 ? copa__dp_view_kind(&c->view, canon, &link, &layer) : COPA__DP_MISSING;

    if (rc != 0 || kind == COPA__DP_MISSING || layer != 0 || canon[0] == '\0')
        goto done; /* gone already, or this layer writes it (through an alias) */
    if ((owned = alias_owned(c, canon, others, nothers)) != 0) {
        rc = owned < 0 ? owned : 0;
        goto done;
    }
    if (kind == COPA__DP_DIR && !dir_empty_after(c, canon))
        goto done;
    if ((rc = copa__dp_strlist_push(&c->hidden, &c->nhidden, canon)) == 0)
        rc = copa__dp_view_put(&c->view, canon, COPA__DP_MISSING, NULL, 0);
done:
    free(canon);
    return rc;
}

static int drop_one(copa__dp_ctx *c, copa__dp_pkg *p)
{
    const char **old = NULL, **others = NULL, **kept_paths = NULL, **dropped = NULL;
    size_t nold = 0, nothers = 0, nkept = 0, ndropped = 0, i;
    copa__path_set new_set, kept, other_set;
    int rc = copa__dp_owned_paths(&old, &nold, c, p->old);

    if (rc == 0 && nold > 0)
        rc = others_after(&others, &nothers, c, p);
    if (rc != 0 || nold == 0)
        goto done;
    if ((kept_paths = calloc(p->nmerged + 1, sizeof(*kept_paths))) == NULL) {
        rc = copa__error_oom();
        goto done;
    }
    for (i = 0; i < p->nmerged; i++)
        if (p->merged[i].flags & COPA__CONFFILE_OBSOLETE)
            kept_paths[nkept++] = p->merged[i].path;
    if ((rc = copa__path_set_init(&new_set, &c->arena, p->paths, p->npaths)) != 0 ||
        (rc = copa__path_set_init(&kept, &c->arena, kept_paths, nkept)) != 0 ||
        (rc = copa__path_set_init(&other_set, &c->arena, others, nothers)) != 0 ||
        (rc = copa__dpkg_dropped_files(&dropped, &ndropped, &c->arena, old, nold, &new_set, &kept,
                                       &other_set)) != 0)
        goto done;
    /* Deepest first, so a directory is checked after its contents went. */
    for (i = ndropped; rc == 0 && i > 0; i--)
        rc = hide(c, p, dropped[i - 1], others, nothers);
done:
    free(others);
    free(kept_paths);
    return rc;
}

/*
 * One whiteout per removed subtree: a path inside a directory that goes
 * too gets none (a layer holding both DIR/.wh.x and .wh.DIR would make
 * some appliers recreate DIR).
 */
static int emit(copa__dp_ctx *c)
{
    size_t i;
    int rc = 0;
    for (i = 0; rc == 0 && i < c->nhidden; i++) {
        char *slash = strrchr(c->hidden[i], '/');
        const char *link;
        int layer = 0;
        if (slash != NULL) {
            *slash = '\0';
            copa__dp_view_kind(&c->view, c->hidden[i], &link, &layer);
            *slash = '/';
        }
        if (layer == -1)
            continue;
        if ((rc = copa__layer_writer_add_whiteout(c->in->writer, c->hidden[i])) == 0)
            c->res->whiteouts++;
    }
    return rc;
}

int copa__dp_whiteout_dropped(copa__dp_ctx *c)
{
    size_t i;
    int rc = 0;
    for (i = 0; rc == 0 && i < c->npkgs; i++)
        if (c->pkgs[i].old != NULL)
            rc = drop_one(c, &c->pkgs[i]);
    if (rc == 0)
        rc = emit(c);
    free(c->owned);
    free(c->nowned);
    free(c->owned_loaded);
    c->owned = NULL;
    c->nowned = NULL;
    c->owned_loaded = NULL;
    for (i = 0; i < c->nhidden; i++)
        free(c->hidden[i]);
    free(c->hidden);
    c->hidden = NULL;
    c->nhidden = 0;
    return rc;
}
