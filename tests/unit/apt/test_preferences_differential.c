/*
 * Differential check of pin priorities against apt itself. A fake root holds
 * a local file: archive with four releases made by apt-ftparchive (stable,
 * testing with two components, NotAutomatic+ButAutomaticUpgrades backports,
 * NotAutomatic experimental) and a dpkg status file. For each scenario (a
 * set of preferences files), `apt-cache policy` prints every version's
 * priority and every index file's priority; we compute both from the same
 * files (Release and Packages parsed by lib/repo, preferences read from the
 * root through copa__image_files) and they must be equal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_support.h"

#include "apt/preferences.h"
#include "util/image_files.h"

#include <copa.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char root[256];
static char apt_opts[2048];

#define PKG(name, ver, arch, extra)                                                                \
    "Package: " name "\nVersion: " ver "\nArchitecture: " arch "\nMaintainer: t <t@e.org>\n"       \
    "Filename: pool/" name "_" ver ".deb\nSize: 10\nDescription: test\n" extra "\n"
#define INST(name, ver)                                                                            \
    "Package: " name "\nStatus: install ok installed\nVersion: " ver "\nArchitecture: amd64\n"     \
    "Maintainer: t <t@e.org>\nDescription: test\n\n"

typedef struct dist {
    const char *suite, *release_opts;
    const char *components[2];
    const char *packages[2];
} dist;

static const dist dists[] = {
    {"stable",
     "-o APT::FTPArchive::Release::Origin=Acme -o APT::FTPArchive::Release::Label=AcmeStable "
     "-o APT::FTPArchive::Release::Codename=alpha -o APT::FTPArchive::Release::Version=12.4",
     {"main", NULL},
     {PKG("foo", "1.0-1", "amd64", "") PKG("bar", "1.0", "amd64", "Source: barsrc\n")
          PKG("baz", "0.9", "amd64", "") PKG("same", "5.0", "amd64", "")
              PKG("gnome-x", "1", "amd64", "") PKG("ukdeu", "1", "amd64", ""),
      NULL}},
    {"testing",
     "-o APT::FTPArchive::Release::Origin=Acme -o APT::FTPArchive::Release::Label=AcmeTesting "
     "-o APT::FTPArchive::Release::Codename=beta",
     {"main", "contrib"},
     {PKG("foo", "2.0-1", "amd64", "") PKG("baz", "1.0", "amd64", "")
          PKG("same", "5.0", "amd64", "") PKG("libqux1", "2.2", "all", "Source: qux (2.2-1)\n")
              PKG("gnome-x", "2", "amd64", "") PKG("ukdeu", "2", "amd64", ""),
      PKG("bar", "1.1", "amd64", "Source: barsrc\n")
          PKG("quxtool", "2.2-1", "amd64", "Source: qux\n")}},
    {"backports",
     "-o APT::FTPArchive::Release::Origin=Acme-Backports -o APT::FTPArchive::Release::Label=Bpo "
     "-o APT::FTPArchive::Release::Codename=alpha-backports "
     "-o APT::FTPArchive::Release::NotAutomatic=yes "
     "-o APT::FTPArchive::Release::ButAutomaticUpgrades=yes",
     {"main", NULL},
     {PKG("foo", "1.5-1~bpo", "amd64", "") PKG("baz", "0.95", "amd64", ""), NULL}},
    {"experimental",
     "-o APT::FTPArchive::Release::Origin=Acme -o APT::FTPArchive::Release::Label=AcmeExp "
     "-o APT::FTPArchive::Release::Codename=rc-buggy -o APT::FTPArchive::Release::NotAutomatic=yes",
     {"main", NULL},
     {PKG("foo", "3.0-1", "amd64", "") PKG("bar", "2.0", "amd64", "Source: barsrc\n"), NULL}},
};
#define NDISTS (sizeof(dists) / sizeof(dists[0]))

static const char status_text[] = INST("foo", "1.0-1") INST("baz", "0.9") INST("old", "0.5");
static const char packages_arg[] = "foo bar baz same libqux1 quxtool gnome-x ukdeu old";

static copa__apt_repo repos[NDISTS];

static int sh(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void write_text(const char *rel, const char *text)
{
    char path[512];
    FILE *f;
    if (snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path))
        fail_msg("path too long: %s/%s", root, rel);
    if ((f = fopen(path, "w")) == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        fail_msg("cannot write %s", path);
}

/* Our side of one release: its Release file and Packages, parsed by lib/repo. */
static int load_repo(copa__apt_repo *r, const dist *d)
{
    char path[512], uri[300];
    size_t i, len;
    char *text;

    memset(r, 0, sizeof(*r));
    snprintf(uri, sizeof(uri), "file:%s/repo", root);
    r->uri = strdup(uri);
    r->original_uri = r->uri;
    r->src.uri = r->uri;
    r->src.suite = d->suite;
    r->src.components = (const char **)d->components;
    r->src.component_count = d->components[1] != NULL ? 2 : 1;
    snprintf(path, sizeof(path), "%s/repo/dists/%s/Release", root, d->suite);
    text = test_read_file(path, &len);
    if (copa__apt_release_parse(&r->release, d->suite, text, len) != 0)
        return -1;
    free(text);
    r->have_release = 1;
    r->component_ends = calloc(2, sizeof(size_t));
    if (copa__apt_packages_init(&r->packages, "amd64") != 0)
        return -1;
    for (i = 0; i < r->src.component_count; i++) {
        if (copa__apt_packages_parse(&r->packages, d->suite, d->packages[i],
                                     strlen(d->packages[i])) != 0)
            return -1;
        r->component_ends[i] = r->packages.count;
    }
    return 0;
}

