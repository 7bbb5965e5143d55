/*
 * The world builder: a dpkg database (status + status.d, a held package,
 * a half-installed one) and an apt result (two repositories) become the
 * resolver's installed and candidate sets, and the resolver's plans on it
 * are what apt would do (held packages stay, the highest version wins,
 * URLs come from the repository's pool).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "copa/errors.h"
#include "engine/debian/debian.h"
#include "engine/debian/world_scope.h"
#include "test_support.h"
#include "util/image_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

static void write_file(const char *rel, const char *text)
{
    char path[256];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char status_text[] =
    "Package: libfoo1\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n"
    "Source: foo\nMulti-Arch: same\n\n"
    "Package: foo-tools\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n"
    "Source: foo\nDepends: libfoo1 (= 1.0-1)\n\n"
    "Package: pinned\nStatus: hold ok installed\nArchitecture: all\nVersion: 2.0\n\n"
    "Package: broken\nStatus: install reinstreq half-installed\nArchitecture: amd64\n"
    "Version: 0.1\n\n"
    "Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.21.22\n\n";

/* A distroless stanza without Status or Architecture. */
static const char status_d_text[] = "Package: tzdata\nVersion: 2024a-0+deb12u1\n";

static const char packages_main[] =
    "Package: libfoo1\nVersion: 1.0-2\nArchitecture: amd64\nSource: foo\nMulti-Arch: same\n"
    "Filename: pool/main/f/foo/libfoo1_1.0-2_amd64.deb\nSize: 1234\nSHA256: "
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\n"
    "Package: foo-tools\nVersion: 1.0-2\nArchitecture: amd64\nSource: foo\n"
    "Depends: libfoo1 (= 1.0-2)\nFilename: pool/main/f/foo/foo-tools_1.0-2_amd64.deb\n"
    "Size: 99\n\n"
    "Package: pinned\nVersion: 3.0\nArchitecture: all\nFilename: pool/main/p/pinned_3.0_all.deb\n"
    "Size: 10\nDepends: virtual-x [amd64] | missing (>= 2)\n\n"
    /* Reachable only through pinned's virtual dependency, and then its own. */
    "Package: provider-pkg\nVersion: 1\nArchitecture: amd64\nProvides: virtual-x (= 1), other\n"
    "Pre-Depends: libdeep:any (>= 0.1)\nFilename: pool/main/p/provider-pkg_1_amd64.deb\n\n"
    "Package: libdeep\nVersion: 0.2\nArchitecture: amd64\nFilename: pool/main/l/libdeep.deb\n\n"
    /* Reachable from nothing installed: never in the world. */
    "Package: unrelated\nVersion: 1\nArchitecture: amd64\nDepends: libfoo1\n"
    "Filename: pool/main/u/unrelated_1_amd64.deb\n\n"
    "Package: tzdata\nVersion: 2024b-0+deb12u1\nArchitecture: all\n"
    "Filename: pool/main/t/tzdata/tzdata_2024b-0+deb12u1_all.deb\nSize: 300\n\n";

static const char packages_security[] =
    "Package: libfoo1\nVersion: 1.0-3\nArchitecture: amd64\nSource: foo\nMulti-Arch: same\n"
    "Filename: pool/updates/main/f/foo/libfoo1_1.0-3_amd64.deb\nSize: 1300\n\n";

typedef struct fixture {
    copa__image_files files;
    copa__dpkg_db *db;
    copa__apt_result apt;
    copa__apt_repo repos[2];
    copa__rs_world world;
} fixture;

