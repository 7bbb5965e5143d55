/*
 * apt preferences: reading the files (apt's name rules, records apt refuses
 * or ignores), the Pin: value forms, and the priorities of candidates from
 * repositories described like copa__apt_load leaves them. The same rules
 * are checked against apt itself in test_preferences_differential.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_support.h"

#include "apt/preferences.h"
#include "util/file.h"
#include "util/digest.h"

#include <copa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PKG(name, ver, arch, extra)                                                                \
    "Package: " name "\nVersion: " ver "\nArchitecture: " arch "\nFilename: pool/" name ".deb\n"   \
    "Size: 1\n" extra "\n"

static copa__apt_prefs parse_ok(const char *text)
{
    copa__apt_prefs p;
    assert_int_equal(copa__apt_prefs_init(&p, "amd64"), 0);
    if (copa__apt_prefs_parse(&p, "prefs", text, strlen(text)) != 0)
        fail_msg("unexpected error: %s", copa_error_last());
    return p;
}

/* The error message of a refused file. */
static void parse_fails(const char *text, const char *message)
{
    copa__apt_prefs p;
    assert_int_equal(copa__apt_prefs_init(&p, "amd64"), 0);
    assert_int_equal(copa__apt_prefs_parse(&p, "prefs", text, strlen(text)), COPA_EINVALID);
    if (strstr(copa_error_last(), message) == NULL)
        fail_msg("message '%s' lacks '%s'", copa_error_last(), message);
    copa__apt_prefs_free(&p);
}

/* A repository as copa__apt_load leaves it (Release fields, packages per component). */
typedef struct test_repo {
    copa__apt_repo r;
    const char *comps[2];
} test_repo;

static void repo_init(test_repo *t, const char *uri, const char *suite, const char *codename,
                      const char *origin, const char *main_pkgs, const char *contrib_pkgs)
{
    memset(t, 0, sizeof(*t));
    t->comps[0] = "main";
    t->comps[1] = "contrib";
    t->r.uri = strdup(uri);
    t->r.original_uri = t->r.uri;
    t->r.src.uri = t->r.uri;
    t->r.src.suite = suite;
    t->r.src.components = t->comps;
    t->r.src.component_count = contrib_pkgs != NULL ? 2 : 1;
    t->r.have_release = 1;
    t->r.release.suite = suite;
    t->r.release.codename = codename;
    t->r.release.origin = origin;
    t->r.release.label = origin;
    t->r.component_ends = calloc(2, sizeof(size_t));
    assert_int_equal(copa__apt_packages_init(&t->r.packages, "amd64"), 0);
    assert_int_equal(copa__apt_packages_parse(&t->r.packages, suite, main_pkgs, strlen(main_pkgs)),
                     0);
    t->r.component_ends[0] = t->r.packages.count;
    if (contrib_pkgs != NULL)
        assert_int_equal(
            copa__apt_packages_parse(&t->r.packages, suite, contrib_pkgs, strlen(contrib_pkgs)), 0);
    t->r.component_ends[1] = t->r.packages.count;
}

static void repo_free(test_repo *t)
{
    copa__apt_packages_free(&t->r.packages);
    free(t->r.component_ends);
    free(t->r.uri);
}

static const copa__apt_package *find(const test_repo *t, const char *name)
{
    size_t i;
    for (i = 0; i < t->r.packages.count; i++)
        if (strcmp(t->r.packages.items[i].name, name) == 0)
            return &t->r.packages.items[i];
    fail_msg("no package %s", name);
    return NULL;
}

static int prio(const copa__apt_prefs *p, const test_repo *t, const char *name)
{
    return copa__apt_prefs_priority(p, &t->r, find(t, name));
}

