/*
 * The --run-scripts sequence (capture.h): build the tree, snapshot, run,
 * compare, clean up.
 */
#include "scriptrun/capture.h"
#include "sandbox/sandbox.h"
#include "scriptrun/internal.h"
#include "util/error.h"
#include "util/temp.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "libc6:amd64" when dpkg names the info files so (Multi-Arch: same), else the name. */
static char *info_name(const copa__tree *t, const copa__rs_step *s)
{
    char path[512];
    snprintf(path, sizeof path, "var/lib/dpkg/info/%s:%s.list", s->name, s->arch);
    int fd = copa__sandbox_open_in(t->root_fd, path, O_PATH | O_NOFOLLOW, 0);
    char *out = NULL;
    if (fd >= 0) {
        close(fd);
        if (asprintf(&out, "%s:%s", s->name, s->arch) < 0)
            out = NULL;
    } else {
        out = strdup(s->name);
    }
    return out;
}

/* The installed version's script from the image before the patch, or NULL. */
static char *old_script(const copa__image_files *files, const char *info, const char *kind,
                        size_t *len)
{
    char path[512], *data = NULL;
    snprintf(path, sizeof path, "/var/lib/dpkg/info/%s.%s", info, kind);
    if (files->read(&data, len, path, files->payload) != 0) {
        *len = 0;
        return NULL;
    }
    return data;
}

static void steps_free(copa__maint_step *steps, size_t n)
{
    for (size_t i = 0; steps && i < n; i++) {
        free((char *)steps[i].info_name);
        free((char *)steps[i].old_prerm);
        free((char *)steps[i].old_postrm);
    }
    free(steps);
}

static int build_steps(copa__maint_step **out, const copa__tree *t, const copa__scriptrun_input *in)
{
    const copa__rs_plan *plan = in->plan;
    copa__maint_step *steps = calloc(plan->nsteps + 1, sizeof *steps);
    if (!steps)
        return copa__error_oom();
    for (size_t i = 0; i < plan->nsteps; i++) {
        const copa__rs_step *s = &plan->steps[i];
        copa__maint_step *m = &steps[i];
        m->package = s->name;
        m->arch = s->arch;
        m->old_version = s->action == COPA__RS_NEW ? NULL : s->from;
        m->new_version = s->to;
        if (!(m->info_name = info_name(t, s))) {
            steps_free(steps, plan->nsteps);
            return copa__error_oom();
        }
        if (m->old_version) {
            m->old_prerm = old_script(in->files, m->info_name, "prerm", &m->old_prerm_len);
            m->old_postrm = old_script(in->files, m->info_name, "postrm", &m->old_postrm_len);
        }
    }
    *out = steps;
    return 0;
}

static int run_in(copa__tree *tree, const copa__scriptrun_input *in, size_t *changed)
{
    copa__tree_snapshot *before = NULL;
    copa__maint_step *steps = NULL;
    int rc = in->apply_base(in->base_payload, tree);
    if (rc == 0)
        rc = copa__tree_apply_writer(tree, in->writer);
    if (rc == 0)
        rc = copa__tree_snapshot_take(&before, tree);
    if (rc == 0)
        rc = build_steps(&steps, tree, in);
    if (rc == 0)
        rc = copa__maint_run(copa__tree_dir(tree), steps, in->plan->nsteps, &in->maint);
    if (rc == 0)
        rc = copa__tree_emit_changes(tree, before, in->writer, changed);
    steps_free(steps, in->plan->nsteps);
    copa__tree_snapshot_free(before);
    return rc;
}

int copa__scriptrun_capture(const copa__scriptrun_input *in, size_t *changed)
{
    char *dir = NULL, *root = NULL;
    copa__tree *tree = NULL;
    *changed = 0;
    int rc = copa__temp_dir(&dir, "scripts");
    if (rc == 0 && asprintf(&root, "%s/root", dir) < 0) {
        root = NULL;
        rc = copa__error_oom();
    }
    if (rc == 0 && mkdir(root, 0755) != 0)
        rc = copa__error_set(COPA_ERROR, "%s: cannot create", root);
    if (rc == 0)
        rc = copa__tree_new(&tree, root);
    if (rc == 0)
        rc = run_in(tree, in, changed);
    copa__tree_free(tree);
    if (dir) {
        int parent = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (parent >= 0) {
            copa__tree_remove_at(parent, "root");
            close(parent);
        }
        rmdir(dir);
    }
    free(root);
    free(dir);
    return rc;
}
