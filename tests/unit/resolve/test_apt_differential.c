/*
 * Differential check against apt itself: a fixture world (a dpkg status
 * file and a Packages index, tests/fixtures/resolve/) is served to apt-get
 * as a local file: repository (Release made by apt-ftparchive) under a fake
 * root, and the packages apt would install are compared with our plans:
 * `apt-get -s --with-new-pkgs upgrade` against update-all, and
 * `apt-get -s install NAME` against a report asking for NAME's candidate.
 * Where apt needs to remove a package (Remv) or gives up, we must fail:
 * copa never removes packages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "resolve_helpers.h"
#include "test_support.h"

#include "repo/packages.h"

#include <glob.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char root[256];
static char apt_opts[2048];

static int sh(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void write_text(const char *rel, const char *text)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    if ((f = fopen(path, "w")) == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        fail_msg("cannot write %s", path);
}

static int setup(void **state)
{
    char cmd[4096], *status, *packages;
    (void)state;
    if (sh("command -v apt-get >/dev/null && command -v apt-ftparchive >/dev/null") != 0)
        return 0;
    snprintf(root, sizeof(root), "/tmp/copa-aptdiff-XXXXXX");
    if (mkdtemp(root) == NULL)
        return -1;
    snprintf(cmd, sizeof(cmd),
             "cd %s && mkdir -p repo etc/apt/apt.conf.d etc/apt/preferences.d "
             "etc/apt/sources.list.d var/lib/apt/lists/partial var/cache/apt/archives/partial "
             "var/lib/dpkg",
             root);
    if (sh(cmd) != 0)
        return -1;
    status = test_read_file(test_fixture_path("resolve/status"), NULL);
    packages = test_read_file(test_fixture_path("resolve/Packages"), NULL);
    write_text("var/lib/dpkg/status", status);
    write_text("repo/Packages", packages);
    write_text("apt.conf", "");
    snprintf(cmd, sizeof(cmd), "deb [trusted=yes] file:%s/repo ./\n", root);
    write_text("etc/apt/sources.list", cmd);
    free(status);
    free(packages);
    snprintf(
        apt_opts, sizeof(apt_opts),
        "APT_CONFIG=%s/apt.conf apt-get -q -o Dir=%s -o Dir::State::status=%s/var/lib/dpkg/status "
        "-o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o APT::Architectures::=i386 -o "
        "APT::Sandbox::User=root "
        "-o Debug::NoLocking=1 -o APT::Install-Recommends=false",
        root, root, root);
    snprintf(cmd, sizeof(cmd),
             "apt-ftparchive release %s/repo > %s/repo/Release.tmp && mv %s/repo/Release.tmp "
             "%s/repo/Release && %s update >/dev/null 2>&1",
             root, root, root, root, apt_opts);
    return sh(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[512];
    (void)state;
    cleanup();
    if (root[0] != '\0') {
        snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
        (void)sh(cmd);
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted "name version" lines of apt's Inst lines; *removes counts Remv lines. */
static char *apt_set(const char *args, int *exit_ok, int *removes)
{
    char cmd[4096], line[1024], *lines[256], *out;
    size_t n = 0, i, len = 0;
    FILE *p;

    snprintf(cmd, sizeof(cmd), "%s -s %s 2>/dev/null", apt_opts, args);
    if ((p = popen(cmd, "r")) == NULL)
        fail_msg("cannot run apt-get");
    *removes = 0;
    while (fgets(line, sizeof(line), p) != NULL && n < 256) {
        char name[256], version[256];
        if (strncmp(line, "Remv ", 5) == 0)
            (*removes)++;
        if (strncmp(line, "Inst ", 5) != 0)
            continue;
        /* "Inst NAME [OLD] (NEW REPO [ARCH])" or "Inst NAME (NEW REPO [ARCH])" */
        if (sscanf(line, "Inst %255s", name) != 1 || strchr(line, '(') == NULL ||
            sscanf(strchr(line, '(') + 1, "%255s", version) != 1)
            fail_msg("unexpected apt line: %s", line);
        lines[n] = malloc(strlen(name) + strlen(version) + 3);
        sprintf(lines[n++], "%s %s\n", name, version);
    }
    *exit_ok = pclose(p) == 0;
    qsort(lines, n, sizeof(*lines), cmp_str);
    for (i = 0; i < n; i++)
        len += strlen(lines[i]);
    out = calloc(1, len + 1);
    for (i = 0; i < n; i++) {
        strcat(out, lines[i]);
        free(lines[i]);
    }
    return out;
}

