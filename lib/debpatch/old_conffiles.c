/*
 * Distroless conffiles: no dpkg installed the image's packages, so their
 * status.d stanzas carry no Conffiles and Debian's md5sums leave conffiles
 * out. What dpkg's decision needs, the hash the installed version shipped,
 * is then read from that version's own .deb, fetched (and verified like
 * every other) through in->old_deb, once per package and only when a
 * conffile differs from the new version's. When the .deb cannot be had the
 * conffile is left to the "not a conffile before" rule and a note says so;
 * a .deb that fails verification stops the patch.
 */
#include "debpatch/internal.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* Whether `abs` is a line of the control member `conffiles` (flags skipped). */
static int listed(const copa__deb_member *m, const char *abs)
{
    size_t n = strlen(abs);
    const char *s;

    for (s = m != NULL ? m->data : NULL; s != NULL && *s != '\0';) {
        const char *end = strchr(s, '\n'), *path = s;
        if (end == NULL)
            end = s + strlen(s);
        while (end > path && (end[-1] == ' ' || end[-1] == '\r' || end[-1] == '\t'))
            end--;
        if (strncmp(path, "remove-on-upgrade ", 18) == 0)
            path = end; /* not shipped by that version */
        if ((size_t)(end - path) == n && memcmp(path, abs, n) == 0)
            return 1;
        s = strchr(s, '\n');
        if (s != NULL)
            s++;
    }
    return 0;
}

static int entry_md5(copa__deb *deb, char out[33])
{
    char chunk[65536];
    copa__dp_md5 *m = NULL;
    size_t got;
    int rc = copa__dp_md5_new(&m);
    do {
        if (rc == 0)
            rc = copa__deb_data_read(deb, chunk, sizeof(chunk), &got);
        if (rc == 0)
            rc = copa__dp_md5_update(m, chunk, got);
    } while (rc == 0 && got > 0);
    if (rc == 0)
        rc = copa__dp_md5_final(m, out);
    copa__dp_md5_free(m);
    return rc;
}

static int remember(copa__dp_ctx *c, copa__dp_pkg *p, const char *abs, const char md5[33])
{
    copa__dpkg_conffile *grown =
        copa__arena_alloc(&c->arena, (p->nold_deb_conffiles + 1) * sizeof(*grown));
    if (grown == NULL)
        return copa__error_oom();
    if (p->nold_deb_conffiles > 0)
        memcpy(grown, p->old_deb_conffiles, p->nold_deb_conffiles * sizeof(*grown));
    grown[p->nold_deb_conffiles].path = copa__arena_strndup(&c->arena, abs, strlen(abs));
    grown[p->nold_deb_conffiles].md5 = copa__arena_strndup(&c->arena, md5, 32);
    grown[p->nold_deb_conffiles].flags = 0;
    if (grown[p->nold_deb_conffiles].path == NULL || grown[p->nold_deb_conffiles].md5 == NULL)
        return copa__error_oom();
    p->old_deb_conffiles = grown;
    p->nold_deb_conffiles++;
    return 0;
}

/* The conffiles of the .deb at `path` with their md5s. */
static int read_old_deb(copa__dp_ctx *c, copa__dp_pkg *p, const char *path)
{
    const copa__deb_member *list;
    copa__deb *deb = NULL;
    copa__deb_entry e;
    const copa__deb_member *control;
    int rc = copa__deb_open(&deb, path);

    if (rc == 0 &&
        ((control = copa__deb_control_member(deb, "control")) == NULL || control->data == NULL))
        rc = copa__error_set(COPA_EINVALID, "%s: no control file", path);
    list = rc == 0 ? copa__deb_control_member(deb, "conffiles") : NULL;
    while (rc == 0 && list != NULL && (rc = copa__deb_data_next(deb, &e)) == 1) {
        char *abs, md5[33];
        rc = 0;
        if (e.type != COPA__DEB_FILE)
            continue;
        if ((abs = malloc(strlen(e.path) + 2)) == NULL)
            rc = copa__error_oom();
        else {
            abs[0] = '/';
            strcpy(abs + 1, e.path);
            if (listed(list, abs) && (rc = entry_md5(deb, md5)) == 0)
                rc = remember(c, p, abs, md5);
            free(abs);
        }
    }
    copa__deb_free(deb);
    return rc;
}

static int unjudged(copa__dp_ctx *c, const copa__dp_pkg *p, const char *abs, const char *why)
{
    copa__buf b = COPA__BUF_INIT;
    int rc = copa__buf_appendf(
        &b,
        "%s: conffile %s could not be judged as dpkg would: the image records no hash for it "
        "and the installed version %s could not be read (%s); the image's file was kept and "
        "the new one written as %s.dpkg-dist",
        p->ctl->name, abs, p->old->pkg->version, why, abs);
    if (rc == 0)
        rc = copa__dp_strlist_push(&c->res->notes, &c->res->nnotes, b.data);
    copa__buf_free(&b);
    return rc;
}

static int load(copa__dp_ctx *c, copa__dp_pkg *p, char **why)
{
    const copa__dpkg_pkg *old = p->old->pkg;
    const char *arch = old->arch != NULL && old->arch[0] != '\0' ? old->arch : p->step->arch;
    char *path = NULL;
    int rc;

    *why = NULL;
    if (c->in->old_deb == NULL)
        rc = copa__error_set(COPA_ENOTFOUND, "no package source");
    else
        rc = c->in->old_deb(&path, c->in->old_deb_payload, old->name, arch, old->version);
    if (rc == 0)
        rc = read_old_deb(c, p, path);
    free(path);
    /* A file that fails the signed index's size or SHA-256 is the mirror
     * tampering, not a version that cannot be had: that stops the patch
     * like any other package's verification failure. */
    if (rc == COPA_ECANCELLED || rc == COPA_ENOMEM || rc == COPA_EVERIFY)
        return rc;
    if (rc != 0) {
        const char *msg = copa_error_last();
        *why = strdup(msg != NULL && msg[0] != '\0' ? msg : copa_error_name(rc));
        copa_error_clear();
        p->old_deb_conffiles = NULL;
        p->nold_deb_conffiles = 0;
        return *why == NULL ? copa__error_oom() : 1;
    }
    return 0;
}

int copa__dp_old_deb_conffile_md5(const char **md5, copa__dp_ctx *c, copa__dp_pkg *p,
                                  const char *abs)
{
    size_t i;
    int rc;

    *md5 = NULL;
    if (p->old_deb_state == 0) {
        char *why = NULL;
        rc = load(c, p, &why);
        if (rc < 0)
            return rc;
        p->old_deb_state = rc == 0 ? 1 : -1;
        if (why != NULL) {
            p->old_deb_why = copa__arena_strndup(&c->arena, why, strlen(why));
            free(why);
            if (p->old_deb_why == NULL)
                return copa__error_oom();
        }
    }
    if (p->old_deb_state < 0)
        return (rc = unjudged(c, p, abs, p->old_deb_why)) != 0 ? rc : 1;
    for (i = 0; i < p->nold_deb_conffiles; i++)
        if (strcmp(p->old_deb_conffiles[i].path, abs) == 0)
            *md5 = p->old_deb_conffiles[i].md5;
    return 0;
}