static void reads_the_image_files_with_apts_name_rules(void **state)
{
    copa__image_files fs;
    copa__apt_prefs p;
    test_repo sec, bpo, main_repo;
    (void)state;

    assert_int_equal(copa__image_files_dir_open(&fs, test_fixture_path("apt/prefs-root")), 0);
    assert_int_equal(copa__apt_prefs_load(&p, &fs, "amd64"), 0);
    /* skipped.list (extension), .hidden and the sub.pref directory are not read. */
    assert_int_equal(p.file_count, 3);
    assert_string_equal(p.files[0], "/etc/apt/preferences");
    assert_string_equal(p.files[1], "/etc/apt/preferences.d/10-backports.pref");
    assert_string_equal(p.files[2], "/etc/apt/preferences.d/20-local");
    assert_int_equal(p.generic_count, 2);
    assert_int_equal(p.specific_count, 3); /* curl, libcurl*, openssl */

    repo_init(&sec, "http://deb.debian.org/debian-security", "bookworm-security",
              "bookworm-security", "Debian", PKG("openssl", "3.0.13-1~deb12u1", "amd64", ""), NULL);
    repo_init(&bpo, "http://deb.debian.org/debian", "bookworm-backports", "bookworm-backports",
              "Debian Backports",
              PKG("curl", "8.5.0-2~bpo12+1", "amd64", "")
                  PKG("libcurl4", "8.5.0-2~bpo12+1", "amd64", "")
                      PKG("vim", "9.1-1~bpo12+1", "amd64", ""),
              NULL);
    bpo.r.release.not_automatic = bpo.r.release.but_automatic_upgrades = 1;
    repo_init(&main_repo, "http://deb.debian.org/debian", "bookworm", "bookworm", "Debian",
              PKG("openssl", "3.0.11-1~deb12u2", "amd64", "") PKG("zlib1g", "1.2.13", "amd64", ""),
              NULL);
    assert_int_equal(prio(&p, &sec, "openssl"), 990);
    assert_int_equal(prio(&p, &main_repo, "openssl"), 1001); /* version 3.0.11* */
    assert_int_equal(prio(&p, &main_repo, "zlib1g"), 500);
    assert_int_equal(prio(&p, &bpo, "curl"), 600);
    assert_int_equal(prio(&p, &bpo, "libcurl4"), 600);
    assert_int_equal(prio(&p, &bpo, "vim"), 100); /* o=Debian Backports, also the default */
    repo_free(&sec);
    repo_free(&bpo);
    repo_free(&main_repo);
    copa__apt_prefs_free(&p);
    copa__image_files_dir_close(&fs);
}

static void missing_files_are_no_preferences(void **state)
{
    copa__image_files fs;
    copa__apt_prefs p;
    (void)state;
    assert_int_equal(copa__image_files_dir_open(&fs, test_fixture_path("apt")), 0);
    assert_int_equal(copa__apt_prefs_load(&p, &fs, "amd64"), 0);
    assert_int_equal(p.file_count, 0);
    assert_int_equal(p.specific_count + p.generic_count, 0);
    copa__apt_prefs_free(&p);
    copa__image_files_dir_close(&fs);
}

static void file_name_rules(void **state)
{
    static const char *const ok[] = {"foo", "foo.pref", "a_b-c:d.pref", "x.y.pref", "00-Pin"};
    static const char *const bad[] = {"",     ".x",      "foo.list",        "foo.",
                                      "foo~", "foo.bak", "foo bar",         "foo.PREF",
                                      "a+b",  "pref.",   "x.pref.dpkg-old", "foo.pref~"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!copa__apt_prefs_file_name_ok(ok[i]))
            fail_msg("'%s' should be read", ok[i]);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (copa__apt_prefs_file_name_ok(bad[i]))
            fail_msg("'%s' should be skipped", bad[i]);
}