static int setup(void **state)
{
    char cmd[4096];
    size_t i, j;
    (void)state;
    if (sh("command -v apt-cache >/dev/null && command -v apt-ftparchive >/dev/null") != 0)
        return 0;
    snprintf(root, sizeof(root), "/tmp/copa-aptprefs-XXXXXX");
    if (mkdtemp(root) == NULL)
        return -1;
    snprintf(cmd, sizeof(cmd),
             "cd %s && mkdir -p etc/apt/apt.conf.d etc/apt/preferences.d etc/apt/sources.list.d "
             "var/lib/apt/lists/partial var/cache/apt/archives/partial var/lib/dpkg",
             root);
    if (sh(cmd) != 0)
        return -1;
    cmd[0] = '\0';
    for (i = 0; i < NDISTS; i++) {
        char rel[600], line[700];
        for (j = 0; j < 2 && dists[i].components[j] != NULL; j++) {
            snprintf(rel, sizeof(rel), "mkdir -p %s/repo/dists/%s/%s/binary-amd64", root,
                     dists[i].suite, dists[i].components[j]);
            if (sh(rel) != 0)
                return -1;
            snprintf(rel, sizeof(rel), "repo/dists/%s/%s/binary-amd64/Packages", dists[i].suite,
                     dists[i].components[j]);
            write_text(rel, dists[i].packages[j]);
        }
        snprintf(line, sizeof(line), "deb [trusted=yes] file:%s/repo %s %s%s%s\n", root,
                 dists[i].suite, dists[i].components[0], dists[i].components[1] ? " " : "",
                 dists[i].components[1] ? dists[i].components[1] : "");
        strcat(cmd, line);
    }
    write_text("etc/apt/sources.list", cmd);
    write_text("var/lib/dpkg/status", status_text);
    write_text("apt.conf", "");
    for (i = 0; i < NDISTS; i++) {
        snprintf(cmd, sizeof(cmd),
                 "cd %s/repo/dists/%s && apt-ftparchive release %s "
                 "-o APT::FTPArchive::Release::Suite=%s "
                 "-o APT::FTPArchive::Release::Architectures=amd64 "
                 "-o 'APT::FTPArchive::Release::Components=%s%s%s' . > ../Release.tmp && "
                 "mv ../Release.tmp Release",
                 root, dists[i].suite, dists[i].release_opts, dists[i].suite,
                 dists[i].components[0], dists[i].components[1] ? " " : "",
                 dists[i].components[1] ? dists[i].components[1] : "");
        if (sh(cmd) != 0)
            return -1;
    }
    snprintf(apt_opts, sizeof(apt_opts),
             "APT_CONFIG=%s/apt.conf LC_ALL=C.UTF-8 %%s -q -o Dir=%s "
             "-o Dir::State::status=%s/var/lib/dpkg/status -o APT::Architecture=amd64 "
             "-o APT::Architectures::=amd64 -o APT::Sandbox::User=root -o Debug::NoLocking=1",
             root, root, root);
    snprintf(cmd, sizeof(cmd), apt_opts, "apt-get");
    strcat(cmd, " update >/dev/null 2>&1");
    if (sh(cmd) != 0)
        return -1;
    for (i = 0; i < NDISTS; i++)
        if (load_repo(&repos[i], &dists[i]) != 0)
            return -1;
    return 0;
}