/* The same "name version" lines from our plan. */
static char *our_set(void)
{
    size_t i, len = 1;
    char *out;
    for (i = 0; i < P.nsteps; i++)
        len += strlen(P.steps[i].name) + strlen(P.steps[i].arch) + strlen(P.steps[i].to) + 3;
    out = calloc(1, len);
    /* Steps are sorted by name then arch, like apt's sorted lines; apt writes
     * foreign architectures as name:arch. */
    for (i = 0; i < P.nsteps; i++) {
        const char *arch = P.steps[i].arch;
        int foreign = strcmp(arch, "amd64") != 0 && strcmp(arch, "all") != 0;
        sprintf(out + strlen(out), "%s%s%s %s\n", P.steps[i].name, foreign ? ":" : "",
                foreign ? arch : "", P.steps[i].to);
    }
    return out;
}

static void load_fixture_world(void)
{
    char *status = test_read_file(test_fixture_path("resolve/status"), NULL);
    char *packages = test_read_file(test_fixture_path("resolve/Packages"), NULL);
    world(status, packages);
    free(status);
    free(packages);
}

static void update_all_matches_apt_upgrade(void **state)
{
    int ok, removes;
    char *theirs, *ours;
    (void)state;
    if (root[0] == '\0')
        skip();
    theirs = apt_set("--with-new-pkgs upgrade", &ok, &removes);
    assert_true(ok);
    assert_int_equal(removes, 0);
    load_fixture_world();
    assert_int_equal(update_everything(), 0);
    ours = our_set();
    assert_string_equal(ours, theirs);
    free(ours);
    free(theirs);
}

static void report_matches_apt_install(void **state)
{
    static const char *const names[] = {"foo",          "libc6",   "vuser",   "brk",
                                        "cyc-a",        "stuck",   "conf",    "target",
                                        "needsmissing", "awkuser", "libv",    "libbar",
                                        "oldbreaker",   "openssl", "libssl3", "i386tool"};
    size_t k;
    (void)state;
    if (root[0] == '\0')
        skip();
    load_fixture_world();
    for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        int ok, removes, rc;
        char args[300], *theirs, *ours;
        const copa__rs_pkg *best = NULL;
        size_t i;
        snprintf(args, sizeof(args), "install %s", names[k]);
        theirs = apt_set(args, &ok, &removes);
        /* Ask for the newest version in the fixture index. */
        for (i = 0; i < W.candidates.count; i++)
            if (strcmp(W.candidates.items[i].name, names[k]) == 0)
                best = &W.candidates.items[i];
        assert_non_null(best);
        rc = want(names[k], best->version);
        if (!ok || removes > 0) {
            if (rc != COPA_EUNSATISFIABLE)
                fail_msg("%s: apt %s, we planned:\n%s", names[k], ok ? "removes packages" : "fails",
                         our_set());
        } else {
            if (rc != 0)
                fail_msg("%s: apt installs\n%swe fail: %s", names[k], theirs, copa_error_last());
            ours = our_set();
            if (strcmp(ours, theirs) != 0)
                fail_msg("%s: apt installs\n%swe plan\n%s", names[k], theirs, ours);
            free(ours);
        }
        free(theirs);
    }
}

/*
 * Report mode on the host: every Nth upgradable package (N from
 * COPA_TEST_HOST_APT_STRIDE, default 8), one request at a time.
 */
static int host_changed(const struct stat *before)
{
    struct stat now;
    return stat("/var/lib/dpkg/status", &now) != 0 ||
           now.st_mtim.tv_sec != before->st_mtim.tv_sec ||
           now.st_mtim.tv_nsec != before->st_mtim.tv_nsec || now.st_size != before->st_size;
}