static void refused_records_name_file_and_line(void **state)
{
    (void)state;
    parse_fails("Package: a\nPin: version 1\nPin-Priority: 1\n\nPin: release a=x\n"
                "Pin-Priority: 5\n",
                "prefs:5: preferences record has no Package field");
    parse_fails("Package: a\nPin: version 1\n", "prefs:1: record has no Pin-Priority");
    parse_fails("\nPackage: a\nPin: version 1\nPin-Priority: 0\n", "prefs:4: record has no");
    parse_fails("Package: a\nPin: version 1\nPin-Priority: abc\n", "no Pin-Priority (or zero)");
    parse_fails("Package: a\nPin: version 1\nPin-Priority: 40000\n",
                "prefs:3: Pin-Priority 40000 is outside");
    parse_fails("Package: a\nPin: version 1\nPin-Priority: never\n",
                "prefs:3: 'Pin-Priority: never' is only for 'Package: *' records");
    parse_fails("Package: a\nPin version 1\n", "prefs:2:");
}

static void ignored_records_and_priorities(void **state)
{
    copa__apt_prefs p;
    (void)state;
    /* As apt: no Pin (skipped), an unknown type, a version pin for every package. */
    p = parse_ok("# only a comment\n\nPackage: a\nPin-Priority: 5\n\n"
                 "Package: a\nPin: foo bar\nPin-Priority: 5\n\n"
                 "Package: *\nPin: version 1.0\nPin-Priority: 5\n\n"
                 "Explanation: one\nExplanation: two\nPackage: b\nPin: version 1\n"
                 "Pin-Priority: -32768\n\n"
                 "Package: *\nPin: release a=x\nPin-Priority: never\n\n"
                 "Package: c d\n  e\nPin: release a=y\nPin-Priority: 42abc\n\n"
                 "Package: f\nPackage: g\nPin: version 1\nPin-Priority: 1\nPin-Priority: 2\n");
    assert_int_equal(p.ignored, 3);
    assert_int_equal(p.specific_count, 5);
    assert_int_equal(p.specific[0].priority, -32767); /* apt keeps -32768 for "never" */
    assert_int_equal(p.generic[0].priority, COPA__APT_PRIO_NEVER);
    assert_string_equal(p.specific[1].name.text, "c");
    assert_string_equal(p.specific[3].name.text, "e"); /* continuation line */
    assert_int_equal(p.specific[3].priority, 42);      /* strtol, as apt */
    assert_string_equal(p.specific[4].name.text, "g"); /* the last field counts */
    assert_int_equal(p.specific[4].priority, 2);
    assert_int_equal(p.specific[4].line, 29);
    copa__apt_prefs_free(&p);
}

static void package_tokens(void **state)
{
    copa__apt_prefs p;
    (void)state;
    p = parse_ok("Package: src:openssl:any lib* /^x[0-9]$/ foo:i386\nPin: version 1\n"
                 "Pin-Priority: 700\n");
    assert_int_equal(p.specific_count, 4);
    assert_true(p.specific[0].source);
    assert_string_equal(p.specific[0].name.text, "openssl");
    assert_string_equal(p.specific[0].arch, "any");
    assert_false(p.specific[0].pattern);
    assert_true(p.specific[1].pattern);
    assert_true(p.specific[2].pattern && p.specific[2].name.is_regex);
    assert_string_equal(p.specific[3].arch, "i386");
    assert_true(p.specific[0].match == p.specific[3].match); /* one Pin: for the record */
    copa__apt_prefs_free(&p);
}

static void expressions(void **state)
{
    copa__apt_expr e;
    (void)state;
    assert_int_equal(copa__apt_expr_init(&e, "Deb*", 4), 0);
    assert_true(copa__apt_expr_match(&e, "debian"));
    assert_false(copa__apt_expr_match(&e, "xdebian"));
    assert_false(copa__apt_expr_match(&e, NULL));
    copa__apt_expr_free(&e);
    assert_int_equal(copa__apt_expr_init(&e, "/SEC/", 5), 0);
    assert_true(copa__apt_expr_match(&e, "debian-security")); /* unanchored, any case */
    assert_false(copa__apt_expr_match(&e, "debian"));
    copa__apt_expr_free(&e);
    assert_int_equal(copa__apt_expr_init(&e, "/(/", 3), 0); /* invalid: matches nothing */
    assert_false(copa__apt_expr_match(&e, "("));
    copa__apt_expr_free(&e);
}

