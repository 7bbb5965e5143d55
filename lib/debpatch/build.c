/*
 * copa__debpatch_build: open the plan's packages, unpack them in plan
 * order into the layer, write the database, hide what the old versions
 * dropped, produce what their scripts would have (effects.c), and list
 * what was not run.
 */
#include "debpatch/internal.h"
#include "debpatch/predecode.h"
#include "pkg/deb_decode.h"
#include "util/error.h"
#include "util/threads.h"

#include <stdlib.h>
#include <string.h>

void copa__debpatch_result_free(copa__debpatch_result *r)
{
    size_t i;
    if (r == NULL)
        return;
    for (i = 0; i < r->nskipped_scripts; i++)
        free(r->skipped_scripts[i]);
    for (i = 0; i < r->nnotes; i++)
        free(r->notes[i]);
    free(r->skipped_scripts);
    free(r->notes);
    memset(r, 0, sizeof(*r));
}

/* Read one of the image's optional admin files with `parse`. */
static int load_admin(copa__dp_ctx *c, const char *path, void *out,
                      int (*parse)(void *, copa__arena *, const char *, size_t, const char *))
{
    const copa__image_files *f = c->in->files;
    char *text = NULL;
    size_t len;
    int rc = f->read(&text, &len, path, f->payload);
    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return 0;
    }
    if (rc == 0)
        rc = parse(out, &c->arena, text, len, path);
    free(text);
    return rc;
}

static int parse_div(void *out, copa__arena *a, const char *t, size_t n, const char *name)
{
    return copa__dpkg_diversions_parse(out, a, t, n, name);
}

static int parse_so(void *out, copa__arena *a, const char *t, size_t n, const char *name)
{
    return copa__dpkg_statoverride_parse(out, a, t, n, name);
}

/* `decoded`: the package's data.tar decoded ahead, or -1 to read it from the .deb. */
static int open_pkg(copa__dp_ctx *c, copa__dp_pkg *p, const copa__rs_step *step, const char *path,
                    int decoded)
{
    const copa__deb_member *control;
    copa__buf id = COPA__BUF_INIT;
    int rc;

    p->step = step;
    rc = decoded >= 0 ? copa__deb_open_decoded(&p->deb, path, decoded)
                      : copa__deb_open(&p->deb, path);
    if (rc != 0)
        return rc;
    if ((control = copa__deb_control_member(p->deb, "control")) == NULL)
        return copa__error_set(COPA_EINVALID, "%s: no control file", path);
    if ((rc = copa__dpkg_status_parse(&p->control, path, control->data, control->len,
                                      COPA__DPKG_STATUS_D)) != 0)
        return rc;
    if (p->control->count != 1)
        return copa__error_set(COPA_EINVALID, "%s: the control file is not one stanza", path);
    p->ctl = &p->control->pkgs[0];
    if (strcmp(p->ctl->name, step->name) != 0 || strcmp(p->ctl->version, step->to) != 0)
        return copa__error_set(COPA_EINVALID, "%s: holds %s %s, the plan wants %s %s", path,
                               p->ctl->name, p->ctl->version, step->name, step->to);
    rc = strcmp(p->ctl->multi_arch, "same") == 0
             ? copa__buf_appendf(&id, "%s:%s", p->ctl->name, p->ctl->arch)
             : copa__buf_append_str(&id, p->ctl->name);
    if (rc == 0)
        p->id = copa__buf_detach(&id);
    copa__buf_free(&id);
    if (rc == 0 && step->from != NULL) {
        /* The installed instance of this architecture (arch all for arch all). */
        copa__buf q = COPA__BUF_INIT;
        if ((rc = copa__buf_appendf(&q, "%s:%s", step->name, step->arch)) == 0)
            p->old = copa__dpkg_db_find(c->in->db, q.data);
        if (p->old == NULL)
            p->old = copa__dpkg_db_find(c->in->db, step->name);
        copa__buf_free(&q);
    }
    return rc;
}

static void free_pkgs(copa__dp_ctx *c)
{
    size_t i;
    for (i = 0; i < c->npkgs; i++) {
        copa__deb_free(c->pkgs[i].deb);
        copa__dpkg_status_free(c->pkgs[i].control);
        free(c->pkgs[i].id);
        free(c->pkgs[i].paths);
        copa__buf_free(&c->pkgs[i].md5sums);
    }
    free(c->pkgs);
}

/*
 * Unpack the plan's packages in order. With more than one thread and
 * package, their data.tar files are decoded ahead on other threads; the
 * unpacking itself stays sequential, as dpkg's is.
 */
static int unpack_all(copa__dp_ctx *c)
{
    const copa__debpatch_input *in = c->in;
    copa__dp_predecode *pre = NULL;
    int threads = 1;
    size_t i;
    int rc = copa__threads_count(&threads, in->threads);

    if (rc == 0 && threads > 1 && in->plan->nsteps > 1)
        rc = copa__dp_predecode_start(&pre, in->deb_paths, in->plan->nsteps, threads);
    for (i = 0; rc == 0 && i < in->plan->nsteps; i++) {
        int fd = -1;
        if (pre != NULL)
            rc = copa__dp_predecode_wait(pre, i, &fd);
        c->npkgs++;
        if (rc == 0)
            rc = open_pkg(c, &c->pkgs[i], &in->plan->steps[i], in->deb_paths[i], fd);
        if (rc == 0)
            rc = copa__dp_unpack(c, &c->pkgs[i]);
        if (pre != NULL)
            copa__dp_predecode_done(pre, i);
    }
    copa__dp_predecode_free(pre);
    return rc;
}

int copa__debpatch_build(copa__debpatch_result *out, const copa__debpatch_input *in)
{
    copa__dp_ctx c;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    if (in == NULL || in->files == NULL || in->db == NULL || in->plan == NULL ||
        in->writer == NULL || (in->plan->nsteps > 0 && in->deb_paths == NULL))
        return copa__error_set(COPA_EINVALID, "debpatch: missing input");
    c.in = in;
    c.res = out;
    copa__dp_view_init(&c.view, in->rootfs);
    copa__arena_init(&c.arena);
    c.pkgs = calloc(in->plan->nsteps + 1, sizeof(*c.pkgs));
    if (c.pkgs == NULL)
        rc = copa__error_oom();
    if (rc == 0)
        rc = copa__dp_ids_load(&c.users, &c.groups, in->files);
    if (rc == 0)
        rc = load_admin(&c, COPA__DPKG_ADMINDIR "/diversions", &c.div, parse_div);
    if (rc == 0)
        rc = load_admin(&c, COPA__DPKG_ADMINDIR "/statoverride", &c.so, parse_so);
    if (rc == 0)
        rc = unpack_all(&c);
    if (rc == 0)
        rc = copa__dp_write_db(&c);
    if (rc == 0)
        rc = copa__dp_whiteout_dropped(&c);
    if (rc == 0)
        rc = copa__dp_effects(&c);
    if (rc == 0)
        rc = copa__dp_notes(&c);
    copa__dp_ca_capture_free(&c);
    copa__dp_ldso_free(&c);
    free_pkgs(&c);
    copa__dp_ids_free(&c.users);
    copa__dp_ids_free(&c.groups);
    copa__dp_view_free(&c.view);
    copa__arena_free(&c.arena);
    return rc;
}