static int teardown(void **state)
{
    char cmd[512];
    size_t i;
    (void)state;
    for (i = 0; i < NDISTS; i++) {
        copa__apt_release_free(&repos[i].release);
        copa__apt_packages_free(&repos[i].packages);
        free(repos[i].component_ends);
        free(repos[i].uri);
    }
    if (root[0] != '\0') {
        snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
        (void)sh(cmd);
    }
    return 0;
}

/* --- comparing ------------------------------------------------------------ */

typedef struct lines {
    char *v[512];
    size_t n;
} lines;

static void add_line(lines *l, const char *fmt, ...)
{
    va_list ap;
    char buf[512];
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    assert_true(l->n < 512);
    l->v[l->n++] = strdup(buf);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted lines joined (and freed). */
static char *join(lines *l)
{
    size_t i, len = 1;
    char *out;
    qsort(l->v, l->n, sizeof(l->v[0]), cmp_str);
    for (i = 0; i < l->n; i++)
        len += strlen(l->v[i]) + 1;
    out = calloc(1, len);
    for (i = 0; i < l->n; i++) {
        strcat(out, l->v[i]);
        strcat(out, "\n");
        free(l->v[i]);
    }
    l->n = 0;
    return out;
}

/*
 * apt-cache policy's version tables as "PKG VER = PRIO" (the version's
 * priority) and "PKG VER SUITE/COMPONENT = PRIO" (each file offering it,
 * "status" for dpkg's status file).
 */
static char *apt_side(void)
{
    char cmd[4096], line[1024], pkg[128] = "", ver[128] = "";
    lines l = {{0}, 0};
    FILE *p;

    snprintf(cmd, sizeof(cmd), apt_opts, "apt-cache");
    snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), " policy %s 2>&1", packages_arg);
    if ((p = popen(cmd, "r")) == NULL)
        fail_msg("cannot run apt-cache");
    while (fgets(line, sizeof(line), p) != NULL) {
        char a[512], b[512];
        int prio;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != ' ' && strchr(line, ':') != NULL && line[strlen(line) - 1] == ':') {
            snprintf(pkg, sizeof(pkg), "%.*s", (int)strlen(line) - 1, line);
        } else if ((strncmp(line, "     ", 5) == 0 && line[5] != ' ') ||
                   strncmp(line, " *** ", 5) == 0) {
            if (sscanf(line + 5, "%127s %d", ver, &prio) != 2)
                fail_msg("unexpected apt-cache line: %s", line);
            add_line(&l, "%s %s = %d", pkg, ver, prio);
        } else if (sscanf(line, " %d %511s %511s", &prio, a, b) >= 2 && ver[0] != '\0') {
            if (strstr(a, "/var/lib/dpkg/status") != NULL)
                add_line(&l, "%s %s status = %d", pkg, ver, prio);
            else
                add_line(&l, "%s %s %s = %d", pkg, ver, b, prio);
        } else if (strstr(line, "Version table:") == NULL && strstr(line, "Installed:") == NULL &&
                   strstr(line, "Candidate:") == NULL) {
            fail_msg("unexpected apt-cache line: %s", line);
        }
    }
    if (pclose(p) != 0)
        fail_msg("apt-cache policy failed");
    return join(&l);
}