static void release_conditions(void **state)
{
    copa__apt_pin_match m;
    copa__apt_prefs_file f;
    (void)state;
    memset(&f, 0, sizeof(f));
    f.origin = "Debian";
    f.label = "Debian-Security";
    f.archive = "stable-security";
    f.codename = "bookworm-security";
    f.version = "12";
    f.component = "main";
    f.arch = "amd64";
    f.site = "deb.debian.org";

    assert_int_equal(copa__apt_pin_match_parse(&m, COPA__PIN_RELEASE,
                                               "o=Debian, l=Debian-Security,a=stable-security"),
                     0);
    assert_true(copa__apt_pin_file_matches(&m, &f));
    copa__apt_pin_match_free(&m);
    /* Only the last of two a= conditions counts. */
    assert_int_equal(copa__apt_pin_match_parse(&m, COPA__PIN_RELEASE, "a=x, A=stable-*"), 0);
    assert_true(copa__apt_pin_file_matches(&m, &f));
    copa__apt_pin_match_free(&m);
    assert_int_equal(copa__apt_pin_match_parse(&m, COPA__PIN_RELEASE, "v=1*"), 0);
    assert_true(copa__apt_pin_file_matches(&m, &f));
    copa__apt_pin_match_free(&m);
    assert_int_equal(copa__apt_pin_match_parse(&m, COPA__PIN_RELEASE, "c=contrib"), 0);
    assert_false(copa__apt_pin_file_matches(&m, &f));
    copa__apt_pin_match_free(&m);
    /* A condition on a field the Release lacks never matches, even "*". */
    f.version = NULL;
    assert_int_equal(copa__apt_pin_match_parse(&m, COPA__PIN_RELEASE, "v=*"), 0);
    assert_false(copa__apt_pin_file_matches(&m, &f));
    copa__apt_pin_match_free(&m);
    /* The bare form: a number is the version, else archive or codename. */
    assert_int_equal(copa__apt_pin_match_parse(&m, COPA__PIN_RELEASE, "bookworm-security"), 0);
    assert_true(copa__apt_pin_file_matches(&m, &f));
    copa__apt_pin_match_free(&m);
    assert_int_equal(copa__apt_pin_match_parse(&m, COPA__PIN_RELEASE,
                                               "a=1,a=2,a=3,a=4,a=5,a=6,a=7,a=8,a=9,a=10,a=11,"
                                               "a=12,a=13,a=14,a=15,a=16,a=17,a=18,a=19,a=20"),
                     0);
    assert_true(m.none); /* apt gives up on more than 19 conditions */
    copa__apt_pin_match_free(&m);
    assert_int_equal(copa__apt_pin_match_parse(&m, COPA__PIN_ORIGIN, "\"deb.debian.org\""), 0);
    assert_true(copa__apt_pin_file_matches(&m, &f));
    f.status = 1;
    assert_false(copa__apt_pin_file_matches(&m, &f)); /* never the status file */
    copa__apt_pin_match_free(&m);
}

