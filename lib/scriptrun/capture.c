/*
 * The --run-scripts sequence (capture.h): build the tree, snapshot, run,
 * compare, clean up.
 */
#include "scriptrun/capture.h"
#include "sandbox/sandbox.h"
#include "scriptrun/internal.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/temp.h"

#include <errno.h>
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

/* Postinst failures of a run that keeps going, for the status edit after it. */
typedef struct failures {
    const copa__scriptrun_input *in;
    const copa__maint_step *steps;
    unsigned char *failed; /* per step */
} failures;

static int on_failed(void *payload, size_t step, const char *message)
{
    failures *f = payload;
    f->failed[step] = 1;
    return f->in->failed(f->in->failed_payload, f->steps[step].package, message);
}

#define STATUS_PATH "var/lib/dpkg/status"
#define STATUS_MAX (256u << 20)

/* The stanza of `package` (and `arch`) in the status text: [*start, *end). */
static int find_stanza(const char *text, size_t len, const copa__maint_step *s, size_t *start,
                       size_t *end)
{
    size_t at = 0;
    char pkg[512], arch[128];

    snprintf(pkg, sizeof pkg, "Package: %s\n", s->package);
    snprintf(arch, sizeof arch, "\nArchitecture: %s\n", s->arch ? s->arch : "");
    while (at < len) {
        const char *blank = memmem(text + at, len - at, "\n\n", 2);
        size_t stop = blank ? (size_t)(blank - text) + 1 : len;
        size_t n = stop - at, plen = strlen(pkg);
        if (n >= plen && memcmp(text + at, pkg, plen) == 0 &&
            (s->arch == NULL || memmem(text + at, n, arch, strlen(arch)) != NULL)) {
            *start = at;
            *end = stop;
            return 0;
        }
        at = stop + 1;
    }
    return COPA_ENOTFOUND;
}

/*
 * What dpkg writes for a package whose postinst failed: Status "install ok
 * half-configured" and, for an upgrade, Config-Version: the version still
 * configured, right after Version.
 */
static int half_configured(copa__buf *out, const char *stanza, size_t len,
                           const copa__maint_step *s)
{
    size_t at = 0;
    int rc = 0;

    while (rc == 0 && at < len) {
        const char *nl = memchr(stanza + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - stanza) - at + 1 : len - at;
        if (n >= 8 && memcmp(stanza + at, "Status: ", 8) == 0)
            rc = copa__buf_append_str(out, "Status: install ok half-configured\n");
        else if (n >= 15 && memcmp(stanza + at, "Config-Version:", 15) == 0)
            ; /* replaced below */
        else
            rc = copa__buf_append(out, stanza + at, n);
        if (rc == 0 && s->old_version != NULL && n >= 9 && memcmp(stanza + at, "Version: ", 9) == 0)
            rc = copa__buf_appendf(out, "Config-Version: %s\n", s->old_version);
        at += n;
    }
    return rc;
}

static int read_all(copa__buf *out, int fd)
{
    char chunk[65536];
    ssize_t n;
    int rc = 0;

    while (rc == 0 && (n = read(fd, chunk, sizeof chunk)) > 0)
        rc = out->length + (size_t)n > STATUS_MAX
                 ? copa__error_set(COPA_EINVALID, "/" STATUS_PATH " is larger than 256 MiB")
                 : copa__buf_append(out, chunk, (size_t)n);
    if (rc == 0 && n < 0)
        rc = copa__error_set(COPA_ERROR, "/" STATUS_PATH ": %s", strerror(errno));
    return rc == 0 ? copa__buf_append_str(out, "") : rc; /* NUL-terminated, even when empty */
}

static int mark_half_configured(copa__tree *tree, const copa__maint_step *steps, size_t count,
                                const unsigned char *failed)
{
    int root = open(copa__tree_dir(tree), O_PATH | O_DIRECTORY | O_CLOEXEC);
    copa__buf text = COPA__BUF_INIT, out = COPA__BUF_INIT;
    int rc = root < 0 ? copa__error_set(COPA_ERROR, "scratch tree: %s", strerror(errno)) : 0;
    int fd = -1;
    size_t i;

    if (rc == 0 && (fd = copa__sandbox_open_in(root, STATUS_PATH, O_RDONLY | O_NOFOLLOW, 0)) < 0)
        rc = copa__error_set(COPA_ERROR, "scratch tree: /" STATUS_PATH ": %s", strerror(errno));
    if (rc == 0)
        rc = read_all(&text, fd);
    if (fd >= 0)
        close(fd);
    for (i = 0; rc == 0 && i < count; i++) {
        size_t start, end;
        if (!failed[i] || find_stanza(text.data, text.length, &steps[i], &start, &end) != 0)
            continue;
        copa__buf_clear(&out);
        if ((rc = copa__buf_append(&out, text.data, start)) == 0 &&
            (rc = half_configured(&out, text.data + start, end - start, &steps[i])) == 0 &&
            (rc = copa__buf_append(&out, text.data + end, text.length - end)) == 0) {
            copa__buf swap = text;
            text = out;
            out = swap;
        }
    }
    fd =
        rc == 0 ? copa__sandbox_open_in(root, STATUS_PATH, O_WRONLY | O_TRUNC | O_NOFOLLOW, 0) : -1;
    if (rc == 0 && (fd < 0 || write(fd, text.data, text.length) != (ssize_t)text.length))
        rc = copa__error_set(COPA_ERROR, "scratch tree: /" STATUS_PATH ": cannot write");
    if (fd >= 0)
        close(fd);
    if (root >= 0)
        close(root);
    copa__buf_free(&text);
    copa__buf_free(&out);
    return rc;
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
    failures f = {in, NULL, NULL};
    copa__maint_options maint = in->maint;
    if (rc == 0 && in->failed != NULL) {
        f.steps = steps;
        if ((f.failed = calloc(in->plan->nsteps + 1, 1)) == NULL)
            rc = copa__error_oom();
        maint.failed = on_failed;
        maint.failed_payload = &f;
    }
    if (rc == 0)
        rc = copa__maint_run(copa__tree_dir(tree), steps, in->plan->nsteps, &maint);
    if (rc == 0 && f.failed != NULL && memchr(f.failed, 1, in->plan->nsteps) != NULL)
        rc = mark_half_configured(tree, steps, in->plan->nsteps, f.failed);
    free(f.failed);
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