static const char *installed_version(const char *name)
{
    static const char *const inst[][2] = {{"foo", "1.0-1"}, {"baz", "0.9"}, {"old", "0.5"}};
    size_t i;
    for (i = 0; i < 3; i++)
        if (strcmp(inst[i][0], name) == 0)
            return inst[i][1];
    return NULL;
}

/* Whether (name, version) was already listed. */
static int seen(char seen_v[][64], size_t n, const char *v)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(seen_v[i], v) == 0)
            return 1;
    return 0;
}

/* The same lines computed by lib/apt/preferences from the same files. */
static void our_package(lines *l, const copa__apt_prefs *prefs, const char *name)
{
    copa__apt_candidate c[8];
    char versions[16][64];
    size_t nv = 0, i, k, r, nc;
    const char *inst = installed_version(name);
    copa__apt_package ipkg;

    for (r = 0; r < NDISTS; r++)
        for (k = 0; k < repos[r].packages.count; k++)
            if (strcmp(repos[r].packages.items[k].name, name) == 0 &&
                !seen(versions, nv, repos[r].packages.items[k].version))
                snprintf(versions[nv++], 64, "%s", repos[r].packages.items[k].version);
    if (inst != NULL && !seen(versions, nv, inst))
        snprintf(versions[nv++], 64, "%s", inst);
    memset(&ipkg, 0, sizeof(ipkg));
    ipkg.name = name;
    ipkg.arch = "amd64";
    ipkg.version = inst;
    for (i = 0; i < nv; i++) {
        int is_inst = inst != NULL && strcmp(inst, versions[i]) == 0, prio;
        nc = 0;
        for (r = 0; r < NDISTS; r++)
            for (k = 0; k < repos[r].packages.count; k++) {
                const copa__apt_package *pk = &repos[r].packages.items[k];
                if (strcmp(pk->name, name) == 0 && strcmp(pk->version, versions[i]) == 0) {
                    copa__apt_prefs_file f;
                    char site[64];
                    c[nc].repo = &repos[r];
                    c[nc].pkg = pk;
                    copa__apt_prefs_file_of(&f, &c[nc], site, sizeof(site));
                    add_line(l, "%s %s %s/%s = %d", name, versions[i], repos[r].src.suite,
                             f.component, copa__apt_prefs_file_priority(prefs, &f));
                    nc++;
                }
            }
        if (is_inst) {
            copa__apt_prefs_file st;
            memset(&st, 0, sizeof(st));
            st.status = 1;
            add_line(l, "%s %s status = %d", name, versions[i],
                     copa__apt_prefs_file_priority(prefs, &st));
        }
        assert_int_equal(
            copa__apt_prefs_candidates_priority(&prio, prefs, c, nc, is_inst ? &ipkg : NULL), 0);
        if (nc == 1 && !is_inst)
            assert_int_equal(copa__apt_prefs_priority(prefs, c[0].repo, c[0].pkg), prio);
        add_line(l, "%s %s = %d", name, versions[i], prio);
    }
}

static char *our_side(void)
{
    copa__image_files fs;
    copa__apt_prefs prefs;
    lines l = {{0}, 0};
    char names[256], *save = NULL, *name;

    assert_int_equal(copa__image_files_dir_open(&fs, root), 0);
    if (copa__apt_prefs_load(&prefs, &fs, "amd64") != 0)
        fail_msg("prefs: %s", copa_error_last());
    snprintf(names, sizeof(names), "%s", packages_arg);
    for (name = strtok_r(names, " ", &save); name != NULL; name = strtok_r(NULL, " ", &save))
        our_package(&l, &prefs, name);
    copa__apt_prefs_free(&prefs);
    copa__image_files_dir_close(&fs);
    return join(&l);
}