static void defaults_and_files(void **state)
{
    copa__apt_prefs p;
    copa__apt_prefs_file f;
    test_repo t;
    copa__apt_candidate c;
    char site[64];
    (void)state;
    p = parse_ok("");
    memset(&f, 0, sizeof(f));
    assert_int_equal(copa__apt_prefs_file_priority(&p, &f), 500);
    f.not_automatic = 1;
    assert_int_equal(copa__apt_prefs_file_priority(&p, &f), 1);
    f.but_automatic_upgrades = 1;
    assert_int_equal(copa__apt_prefs_file_priority(&p, &f), 100);
    f.not_automatic = 0; /* apt: ButAutomaticUpgrades alone gives 100 too */
    assert_int_equal(copa__apt_prefs_file_priority(&p, &f), 100);
    memset(&f, 0, sizeof(f));
    f.status = 1;
    assert_int_equal(copa__apt_prefs_file_priority(&p, &f), 100);

    /* What a candidate's index looks like: host of the URI as written, component, arch. */
    repo_init(&t, "http://user:pw@mirror.example:8080/debian", "trixie", "trixie", "Debian",
              PKG("a", "1", "amd64", ""), PKG("b", "1", "all", ""));
    t.r.original_uri = "https://deb.debian.org/debian";
    c.repo = &t.r;
    c.pkg = find(&t, "b");
    copa__apt_prefs_file_of(&f, &c, site, sizeof(site));
    assert_string_equal(f.site, "deb.debian.org");
    assert_string_equal(f.component, "contrib");
    assert_string_equal(f.arch, "amd64");
    assert_string_equal(f.archive, "trixie");
    t.r.original_uri = "http://user:pw@mirror.example:8080/debian";
    c.pkg = find(&t, "a");
    copa__apt_prefs_file_of(&f, &c, site, sizeof(site));
    assert_string_equal(f.site, "mirror.example");
    assert_string_equal(f.component, "main");
    t.r.original_uri = "file:/srv/repo";
    copa__apt_prefs_file_of(&f, &c, site, sizeof(site));
    assert_string_equal(f.site, "");
    repo_free(&t);
    copa__apt_prefs_free(&p);
}

static void versions_offered_twice_and_installed(void **state)
{
    copa__apt_prefs p;
    test_repo a, b;
    copa__apt_candidate c[2];
    int out;
    (void)state;
    p = parse_ok("Package: *\nPin: release a=one\nPin-Priority: 200\n\n"
                 "Package: *\nPin: release a=now\nPin-Priority: 150\n\n"
                 "Package: pinned\nPin: release a=two\nPin-Priority: 50\n\n"
                 "Package: src:srcpkg\nPin: version 2*\nPin-Priority: 900\n\n"
                 "Package: archpkg:i386\nPin: version *\nPin-Priority: 901\n");
    repo_init(&a, "http://a.example/d", "one", "one", "A",
              PKG("same", "1", "amd64", "") PKG("pinned", "1", "amd64", "")
                  PKG("bin", "2.0", "all", "Source: srcpkg (2.0-1)\n")
                      PKG("archpkg", "1", "amd64", ""),
              NULL);
    repo_init(&b, "http://b.example/d", "two", "two", "B",
              PKG("same", "1", "amd64", "") PKG("pinned", "1", "amd64", ""), NULL);
    c[0].repo = &a.r;
    c[0].pkg = find(&a, "same");
    c[1].repo = &b.r;
    c[1].pkg = find(&b, "same");
    assert_int_equal(prio(&p, &a, "same"), 200);
    assert_int_equal(prio(&p, &b, "same"), 500);
    assert_int_equal(copa__apt_prefs_candidates_priority(&out, &p, c, 2, NULL), 0);
    assert_int_equal(out, 500); /* the highest of the files offering it */
    /* A specific release pin matches when any file offering the version matches. */
    c[0].pkg = find(&a, "pinned");
    c[1].pkg = find(&b, "pinned");
    assert_int_equal(prio(&p, &a, "pinned"), 200);
    assert_int_equal(copa__apt_prefs_candidates_priority(&out, &p, c, 2, NULL), 0);
    assert_int_equal(out, 50);
    /* Installed only: dpkg's status file, pinned by a=now. */
    assert_int_equal(copa__apt_prefs_candidates_priority(&out, &p, NULL, 0, c[0].pkg), 0);
    assert_int_equal(out, 150); /* the specific a=two pin does not match the status file */
    c[0].pkg = find(&a, "same");
    assert_int_equal(copa__apt_prefs_candidates_priority(&out, &p, c, 1, c[0].pkg), 0);
    assert_int_equal(out, 200);
    assert_int_equal(prio(&p, &a, "bin"), 900);     /* src: pins by source name, arch all */
    assert_int_equal(prio(&p, &a, "archpkg"), 200); /* :i386 does not match amd64 */
    repo_free(&a);
    repo_free(&b);
    copa__apt_prefs_free(&p);
}