static void add_repo(copa__apt_repo *r, const char *uri, const char *suite, const char *text)
{
    memset(r, 0, sizeof(*r));
    r->src.uri = uri;
    r->src.suite = suite;
    r->name = (char *)uri;
    assert_int_equal(copa__apt_packages_init(&r->packages, "amd64"), 0);
    assert_int_equal(copa__apt_packages_parse(&r->packages, uri, text, strlen(text)), 0);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    char dir[256];

    snprintf(root, sizeof(root), "/tmp/copa-world-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(dir, sizeof(dir), "%s/var/lib/dpkg/status.d", root);
    {
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
        assert_int_equal(system(cmd), 0);
    }
    write_file("var/lib/dpkg/status", status_text);
    write_file("var/lib/dpkg/status.d/tzdata", status_d_text);
    assert_int_equal(copa__image_files_dir_open(&f->files, root), 0);
    assert_int_equal(copa__dpkg_db_load(&f->db, &f->files, "amd64"), 0);
    add_repo(&f->repos[0], "http://archive.test/debian", "bookworm", packages_main);
    add_repo(&f->repos[1], "http://security.test/debian-security", "bookworm-security",
             packages_security);
    f->apt.repos = f->repos;
    f->apt.count = 2;
    assert_int_equal(copa__debian_world_build(&f->world, f->db, &f->apt, NULL), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];

    copa__rs_world_free(&f->world);
    copa__apt_packages_free(&f->repos[0].packages);
    copa__apt_packages_free(&f->repos[1].packages);
    copa__dpkg_db_free(f->db);
    copa__image_files_dir_close(&f->files);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static const copa__rs_pkg *find(const copa__rs_pkgs *set, const char *name, const char *version)
{
    size_t i;
    for (i = 0; i < set->count; i++)
        if (strcmp(set->items[i].name, name) == 0 &&
            (version == NULL || strcmp(set->items[i].version, version) == 0))
            return &set->items[i];
    return NULL;
}

static void test_installed_set(void **state)
{
    fixture *f = *state;
    const copa__rs_pkg *p;

    assert_string_equal(f->world.native_arch, "amd64");
    /* Five "ok installed" packages (status.d included); half-installed is left out. */
    assert_int_equal(f->world.installed.count, 5);
    assert_null(find(&f->world.installed, "broken", NULL));
    assert_non_null(p = find(&f->world.installed, "pinned", "2.0"));
    assert_true(p->held);
    assert_string_equal(p->arch, "all");
    assert_non_null(p = find(&f->world.installed, "libfoo1", "1.0-1"));
    assert_false(p->held);
    assert_int_equal(p->multi_arch, COPA__MA_SAME);
    assert_string_equal(p->source, "foo");
    /* The distroless stanza has no Architecture: it is the image's own. */
    assert_non_null(p = find(&f->world.installed, "tzdata", NULL));
    assert_string_equal(p->arch, "amd64");
    assert_non_null(p = find(&f->world.installed, "foo-tools", NULL));
    assert_int_equal(p->depends.count, 1);
}

static void test_candidates(void **state)
{
    fixture *f = *state;
    const copa__rs_pkg *p;

    /* The versions of installed packages, and what they reach through
     * Depends, Provides and Pre-Depends; "unrelated" reaches nothing. */
    assert_int_equal(f->world.candidates.count, 7);
    assert_non_null(find(&f->world.candidates, "provider-pkg", "1"));
    assert_non_null(find(&f->world.candidates, "libdeep", "0.2"));
    assert_null(find(&f->world.candidates, "unrelated", NULL));
    assert_non_null(p = find(&f->world.candidates, "libfoo1", "1.0-2"));
    assert_int_equal(p->repo, 0);
    assert_int_equal(p->priority, COPA__RS_PRIORITY_DEFAULT);
    assert_int_equal(p->size, 1234);
    assert_string_equal(p->sha256,
                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_string_equal(p->url,
                        "http://archive.test/debian/pool/main/f/foo/libfoo1_1.0-2_amd64.deb");
    assert_non_null(p = find(&f->world.candidates, "libfoo1", "1.0-3"));
    assert_int_equal(p->repo, 1);
    assert_string_equal(p->url, "http://security.test/debian-security/pool/updates/main/f/foo/"
                                "libfoo1_1.0-3_amd64.deb");
}

/* The names the scope walk visits are what a filtered load must want: an
 * index that keeps only the stanzas answering to them (by Package or
 * Provides) gives the same world, candidate for candidate. */
static void test_scope_names(void **state)
{
    static const char *const expected[] = {"libfoo1", "foo-tools",    "pinned",
                                           "dpkg",    "tzdata",       "virtual-x",
                                           "missing", "provider-pkg", "libdeep"};
    fixture *f = *state;
    copa__names visited;
    copa__apt_filter filter;
    copa__apt_repo repos[2];
    copa__apt_result apt;
    copa__rs_world w;
    size_t i;

    assert_int_equal(copa__world_scope_names(&visited, f->db, &f->apt), 0);
    assert_int_equal(visited.count, sizeof(expected) / sizeof(expected[0]));
    for (i = 0; i < visited.count; i++)
        assert_true(copa__names_has(&visited, expected[i], strlen(expected[i])));
    memset(&filter, 0, sizeof(filter));
    filter.wanted = visited; /* the filter owns the names now */
    for (i = 0; i < 2; i++) {
        memset(&repos[i], 0, sizeof(repos[i]));
        repos[i].src = f->repos[i].src;
        repos[i].name = f->repos[i].name;
        assert_int_equal(copa__apt_packages_init(&repos[i].packages, "amd64"), 0);
        repos[i].packages.filter = &filter;
    }
    assert_int_equal(
        copa__apt_packages_parse(&repos[0].packages, "main", packages_main, strlen(packages_main)),
        0);
    assert_int_equal(copa__apt_packages_parse(&repos[1].packages, "security", packages_security,
                                              strlen(packages_security)),
                     0);
    assert_int_equal(repos[0].packages.unwanted, 1); /* "unrelated" */
    memset(&apt, 0, sizeof(apt));
    apt.repos = repos;
    apt.count = 2;
    assert_int_equal(copa__debian_world_build(&w, f->db, &apt, NULL), 0);
    assert_int_equal(w.candidates.count, f->world.candidates.count);
    for (i = 0; i < w.candidates.count; i++) {
        assert_string_equal(w.candidates.items[i].name, f->world.candidates.items[i].name);
        assert_string_equal(w.candidates.items[i].version, f->world.candidates.items[i].version);
        assert_string_equal(w.candidates.items[i].url, f->world.candidates.items[i].url);
    }
    copa__rs_world_free(&w);
    for (i = 0; i < 2; i++)
        copa__apt_packages_free(&repos[i].packages);
    copa__apt_filter_free(&filter);
}

static const copa__rs_step *step(const copa__rs_plan *plan, const char *name)
{
    size_t i;
    for (i = 0; i < plan->nsteps; i++)
        if (strcmp(plan->steps[i].name, name) == 0)
            return &plan->steps[i];
    return NULL;
}

static void test_update_all_plan(void **state)
{
    fixture *f = *state;
    copa__rs_plan plan;
    const copa__rs_step *s;

    assert_int_equal(copa__resolve(&plan, &f->world, NULL, 0, 1), 0);
    /* libfoo1's candidate is the highest version over both sources
     * (1.0-3), but foo-tools' candidate wants exactly 1.0-2: neither can
     * move without breaking the other, so apt keeps both back; pinned is
     * held; tzdata (from status.d) moves. */
    assert_null(step(&plan, "libfoo1"));
    assert_null(step(&plan, "foo-tools"));
    assert_true(plan.nkept >= 2);
    assert_non_null(s = step(&plan, "tzdata"));
    assert_string_equal(s->to, "2024b-0+deb12u1");
    assert_string_equal(s->pkg->url, "http://archive.test/debian/pool/main/t/tzdata/"
                                     "tzdata_2024b-0+deb12u1_all.deb");
    assert_string_equal(s->from, "2024a-0+deb12u1");
    assert_null(step(&plan, "pinned"));
    copa__rs_plan_free(&plan);
}

static void test_report_plan_held(void **state)
{
    fixture *f = *state;
    copa__rs_plan plan;
    const char *ids[] = {"CVE-2099-1"};
    copa__rs_request req = {"pinned", "3.0", ids, 1};

    assert_int_equal(copa__resolve(&plan, &f->world, &req, 1, 0), COPA_EUNSATISFIABLE);
    assert_int_equal(plan.nfailures, 1);
    assert_int_equal(plan.failures[0].cause, COPA__RS_HELD);
    copa__rs_plan_free(&plan);
}

static void test_report_plan_security(void **state)
{
    fixture *f = *state;
    copa__rs_plan plan;
    const copa__rs_step *s;
    const char *ids[] = {"CVE-2099-2"};
    copa__rs_request req = {"tzdata", "2024b-0+deb12u1", ids, 1};

    assert_int_equal(copa__resolve(&plan, &f->world, &req, 1, 0), 0);
    assert_int_equal(plan.nsteps, 1);
    assert_non_null(s = step(&plan, "tzdata"));
    assert_string_equal(s->why_text, "CVE-2099-2");
    assert_int_equal(plan.download_size, 300);
    copa__rs_plan_free(&plan);
}

/* The plan (text) of a world; `reqs` NULL for update-all. */
static char *plan_text(const copa__rs_world *w, const copa__rs_request *req)
{
    copa__rs_plan plan;
    char *text;
    copa__resolve(&plan, w, req, req != NULL ? 1 : 0, req == NULL);
    assert_int_equal(copa__rs_plan_render_text(&text, &plan), 0);
    copa__rs_plan_free(&plan);
    return text;
}

/*
 * Differential: the resolver fixture (tests/fixtures/resolve) as a full
 * world and as the scoped world of copa__debian_world_build give the same
 * plans, for update-all and for a request of every installed package.
 */
static void test_scope_same_plans(void **state)
{
    char *status, *packages, *a, *b, cmd[400];
    size_t slen, plen, i, nontrivial = 0;
    copa__image_files files;
    copa__dpkg_db *db;
    copa__apt_repo repo;
    copa__apt_result apt;
    copa__rs_world full, scoped;
    (void)state;

    status = test_read_file(test_fixture_path("resolve/status"), &slen);
    packages = test_read_file(test_fixture_path("resolve/Packages"), &plen);
    assert_non_null(status);
    assert_non_null(packages);
    snprintf(root, sizeof(root), "/tmp/copa-world-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s/var/lib/dpkg'", root);
    assert_int_equal(system(cmd), 0);
    write_file("var/lib/dpkg/status", status);
    assert_int_equal(copa__image_files_dir_open(&files, root), 0);
    assert_int_equal(copa__dpkg_db_load(&db, &files, "amd64"), 0);
    add_repo(&repo, "http://archive.test/debian", "stable", packages);
    memset(&apt, 0, sizeof(apt));
    apt.repos = &repo;
    apt.count = 1;
    assert_int_equal(copa__debian_world_build(&scoped, db, &apt, NULL), 0);
    assert_int_equal(copa__rs_world_init(&full, COPA_PKG_DEB, db->native_arch), 0);
    assert_int_equal(copa__rs_world_add_deb822(&full, 1, "status", status, slen, 0, 0, NULL), 0);
    assert_int_equal(
        copa__rs_world_add_index(&full, &repo.packages, 0, 0, "http://archive.test/debian"), 0);
    assert_true(scoped.candidates.count <= full.candidates.count);
    a = plan_text(&full, NULL);
    b = plan_text(&scoped, NULL);
    assert_string_equal(a, b);
    free(a);
    free(b);
    for (i = 0; i < full.installed.count; i++) {
        copa__rs_request req;
        size_t j;
        memset(&req, 0, sizeof(req));
        req.name = full.installed.items[i].name;
        req.fixed_version = full.installed.items[i].version;
        /* Ask for the highest version the sources have. */
        for (j = 0; j < full.candidates.count; j++) {
            const copa__rs_pkg *c = &full.candidates.items[j];
            int cmp = 0;
            if (strcmp(c->name, req.name) == 0 &&
                copa_version_compare(&cmp, COPA_PKG_DEB, c->version, req.fixed_version) == 0 &&
                cmp > 0)
                req.fixed_version = c->version;
        }
        a = plan_text(&full, &req);
        b = plan_text(&scoped, &req);
        assert_string_equal(a, b);
        nontrivial += strstr(a, " upgrade ") != NULL;
        free(a);
        free(b);
    }
    assert_true(nontrivial >= 5); /* the fixture has real upgrades to compare */
    copa__rs_world_free(&full);
    copa__rs_world_free(&scoped);
    copa__apt_packages_free(&repo.packages);
    copa__dpkg_db_free(db);
    copa__image_files_dir_close(&files);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    free(status);
    free(packages);
}

static void test_unknown_arch(void **state)
{
    copa__dpkg_db db;
    copa__rs_world w;
    (void)state;
    memset(&db, 0, sizeof(db));
    assert_int_equal(copa__debian_world_build(&w, &db, NULL, NULL), COPA_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_installed_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_candidates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scope_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_all_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_plan_held, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_plan_security, setup, teardown),
        cmocka_unit_test(test_scope_same_plans),
        cmocka_unit_test(test_unknown_arch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