/* --- scenarios ------------------------------------------------------------- */

typedef struct pref_file {
    const char *path; /* relative to the root */
    const char *text;
} pref_file;

static void check_scenario(const char *name, const pref_file *files, size_t n)
{
    char cmd[1024], *theirs, *ours;
    size_t i;

    snprintf(cmd, sizeof(cmd),
             "rm -rf %s/etc/apt/preferences %s/etc/apt/preferences.d && mkdir "
             "%s/etc/apt/preferences.d",
             root, root, root);
    assert_int_equal(sh(cmd), 0);
    for (i = 0; i < n; i++) {
        if (files[i].text == NULL) { /* a directory */
            snprintf(cmd, sizeof(cmd), "mkdir -p %s/%s", root, files[i].path);
            assert_int_equal(sh(cmd), 0);
        } else {
            write_text(files[i].path, files[i].text);
        }
    }
    theirs = apt_side();
    ours = our_side();
    if (getenv("COPA_TEST_VERBOSE") != NULL)
        print_message("scenario %s\n%s", name, theirs);
    if (strcmp(theirs, ours) != 0) {
        print_message("scenario %s\n--- apt-cache policy\n%s--- ours\n%s", name, theirs, ours);
        fail_msg("scenario %s differs from apt", name);
    }
    free(theirs);
    free(ours);
}