static void host_report_mode(const struct stat *before)
{
    const char *env = getenv("COPA_TEST_HOST_APT_STRIDE");
    size_t stride = env != NULL && atoi(env) > 0 ? (size_t)atoi(env) : 8;
    char **names, args[300];
    size_t i, n = 0, count = P.nsteps;
    names = calloc(count + 1, sizeof(*names));
    for (i = 0; i < count; i += stride)
        if (P.steps[i].from != NULL && strcmp(P.steps[i].arch, "amd64") == 0)
            names[n++] = strdup(P.steps[i].name);
    for (i = 0; i < n; i++) {
        int ok, removes;
        char *theirs, *ours;
        const copa__rs_step *st;
        copa__rs_plan_free(&P);
        assert_int_equal(update_everything(), 0);
        st = step(names[i]);
        snprintf(args, sizeof(args), "install %s", names[i]);
        theirs = apt_set(args, &ok, &removes);
        if (host_changed(before)) {
            /* Something installed packages meanwhile: the comparison would be unfair. */
            fprintf(stderr, "host: dpkg status changed, stopped after %zu requests\n", i);
            free(theirs);
            for (n = i; i < count && names[i] != NULL; i++)
                free(names[i]);
            break;
        }
        assert_int_equal(want(names[i], st->to), 0);
        ours = our_set();
        if (strcmp(ours, theirs) != 0)
            fail_msg("%s: apt installs\n%swe plan\n%s", names[i], theirs, ours);
        free(ours);
        free(theirs);
        free(names[i]);
    }
    fprintf(stderr, "host: %zu report-mode requests match apt-get install\n", n);
    free(names);
}

/*
 * With COPA_TEST_HOST_APT=1: the machine's own dpkg status and apt lists
 * (real Debian indexes), update-all against `apt-get -s --with-new-pkgs
 * upgrade`. Off by default: it reads the host, which other tools may change.
 */
static void host_update_all_matches_apt(void **state)
{
    const char *env = getenv("COPA_TEST_HOST_APT");
    int ok, removes;
    char *status, *theirs, *ours;
    struct stat before;
    glob_t g;
    size_t i, len;
    struct timespec t0, t1;
    (void)state;
    if (env == NULL || strcmp(env, "1") != 0)
        skip();
    snprintf(apt_opts, sizeof(apt_opts),
             "apt-get -q -o Debug::NoLocking=1 -o APT::Install-Recommends=false");
    assert_int_equal(stat("/var/lib/dpkg/status", &before), 0);
    theirs = apt_set("--with-new-pkgs upgrade", &ok, &removes);
    assert_true(ok);
    status = test_read_file("/var/lib/dpkg/status", &len);
    copa__rs_plan_free(&P);
    copa__rs_world_free(&W);
    assert_int_equal(copa__rs_world_init(&W, COPA_PKG_DEB, "amd64"), 0);
    assert_int_equal(copa__rs_world_add_deb822(&W, 1, "status", status, len, 0, 0, NULL), 0);
    free(status);
    assert_int_equal(glob("/var/lib/apt/lists/*_Packages*", 0, NULL, &g), 0);
    for (i = 0; i < g.gl_pathc; i++) {
        copa__apt_packages idx;
        assert_int_equal(copa__apt_packages_init(&idx, "amd64"), 0);
        if (copa__apt_packages_load_file(&idx, g.gl_pathv[i], NULL, UINT64_MAX) < 0)
            fail_msg("%s: %s", g.gl_pathv[i], copa_error_last());
        assert_int_equal(copa__rs_world_add_index(&W, &idx, (int)i, 0, NULL), 0);
        copa__apt_packages_free(&idx);
    }
    globfree(&g);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(update_everything(), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "host: %zu installed, %zu candidates, %zu steps, %zu kept, resolve %.1f ms\n",
            W.installed.count, W.candidates.count, P.nsteps, P.nkept,
            (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    ours = our_set();
    assert_string_equal(ours, theirs);
    free(ours);
    free(theirs);
    host_report_mode(&before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(update_all_matches_apt_upgrade),
        cmocka_unit_test(report_matches_apt_install),
        cmocka_unit_test(host_update_all_matches_apt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
