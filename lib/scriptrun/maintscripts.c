/*
 * Maintainer scripts in dpkg's order, each in its own sandbox run (a
 * script's background processes die with it, as they would not under
 * dpkg: no daemon may outlive a patch).
 */
#include "scriptrun/maintscripts.h"
#include "sandbox/sandbox.h"
#include "scriptrun/internal.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INFO_DIR "var/lib/dpkg/info"
/* Where the installed version's prerm/postrm wait while they run (dpkg keeps them in info/). */
#define OLD_DIR "var/lib/dpkg/tmp.copa-old"
/* Where dpkg runs a new preinst from: the package's control area. debconf's
 * frontend learns the package from tmp.ci/control (a preinst's own name
 * does not tell it) and loads tmp.ci/templates and tmp.ci/config. */
#define CI_DIR "var/lib/dpkg/tmp.ci"

typedef struct runner {
    const char *root;
    int root_fd;
    const copa__maint_options *options;
} runner;

static int exists_in(const runner *r, const char *path)
{
    int fd = copa__sandbox_open_in(r->root_fd, path, O_PATH | O_NOFOLLOW, 0);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* One script: argv[0] is its path in the tree, `args` its arguments. */
static int run_script(const runner *r, const copa__maint_step *s, const char *script,
                      const char *path, const char *arg1, const char *arg2, const char *arg3)
{
    char env_pkg[512], env_arch[128], env_name[64], env_version[128];
    snprintf(env_pkg, sizeof env_pkg, "DPKG_MAINTSCRIPT_PACKAGE=%s", s->package);
    snprintf(env_arch, sizeof env_arch, "DPKG_MAINTSCRIPT_ARCH=%s", s->arch ? s->arch : "all");
    snprintf(env_name, sizeof env_name, "DPKG_MAINTSCRIPT_NAME=%s", script);
    snprintf(env_version, sizeof env_version, "DPKG_RUNNING_VERSION=%s",
             r->options->dpkg_version ? r->options->dpkg_version : "");
    const char *env[] = {env_pkg,
                         "DPKG_MAINTSCRIPT_PACKAGE_REFCOUNT=1",
                         env_arch,
                         env_name,
                         "DPKG_MAINTSCRIPT_DEBUG=0",
                         "DPKG_ADMINDIR=/var/lib/dpkg",
                         "DPKG_ROOT=",
                         r->options->dpkg_version ? env_version : NULL,
                         NULL};
    char abs[1024];
    snprintf(abs, sizeof abs, "/%s", path);
    /* A NULL arg2 ends the list (arg3 then unused), as dpkg passes them. */
    const char *argv[] = {abs, arg1, arg2, arg2 != NULL ? arg3 : NULL, NULL};
    copa__sandbox_command cmd = {
        .root = r->root, .argv = argv, .env = env, .timeout_seconds = r->options->timeout_seconds};
    copa__sandbox_result result;
    char what[1024];
    snprintf(what, sizeof what, "%s: %s (%s%s%s%s%s)", s->package, script, arg1, arg2 ? " " : "",
             arg2 ? (arg2[0] ? arg2 : "\"\"") : "", arg2 && arg3 ? " " : "",
             arg2 && arg3 ? arg3 : "");
    int rc = copa__sandbox_run(&cmd, &result);
    if (rc != 0)
        return copa__error_prefix("%s: ", what);
    if (!result.exited || result.exit_status != 0) {
        char how[128];
        copa__sandbox_describe(&result, cmd.timeout_seconds, how, sizeof how);
        return copa__error_set(COPA_EEXTERNAL, "maintainer script %s failed: %s%s%s", what, how,
                               result.tail[0] ? "; last output:\n" : "", result.tail);
    }
    return r->options->ran ? r->options->ran(r->options->payload, what) : 0;
}

static int run_new(const runner *r, const copa__maint_step *s, const char *script, const char *arg1,
                   const char *arg2, const char *arg3)
{
    char path[512];
    snprintf(path, sizeof path, INFO_DIR "/%s.%s", s->info_name, script);
    if (!exists_in(r, path))
        return 0;
    return run_script(r, s, script, path, arg1, arg2, arg3);
}

/* The installed version's script, placed in the tree while it runs. */
static int run_old(const runner *r, const copa__maint_step *s, const char *script, const char *body,
                   size_t len)
{
    if (!body || !s->old_version)
        return 0;
    int dir = copa__sandbox_open_in(r->root_fd, OLD_DIR, O_PATH | O_DIRECTORY, 0);
    if (dir < 0)
        return copa__error_set(COPA_ERROR, "scratch tree: /" OLD_DIR ": %s", strerror(errno));
    char name[512], path[600];
    snprintf(name, sizeof name, "%s.%s", s->info_name, script);
    snprintf(path, sizeof path, OLD_DIR "/%s", name);
    int fd = openat(dir, name, O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0755);
    int rc = 0;
    if (fd < 0 || write(fd, body, len) != (ssize_t)len || fchmod(fd, 0755) != 0)
        rc = copa__error_set(COPA_ERROR, "scratch tree: /%s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    if (rc == 0)
        rc = run_script(r, s, script, path, "upgrade", s->new_version, NULL);
    unlinkat(dir, name, 0);
    close(dir);
    return rc;
}

static int has_scripts(const runner *r, const copa__maint_step *steps, size_t count)
{
    static const char *const kinds[] = {"preinst", "postinst"};
    for (size_t i = 0; i < count; i++) {
        if ((steps[i].old_version && (steps[i].old_prerm || steps[i].old_postrm)))
            return 1;
        for (size_t k = 0; k < 2; k++) {
            char path[512];
            snprintf(path, sizeof path, INFO_DIR "/%s.%s", steps[i].info_name, kinds[k]);
            if (exists_in(r, path))
                return 1;
        }
    }
    return 0;
}

/* Scripts need the image's shell, runnable here. */
static int check_runnable(const runner *r)
{
    char how[256];
    int rc = copa__sandbox_check_arch(r->root, "bin/sh", how, sizeof how);
    if (rc == COPA_ENOTFOUND)
        return copa__error_set(COPA_EUNSUPPORTED,
                               "the image has no /bin/sh (distroless?): its maintainer scripts "
                               "cannot run; patch without --run-scripts");
    return rc;
}

/* Copy info/NAME.EXT into tmp.ci/EXT when there is one. */
static int stage_member(const runner *r, int ci, const copa__maint_step *s, const char *ext)
{
    char path[512];
    int in, out, rc = 0;
    ssize_t n;
    char buf[8192];

    snprintf(path, sizeof path, INFO_DIR "/%s.%s", s->info_name, ext);
    if ((in = copa__sandbox_open_in(r->root_fd, path, O_RDONLY | O_NOFOLLOW, 0)) < 0)
        return 0;
    out = openat(ci, ext, O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0755);
    if (out < 0)
        rc = -1;
    while (rc == 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            rc = -1;
    if (out >= 0)
        close(out);
    close(in);
    return rc;
}

/* tmp.ci with the package's control, preinst, templates and config, as dpkg has it. */
static int stage_control_area(const runner *r, const copa__maint_step *s)
{
    static const char *const members[] = {"preinst", "templates", "config"};
    char control[512];
    int ci, fd, rc = 0;
    size_t i, len;

    if (mkdirat(r->root_fd, CI_DIR, 0755) != 0 && errno != EEXIST)
        return copa__error_set(COPA_ERROR, "scratch tree: /" CI_DIR ": %s", strerror(errno));
    if ((ci = copa__sandbox_open_in(r->root_fd, CI_DIR, O_PATH | O_DIRECTORY, 0)) < 0)
        return copa__error_set(COPA_ERROR, "scratch tree: /" CI_DIR ": %s", strerror(errno));
    len = (size_t)snprintf(control, sizeof control, "Package: %s\nVersion: %s\n", s->package,
                           s->new_version);
    fd = openat(ci, "control", O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, control, len) != (ssize_t)len)
        rc = -1;
    if (fd >= 0)
        close(fd);
    for (i = 0; rc == 0 && i < sizeof(members) / sizeof(members[0]); i++)
        rc = stage_member(r, ci, s, members[i]);
    close(ci);
    return rc == 0 ? 0
                   : copa__error_set(COPA_ERROR, "scratch tree: /" CI_DIR ": %s", strerror(errno));
}

static void unstage_control_area(const runner *r)
{
    int parent = copa__sandbox_open_in(r->root_fd, "var/lib/dpkg", O_PATH | O_DIRECTORY, 0);

    if (parent >= 0) {
        copa__tree_remove_at(parent, "tmp.ci");
        close(parent);
    }
}

/* The new preinst, run from the control area as dpkg does. */
static int run_preinst(const runner *r, const copa__maint_step *s)
{
    char path[512];
    int rc;

    snprintf(path, sizeof path, INFO_DIR "/%s.preinst", s->info_name);
    if (!exists_in(r, path))
        return 0;
    if ((rc = stage_control_area(r, s)) == 0)
        /* dpkg: `new-preinst upgrade OLD NEW`, `new-preinst install`. */
        rc = s->old_version ? run_script(r, s, "preinst", CI_DIR "/preinst", "upgrade",
                                         s->old_version, s->new_version)
                            : run_script(r, s, "preinst", CI_DIR "/preinst", "install", NULL, NULL);
    unstage_control_area(r);
    return rc;
}

static int unpack_phase(const runner *r, const copa__maint_step *s)
{
    int rc = run_old(r, s, "prerm", s->old_prerm, s->old_prerm_len);
    if (rc == 0)
        rc = run_preinst(r, s);
    if (rc == 0)
        rc = run_old(r, s, "postrm", s->old_postrm, s->old_postrm_len);
    return rc;
}

static int triggers(const runner *r)
{
    if (!exists_in(r, "usr/bin/dpkg"))
        return 0;
    copa__maint_step dpkg = {
        .package = "dpkg", .info_name = "dpkg", .arch = NULL, .new_version = ""};
    /* run_script's argv[0] is a tree path: usr/bin/dpkg with its two arguments. */
    return run_script(r, &dpkg, "triggers", "usr/bin/dpkg", "--triggers-only", "--pending", NULL);
}

int copa__maint_run(const char *root, const copa__maint_step *steps, size_t count,
                    const copa__maint_options *options)
{
    runner r = {root, open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), options};
    if (r.root_fd < 0)
        return copa__error_set(COPA_ERROR, "scratch tree %s: %s", root, strerror(errno));
    int rc = 0;
    if (has_scripts(&r, steps, count))
        rc = check_runnable(&r);
    int made_old_dir = 0;
    if (rc == 0) {
        int info = copa__sandbox_open_in(r.root_fd, "var/lib/dpkg", O_PATH | O_DIRECTORY, 0);
        if (info >= 0 && mkdirat(info, "tmp.copa-old", 0755) == 0)
            made_old_dir = 1;
        if (info >= 0)
            close(info);
    }
    for (size_t i = 0; rc == 0 && i < count; i++)
        rc = unpack_phase(&r, &steps[i]);
    for (size_t i = 0; rc == 0 && i < count; i++) {
        rc = run_new(&r, &steps[i], "postinst", "configure",
                     steps[i].old_version ? steps[i].old_version : "", NULL);
        /* dpkg goes on with the other packages; this one stays half-configured. */
        if (rc == COPA_EEXTERNAL && options->failed != NULL)
            rc = options->failed(options->failed_payload, i, copa_error_last());
    }
    if (rc == 0)
        rc = triggers(&r);
    if (made_old_dir) {
        int info = copa__sandbox_open_in(r.root_fd, "var/lib/dpkg", O_PATH | O_DIRECTORY, 0);
        if (info >= 0) {
            copa__tree_remove_at(info, "tmp.copa-old");
            close(info);
        }
    }
    close(r.root_fd);
    return rc;
}