#define SCENARIO(fn, ...)                                                                          \
    static void fn(void **state)                                                                   \
    {                                                                                              \
        static const pref_file files[] = {__VA_ARGS__};                                            \
        (void)state;                                                                               \
        if (root[0] == '\0')                                                                       \
            skip();                                                                                \
        check_scenario(#fn, files, sizeof(files) / sizeof(files[0]));                              \
    }

static void defaults(void **state)
{
    (void)state;
    if (root[0] == '\0')
        skip();
    check_scenario("defaults", NULL, 0);
}

/* Generic records: the first one matching a Release wins. */
SCENARIO(generic_release_fields,
         {"etc/apt/preferences", "Explanation: testing first\nExplanation: really\n"
                                 "Package: *\nPin: release a=testing\nPin-Priority: 900\n\n"
                                 "Package: *\nPin: release o=Acme\nPin-Priority: -10\n\n"
                                 "# a comment\nPackage: *\nPin: release n=alpha-backports\n"
                                 "Pin-Priority: 400\n"})
SCENARIO(generic_label_component_version,
         {"etc/apt/preferences.d/a.pref", "Package: *\nPin: release l=AcmeTesting, c=contrib\n"
                                          "Pin-Priority: 300\n\n"
                                          "Package: *\nPin: release v=12*\nPin-Priority: 600\n\n"
                                          "Package: *\nPin: release l=Acme*\nPin-Priority: 50\n"})
SCENARIO(generic_bare_names,
         {"etc/apt/preferences.d/bare", "Package: *\nPin: release 12.4\nPin-Priority: 700\n\n"
                                        "Package: *\nPin: release beta\nPin-Priority: 200\n\n"
                                        "Package: *\nPin: release rc-*\nPin-Priority: 2\n"})
SCENARIO(generic_regex_and_arch, {"etc/apt/preferences.d/x",
                                  "Package: *\nPin: release o=/backports$/\nPin-Priority: 650\n\n"
                                  "Package: *\nPin: release b=amd64, n=/ALPHA/\n"
                                  "Pin-Priority: 450\n\n"
                                  "Package: *\nPin: release a=stable, a=experimental\n"
                                  "Pin-Priority: 3\n"})
SCENARIO(generic_origin_site,
         {"etc/apt/preferences.d/o1", "Package: *\nPin: origin \"example.org\"\nPin-Priority: 5\n\n"
                                      "Package: *\nPin: origin \"\"\nPin-Priority: 990\n"})
SCENARIO(generic_status_file,
         {"etc/apt/preferences", "Package: *\nPin: release a=now\nPin-Priority: 50\n"},
         {"etc/apt/preferences.d/z", "Package: *\nPin: release c=main\nPin-Priority: 800\n"})
SCENARIO(generic_all_and_unknown_key,
         {"etc/apt/preferences.d/1", "Package: *\nPin: release x=y\nPin-Priority: 77\n\n"
                                     "Package: *\nPin: release *\nPin-Priority: 88\n"})
SCENARIO(generic_never,
         {"etc/apt/preferences.d/1", "Package: *\nPin: release a=experimental\nPin-Priority: 600\n"
                                     "\nPackage: *\nPin: release o=Acme\nPin-Priority: never\n"},
         {"etc/apt/preferences.d/2", "Package: foo bar\nPin: release a=experimental\n"
                                     "Pin-Priority: 1001\n\n"
                                     "Package: baz\nPin: version 1.0\nPin-Priority: 999\n"})
/* Specific records: the first matching one, in file order, wins. */
SCENARIO(specific_versions,
         {"etc/apt/preferences", "Package: foo\nPin: version 2.0*\nPin-Priority: 1001\n\n"
                                 "Package: foo\nPin: version *\nPin-Priority: 20\n\n"
                                 "Package: baz\nPin: version 0.9\nPin-Priority: 30\n\n"
                                 "Package: bar\nPin: version 1.*.?\nPin-Priority: 40\n\n"
                                 "Package: old\nPin: version 0.5\nPin-Priority: -5\n"})
SCENARIO(specific_release_and_origin,
         {"etc/apt/preferences.d/10-first.pref", "Package: bar same\nPin: release a=testing\n"
                                                 "Pin-Priority: 990\n\n"
                                                 "Package: foo\nPin: origin \"\"\n"
                                                 "Pin-Priority: 321\n"},
         {"etc/apt/preferences.d/20-second",
          "Package: bar\nPin: release a=*\nPin-Priority: 11\n\n"
          "Package: baz\nPin: release a=now\nPin-Priority: 12\n"},
         {"etc/apt/preferences.d/ignored.conf", "Package: *\nPin: release *\nPin-Priority: 13\n"},
         {"etc/apt/preferences.d/bad.name.x", "Package: *\nPin: release *\nPin-Priority: 14\n"},
         {"etc/apt/preferences.d/.hidden", "Package: *\nPin: release *\nPin-Priority: 15\n"},
         {"etc/apt/preferences.d/dir.pref", NULL})
SCENARIO(specific_patterns_and_sources,
         {"etc/apt/preferences", "Package: gnome* /KDE/\nPin: release n=beta\n"
                                 "Pin-Priority: 700\n\n"
                                 "Package: src:barsrc\nPin: version 1.1\nPin-Priority: 600\n\n"
                                 "Package: src:qu*\nPin: release a=testing\nPin-Priority: 610\n\n"
                                 "Package: libqux1:any\nPin: version 2.2\nPin-Priority: 620\n\n"
                                 "Package: foo:i386\nPin: version 2.0-1\nPin-Priority: 630\n"})
SCENARIO(specific_wildcard_list_and_priorities,
         {"etc/apt/preferences", "Package: * foo\nPin: release a=backports\n"
                                 "Pin-Priority: -32768\n\n"
                                 "Package: *\nPin: release a=stable\nPin-Priority: 1000\n\n"
                                 "Package: same\nPin: version 5.0\nPin-Priority: 42abc\n"})

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(generic_release_fields),
        cmocka_unit_test(generic_label_component_version),
        cmocka_unit_test(generic_bare_names),
        cmocka_unit_test(generic_regex_and_arch),
        cmocka_unit_test(generic_origin_site),
        cmocka_unit_test(generic_status_file),
        cmocka_unit_test(generic_all_and_unknown_key),
        cmocka_unit_test(generic_never),
        cmocka_unit_test(specific_versions),
        cmocka_unit_test(specific_release_and_origin),
        cmocka_unit_test(specific_patterns_and_sources),
        cmocka_unit_test(specific_wildcard_list_and_priorities),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