/* Write `text` where the cache keeps the index with its SHA-256; the hex into `hex`. */
static void cache_index(const char *cache, const char *text, char hex[65])
{
    unsigned char d[COPA_SHA256_LEN];
    char *path = NULL;
    FILE *f;
    assert_int_equal(copa__sha256_buffer(d, text, strlen(text)), 0);
    copa__hex_encode(hex, d, sizeof(d));
    assert_int_equal(copa__apt_cache_index_path(&path, cache, hex), 0);
    assert_int_equal(copa__file_mkdirs_parent(path), 0);
    assert_non_null(f = fopen(path, "w"));
    fputs(text, f);
    fclose(f);
    free(path);
}

/* The client records which component each package came from (for c= pins). */
static void loading_records_components(void **state)
{
    static const char main_pkgs[] = PKG("a", "1", "amd64", "") PKG("b", "1", "amd64", "");
    static const char contrib_pkgs[] = PKG("c", "1", "amd64", "");
    const char *comps[] = {"main", "contrib"};
    char cache[] = "/tmp/copa-prefs-cache-XXXXXX", h1[65], h2[65], release[1024], cmd[128];
    copa__apt_options opts;
    copa__apt_index *items = NULL;
    copa__apt_repo repo;
    copa__apt_candidate c;
    copa__apt_prefs_file f;
    char site[64];
    size_t n = 0;
    (void)state;

    assert_non_null(mkdtemp(cache));
    cache_index(cache, main_pkgs, h1);
    cache_index(cache, contrib_pkgs, h2);
    snprintf(release, sizeof(release),
             "Suite: s\nArchitectures: amd64\nComponents: main contrib\nSHA256:\n"
             " %s %zu main/binary-amd64/Packages\n %s %zu contrib/binary-amd64/Packages\n",
             h1, strlen(main_pkgs), h2, strlen(contrib_pkgs));
    memset(&repo, 0, sizeof(repo));
    memset(&opts, 0, sizeof(opts));
    repo.src.uri = "http://h.example/d";
    repo.original_uri = repo.src.uri;
    repo.src.suite = "s";
    repo.src.components = comps;
    repo.src.component_count = 2;
    assert_int_equal(copa__apt_release_parse(&repo.release, "t", release, strlen(release)), 0);
    repo.have_release = 1;
    assert_int_equal(copa__apt_packages_init(&repo.packages, "amd64"), 0);
    assert_int_equal(copa__apt_plan_indexes(&items, &n, &repo, "amd64", cache), 0);
    assert_int_equal(copa__apt_fetch_indexes(items, n, &opts), 0); /* both from the cache */
    assert_int_equal(repo.index_downloaded, 0);
    assert_int_equal(repo.packages.count, 3);
    assert_int_equal(repo.component_ends[0], 2);
    assert_int_equal(repo.component_ends[1], 3);
    c.repo = &repo;
    c.pkg = &repo.packages.items[2];
    copa__apt_prefs_file_of(&f, &c, site, sizeof(site));
    assert_string_equal(c.pkg->name, "c");
    assert_string_equal(f.component, "contrib");
    assert_string_equal(f.site, "h.example");
    copa__apt_indexes_free(items, n);
    copa__apt_packages_free(&repo.packages);
    copa__apt_release_free(&repo.release);
    free(repo.component_ends);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", cache);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_the_image_files_with_apts_name_rules),
        cmocka_unit_test(missing_files_are_no_preferences),
        cmocka_unit_test(file_name_rules),
        cmocka_unit_test(refused_records_name_file_and_line),
        cmocka_unit_test(ignored_records_and_priorities),
        cmocka_unit_test(package_tokens),
        cmocka_unit_test(expressions),
        cmocka_unit_test(release_conditions),
        cmocka_unit_test(defaults_and_files),
        cmocka_unit_test(versions_offered_twice_and_installed),
        cmocka_unit_test(loading_records_components),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
