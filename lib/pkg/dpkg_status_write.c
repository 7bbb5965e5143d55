/*
 * Regenerating a status file: untouched stanzas byte for byte, changed
 * ones in place, new ones where dpkg's sort order puts them.
 */
#include "pkg/dpkg_write.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

typedef struct key {
    const char *name;
    const char *arch;
    int foreign;
} key;

static key make_key(const char *name, const char *arch, const char *native)
{
    key k;
    k.name = name;
    k.arch = arch != NULL ? arch : "";
    k.foreign = k.arch[0] != '\0' && strcmp(k.arch, "all") != 0 && native != NULL &&
                strcmp(k.arch, native) != 0;
    return k;
}

/* dpkg's pkg_sorter_by_nonambig_name_arch order. */
static int cmp_key(const key *a, const key *b)
{
    int c = strcmp(a->name, b->name);
    if (c != 0)
        return c;
    if (a->foreign != b->foreign)
        return a->foreign - b->foreign;
    return a->foreign ? strcmp(a->arch, b->arch) : 0;
}

static int same_identity(const copa__dpkg_stanza_update *u, const copa__dpkg_pkg *p)
{
    return strcmp(u->name, p->name) == 0 && strcmp(u->arch != NULL ? u->arch : "", p->arch) == 0;
}

typedef struct fresh {
    const copa__dpkg_stanza_update *u;
    key k;
} fresh;

static int cmp_fresh(const void *a, const void *b)
{
    return cmp_key(&((const fresh *)a)->k, &((const fresh *)b)->k);
}

/* Updates that name no existing stanza, sorted; NULL-text ones dropped. */
static int collect_new(fresh **out, size_t *n, const copa__dpkg_status *st, const char *native,
                       const copa__dpkg_stanza_update *updates, size_t count)
{
    size_t i, j;
    *n = 0;
    *out = calloc(count + 1, sizeof(**out));
    if (*out == NULL)
        return copa__error_oom();
    for (i = 0; i < count; i++) {
        int found = 0;
        for (j = 0; j < st->count && !found; j++)
            found = same_identity(&updates[i], &st->pkgs[j]);
        if (found || updates[i].text == NULL)
            continue;
        (*out)[*n].u = &updates[i];
        (*out)[(*n)++].k = make_key(updates[i].name, updates[i].arch, native);
    }
    qsort(*out, *n, sizeof(**out), cmp_fresh);
    return 0;
}

static const copa__dpkg_stanza_update *
find_update(const copa__dpkg_pkg *p, const copa__dpkg_stanza_update *updates, size_t count)
{
    size_t i;
    for (i = 0; i < count; i++)
        if (same_identity(&updates[i], p))
            return &updates[i];
    return NULL;
}

int copa__dpkg_status_write(copa__buf *out, const copa__dpkg_status *st, const char *native_arch,
                            const copa__dpkg_stanza_update *updates, size_t count)
{
    fresh *news = NULL;
    size_t nnew = 0, next = 0, i, prev_end = 0;
    int rc = collect_new(&news, &nnew, st, native_arch, updates, count);

    for (i = 0; rc == 0 && i < st->count; i++) {
        const copa__dpkg_pkg *p = &st->pkgs[i];
        const copa__dpkg_stanza_update *u = find_update(p, updates, count);
        key k = make_key(p->name, p->arch, native_arch);
        int removed = u != NULL && u->text == NULL;
        int last = i + 1 == st->count;

        /* The separator before a removed last stanza goes with it. */
        if (!(removed && last && i > 0))
            rc = copa__buf_append(out, st->text + prev_end, p->offset - prev_end);
        for (; rc == 0 && next < nnew && cmp_fresh(&news[next], &(fresh){NULL, k}) < 0; next++)
            if ((rc = copa__buf_append(out, news[next].u->text, news[next].u->len)) == 0)
                rc = copa__buf_append(out, "\n", 1);
        if (rc == 0 && u == NULL)
            rc = copa__buf_append(out, st->text + p->offset, p->raw_len);
        else if (rc == 0 && !removed)
            rc = copa__buf_append(out, u->text, u->len);
        prev_end = p->offset + p->raw_len;
        if (removed && !last && i + 1 < st->count)
            prev_end = st->pkgs[i + 1].offset; /* and the separator after it */
    }
    for (; rc == 0 && next < nnew; next++) {
        if (out->length > 0 &&
            !(out->length >= 2 && memcmp(out->data + out->length - 2, "\n\n", 2) == 0))
            rc = copa__buf_append(out, "\n", 1);
        if (rc == 0)
            rc = copa__buf_append(out, news[next].u->text, news[next].u->len);
    }
    if (rc == 0)
        rc = st->count == 0 && nnew > 0
                 ? copa__buf_append(out, "\n", 1) /* a blank line ends dpkg's last stanza */
                 : copa__buf_append(out, st->text + prev_end, st->len - prev_end);
    free(news);
    return rc < 0 ? copa__error_oom() : 0;
}

/* The status.d file that holds a package of this name, and its arch. */
static const copa__dpkg_entry *status_d_entry(const copa__dpkg_db *db, const char *name,
                                              const char *arch, int any_arch)
{
    size_t i;
    for (i = 0; i < db->installed_count; i++) {
        const copa__dpkg_entry *e = &db->installed[i];
        if (e->distroless && strcmp(e->pkg->name, name) == 0 &&
            (any_arch || strcmp(e->pkg->arch, arch) == 0))
            return e;
    }
    return NULL;
}

int copa__dpkg_status_d_paths(char **stanza_path, char **md5sums_path, const copa__dpkg_db *db,
                              const char *name, const char *arch)
{
    const copa__dpkg_entry *e = status_d_entry(db, name, arch != NULL ? arch : "", 0);
    copa__buf path = COPA__BUF_INIT, sums = COPA__BUF_INIT;
    int rc;

    if (e != NULL)
        rc = copa__buf_append_str(&path, e->file->name);
    else if (status_d_entry(db, name, NULL, 1) != NULL && arch != NULL && arch[0] != '\0')
        rc = copa__buf_appendf(&path, COPA__DPKG_ADMINDIR "/status.d/%s:%s", name, arch);
    else
        rc = copa__buf_appendf(&path, COPA__DPKG_ADMINDIR "/status.d/%s", name);
    if (rc == 0)
        rc = copa__buf_appendf(&sums, "%s.md5sums", path.data);
    if (rc < 0) {
        copa__buf_free(&path);
        copa__buf_free(&sums);
        return copa__error_oom();
    }
    *stanza_path = copa__buf_detach(&path);
    *md5sums_path = copa__buf_detach(&sums);
    return 0;
}
