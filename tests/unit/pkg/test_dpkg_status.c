/*
 * The dpkg status model: parsing real and fixture status files, byte-exact
 * round trips, updates checked with dpkg-query (dpkg's own parser), the
 * distroless status.d layout, the database view (native and foreign
 * architectures, holds, packages that are not installed) and errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkg/dpkg_db.h"
#include "pkg/dpkg_status.h"
#include "pkg/dpkg_write.h"
#include "test_support.h"
#include "util/file.h"

#include "pkg_test_helpers.h"

static copa__dpkg_status *parse_file(const char *path, char **text, size_t *len)
{
    copa__dpkg_status *st = NULL;
    *text = test_read_file(path, len);
    assert_int_equal(copa__dpkg_status_parse(&st, path, *text, *len, 0), 0);
    return st;
}

static void round_trip(const char *path)
{
    copa__buf out = COPA__BUF_INIT;
    copa__dpkg_status *st;
    char *text;
    size_t len;

    st = parse_file(path, &text, &len);
    assert_int_equal(copa__dpkg_status_write(&out, st, "amd64", NULL, 0), 0);
    assert_int_equal(out.length, len);
    assert_memory_equal(out.data, text, len);
    copa__buf_free(&out);
    copa__dpkg_status_free(st);
    free(text);
}

static void host_status_round_trips_byte_for_byte(void **state)
{
    char *text, *listed;
    size_t len, lines = 0, i;
    copa__dpkg_status *st;
    (void)state;

    if (access("/var/lib/dpkg/status", R_OK) != 0)
        skip();
    round_trip("/var/lib/dpkg/status");
    if (access("/var/lib/dpkg/status-old", R_OK) == 0)
        round_trip("/var/lib/dpkg/status-old");
    /* the same packages as dpkg-query lists, stanza for stanza */
    st = parse_file("/var/lib/dpkg/status", &text, &len);
    assert_int_equal(run_capture(&listed, "dpkg-query --admindir /var/lib/dpkg -W -f '.\\n'"), 0);
    for (i = 0; listed[i] != '\0'; i++)
        lines += listed[i] == '\n';
    assert_int_equal(st->count, lines);
    free(listed);
    copa__dpkg_status_free(st);
    free(text);
}

static void fixture_parses_every_field(void **state)
{
    char *text;
    size_t len;
    copa__dpkg_status *st = parse_file(test_fixture_path("dpkg/status"), &text, &len);
    const copa__dpkg_pkg *p;
    (void)state;

    round_trip(test_fixture_path("dpkg/status"));
    assert_int_equal(st->count, 9);
    p = &st->pkgs[0];
    assert_string_equal(p->name, "adduser");
    assert_string_equal(p->arch, "all");
    assert_string_equal(p->multi_arch, "foreign");
    assert_int_equal(p->conffile_count, 2);
    assert_string_equal(p->conffiles[0].path, "/etc/adduser.conf");
    assert_string_equal(p->conffiles[0].md5, "cc3493ecd2d09837ffdcc3e25fdfff18");
    assert_int_equal(p->conffiles[0].flags, 0);
    assert_int_equal(p->conffiles[1].flags, COPA__CONFFILE_OBSOLETE);
    assert_true(copa__dpkg_pkg_is_installed(p));
    p = &st->pkgs[1];
    assert_string_equal(p->name, "curl");
    assert_int_equal(p->want, COPA__DPKG_WANT_HOLD);
    assert_true(copa__dpkg_pkg_is_installed(p));
    assert_string_equal(p->depends,
                        "libc6 (>= 2.34), libcurl4 (= 7.88.1-10+deb12u5), zlib1g (>= 1:1.1.4)");
    p = &st->pkgs[2];
    assert_true(p->essential);
    assert_non_null(p->pre_depends);
    assert_string_equal(p->replaces, "manpages-it (<< 2.80-4)");
    p = &st->pkgs[5];
    assert_string_equal(p->name, "libssl3");
    assert_string_equal(p->source, "openssl");
    assert_string_equal(p->source_version, "3.0.11-1~deb12u2");
    assert_string_equal(p->version, "3.0.11-1~deb12u2+b1");
    p = &st->pkgs[3];
    assert_string_equal(p->source, "glibc");
    assert_string_equal(p->source_version, "2.36-9+deb12u4");
    p = &st->pkgs[6];
    assert_int_equal(p->want, COPA__DPKG_WANT_DEINSTALL);
    assert_int_equal(p->state, COPA__DPKG_CONFIG_FILES);
    assert_false(copa__dpkg_pkg_is_installed(p));
    p = &st->pkgs[7];
    assert_int_equal(p->flag, COPA__DPKG_FLAG_REINSTREQ);
    assert_int_equal(p->state, COPA__DPKG_HALF_INSTALLED);
    p = &st->pkgs[8];
    assert_string_equal(p->provides, "libz1");
    assert_string_equal(p->conflicts, "zlib1 (<= 1:1.0.4-7)");
    assert_null(copa__dpkg_pkg_field(p, "homepage", NULL));
    assert_non_null(copa__dpkg_pkg_field(&st->pkgs[1], "homepage", NULL));
    copa__dpkg_status_free(st);
    free(text);
}

/* Run dpkg-query over a status file and return its listing. */
static char *dpkg_query(const char *status_text, size_t len)
{
    char *dir = make_temp_dir(), path[512], *out;
    snprintf(path, sizeof(path), "%s/status", dir);
    write_text(path, status_text, len);
    assert_int_equal(run_capture(&out,
                                 "dpkg-query --admindir '%s' -W -f "
                                 "'${Package}:${Architecture} ${Version} ${Status}\\n' 2>&1",
                                 dir),
                     0);
    rm_rf(dir);
    return out;
}

static const char new_curl_control[] =
    "Package: curl\n"
    "Version: 7.88.1-10+deb12u8\n"
    "Architecture: amd64\n"
    "Maintainer: Alessandro Ghedini <ghedini@debian.org>\n"
    "Installed-Size: 510\n"
    "Depends: libc6 (>= 2.34),libcurl4 (= 7.88.1-10+deb12u8),  zlib1g (>= 1:1.1.4)\n"
    "Section: web\n"
    "Priority: optional\n"
    "Multi-Arch: foreign\n"
    "Homepage: https://curl.se/\n"
    "Description: command line tool for transferring data with URL syntax\n"
    " curl is a command line tool.\n";

static const char new_pkg_control[] = "Package: libbrotli1\n"
                                      "Version: 1.0.9-2+b6\n"
                                      "Architecture: amd64\n"
                                      "Maintainer: Tomasz Buchert <tomasz@debian.org>\n"
                                      "Multi-Arch: same\n"
                                      "Source: brotli (1.0.9-2)\n"
                                      "Depends: libc6 (>= 2.29)\n"
                                      "Description: library implementing brotli\n";

static void updated_and_added_stanzas_parse_with_dpkg_query(void **state)
{
    copa__buf curl = COPA__BUF_INIT, brotli = COPA__BUF_INIT, out = COPA__BUF_INIT;
    copa__dpkg_stanza_update up[3];
    copa__dpkg_status *st, *again;
    char *text, *listed;
    size_t len;
    (void)state;

    if (!have_tool("dpkg-query"))
        skip();
    st = parse_file(test_fixture_path("dpkg/status"), &text, &len);
    assert_int_equal(copa__dpkg_stanza_build(&curl, new_curl_control, strlen(new_curl_control),
                                             "hold ok installed", NULL, 0),
                     0);
    assert_string_equal(curl.data,
                        "Package: curl\n"
                        "Status: hold ok installed\n"
                        "Priority: optional\n"
                        "Section: web\n"
                        "Installed-Size: 510\n"
                        "Maintainer: Alessandro Ghedini <ghedini@debian.org>\n"
                        "Architecture: amd64\n"
                        "Multi-Arch: foreign\n"
                        "Version: 7.88.1-10+deb12u8\n"
                        "Depends: libc6 (>= 2.34), libcurl4 (= 7.88.1-10+deb12u8), zlib1g (>= "
                        "1:1.1.4)\n"
                        "Description: command line tool for transferring data with URL syntax\n"
                        " curl is a command line tool.\n"
                        "Homepage: https://curl.se/\n");
    assert_int_equal(copa__dpkg_stanza_build(&brotli, new_pkg_control, strlen(new_pkg_control),
                                             "install ok installed", NULL, 0),
                     0);
    up[0] = (copa__dpkg_stanza_update){"curl", "amd64", curl.data, curl.length};
    up[1] = (copa__dpkg_stanza_update){"libbrotli1", "amd64", brotli.data, brotli.length};
    up[2] = (copa__dpkg_stanza_update){"partial", "amd64", NULL, 0};
    assert_int_equal(copa__dpkg_status_write(&out, st, "amd64", up, 3), 0);
    listed = dpkg_query(out.data, out.length);
    assert_string_equal(listed, "adduser:all 3.134 install ok installed\n"
                                "curl:amd64 7.88.1-10+deb12u8 hold ok installed\n"
                                "dpkg:amd64 1.21.22 install ok installed\n"
                                "libbrotli1:amd64 1.0.9-2+b6 install ok installed\n"
                                "libc6:amd64 2.36-9+deb12u4 install ok installed\n"
                                "libc6:i386 2.36-9+deb12u4 install ok installed\n"
                                "libssl3:amd64 3.0.11-1~deb12u2+b1 install ok installed\n"
                                "oldpkg:amd64 1.0-1 deinstall ok config-files\n"
                                "zlib1g:amd64 1:1.2.13.dfsg-1 install ok installed\n");
    free(listed);
    /* every other stanza is still there byte for byte, in file order */
    assert_int_equal(copa__dpkg_status_parse(&again, "again", out.data, out.length, 0), 0);
    assert_int_equal(again->count, 9);
    assert_string_equal(again->pkgs[3].name, "libbrotli1"); /* sorted in, after dpkg */
    assert_memory_equal(again->text + again->pkgs[0].offset, text + st->pkgs[0].offset,
                        st->pkgs[0].raw_len);
    assert_memory_equal(again->text + again->pkgs[8].offset, text + st->pkgs[8].offset,
                        st->pkgs[8].raw_len);
    assert_memory_equal(out.data + out.length - 2, "\n\n", 2);
    copa__dpkg_status_free(again);
    copa__buf_free(&out);
    copa__buf_free(&curl);
    copa__buf_free(&brotli);
    copa__dpkg_status_free(st);
    free(text);
}

static void host_status_with_a_replaced_stanza(void **state)
{
    copa__buf stanza = COPA__BUF_INIT, out = COPA__BUF_INIT, ctl = COPA__BUF_INIT;
    copa__dpkg_stanza_update up;
    copa__dpkg_status *st;
    const copa__dpkg_pkg *p;
    char *text, *listed, *want;
    size_t len, i;
    (void)state;

    if (access("/var/lib/dpkg/status", R_OK) != 0 || !have_tool("dpkg-query"))
        skip();
    st = parse_file("/var/lib/dpkg/status", &text, &len);
    p = &st->pkgs[st->count / 2];
    /* the package's own stanza as a control file, with a newer version */
    for (i = 0; i < p->field_count; i++) {
        const copa__deb822_field *f = &p->fields[i];
        if (copa__deb822_is(f, "Status") || copa__deb822_is(f, "Conffiles"))
            continue;
        if (copa__deb822_is(f, "Version"))
            assert_int_equal(copa__buf_appendf(&ctl, "Version: %s+copa1\n", p->version), 0);
        else
            assert_int_equal(copa__buf_appendf(&ctl, "%.*s: %.*s\n", (int)f->name_len, f->name,
                                               (int)f->value_len, f->value),
                             0);
    }
    assert_int_equal(copa__dpkg_stanza_build(&stanza, ctl.data, ctl.length, "install ok installed",
                                             p->conffiles, p->conffile_count),
                     0);
    up = (copa__dpkg_stanza_update){p->name, p->arch, stanza.data, stanza.length};
    assert_int_equal(copa__dpkg_status_write(&out, st, NULL, &up, 1), 0);
    listed = dpkg_query(out.data, out.length);
    assert_int_equal(run_capture(&want,
                                 "dpkg-query --admindir /var/lib/dpkg -W -f "
                                 "'${Package}:${Architecture} ${Version} ${Status}\\n' | "
                                 "sed 's/^\\(%s:%s %s\\) /\\1+copa1 /'",
                                 p->name, p->arch, p->version),
                     0);
    assert_string_equal(listed, want);
    /* a status stanza dpkg wrote comes back identical when rebuilt unchanged */
    copa__buf_clear(&stanza);
    copa__buf_clear(&ctl);
    for (i = 0; i < p->field_count; i++)
        if (!copa__deb822_is(&p->fields[i], "Status") &&
            !copa__deb822_is(&p->fields[i], "Conffiles"))
            assert_int_equal(copa__buf_appendf(&ctl, "%.*s: %.*s\n", (int)p->fields[i].name_len,
                                               p->fields[i].name, (int)p->fields[i].value_len,
                                               p->fields[i].value),
                             0);
    assert_int_equal(copa__dpkg_stanza_build(&stanza, ctl.data, ctl.length, "install ok installed",
                                             p->conffiles, p->conffile_count),
                     0);
    assert_int_equal(stanza.length, p->raw_len);
    assert_memory_equal(stanza.data, text + p->offset, p->raw_len);
    free(want);
    free(listed);
    copa__buf_free(&ctl);
    copa__buf_free(&out);
    copa__buf_free(&stanza);
    copa__dpkg_status_free(st);
    free(text);
}

static void every_host_stanza_rebuilds_identically(void **state)
{
    copa__buf stanza = COPA__BUF_INIT, ctl = COPA__BUF_INIT;
    copa__dpkg_status *st;
    char *text;
    size_t len, i, j, same = 0, installed = 0;
    (void)state;

    if (access("/var/lib/dpkg/status", R_OK) != 0)
        skip();
    st = parse_file("/var/lib/dpkg/status", &text, &len);
    for (i = 0; i < st->count; i++) {
        const copa__dpkg_pkg *p = &st->pkgs[i];
        if (!copa__dpkg_pkg_is_installed(p))
            continue;
        installed++;
        copa__buf_clear(&stanza);
        copa__buf_clear(&ctl);
        for (j = 0; j < p->field_count; j++)
            if (!copa__deb822_is(&p->fields[j], "Status") &&
                !copa__deb822_is(&p->fields[j], "Conffiles"))
                assert_int_equal(copa__buf_appendf(&ctl, "%.*s: %.*s\n", (int)p->fields[j].name_len,
                                                   p->fields[j].name, (int)p->fields[j].value_len,
                                                   p->fields[j].value),
                                 0);
        assert_int_equal(copa__dpkg_stanza_build(&stanza, ctl.data, ctl.length,
                                                 copa__dpkg_pkg_field(p, "Status", NULL) != NULL &&
                                                         p->want == COPA__DPKG_WANT_HOLD
                                                     ? "hold ok installed"
                                                     : "install ok installed",
                                                 p->conffiles, p->conffile_count),
                         0);
        if (stanza.length == p->raw_len && memcmp(stanza.data, text + p->offset, p->raw_len) == 0)
            same++;
        else
            print_message("differs: %s\n", p->name);
    }
    assert_true(installed > 0);
    assert_int_equal(same, installed);
    copa__buf_free(&ctl);
    copa__buf_free(&stanza);
    copa__dpkg_status_free(st);
    free(text);
}

static void db_from_fixture(copa__dpkg_db **db, const char *config_arch, const char *status_src)
{
    char *dir = make_temp_dir(), path[512];
    copa__image_files files;
    char *text;
    size_t len;
    snprintf(path, sizeof(path), "%s/var/lib/dpkg", dir);
    assert_int_equal(run_capture(NULL, "mkdir -p '%s'", path), 0);
    text = test_read_file(status_src, &len);
    snprintf(path, sizeof(path), "%s/var/lib/dpkg/status", dir);
    write_text(path, text, len);
    free(text);
    snprintf(path, sizeof(path), "%s/var/lib/dpkg/arch", dir);
    write_text(path, "amd64\ni386\n", 11);
    assert_int_equal(copa__image_files_dir_open(&files, dir), 0);
    assert_int_equal(copa__dpkg_db_load(db, &files, config_arch), 0);
    copa__image_files_dir_close(&files);
    rm_rf(dir);
}

static void database_view(void **state)
{
    const copa__dpkg_entry *held[4], *e;
    copa__dpkg_db *db;
    char *info;
    (void)state;

    db_from_fixture(&db, "amd64", test_fixture_path("dpkg/status"));
    assert_string_equal(db->native_arch, "amd64");
    assert_int_equal(db->foreign_arch_count, 1);
    assert_string_equal(db->foreign_archs[0], "i386");
    assert_int_equal(db->installed_count, 7);
    assert_int_equal(db->other_count, 2);
    assert_string_equal(db->others[0].id, "oldpkg");
    assert_string_equal(db->others[1].id, "partial");
    assert_string_equal(db->installed[3].id, "libc6");
    assert_string_equal(db->installed[4].id, "libc6:i386");
    e = copa__dpkg_db_find(db, "libc6:i386");
    assert_non_null(e);
    assert_true(e->foreign);
    assert_string_equal(copa__dpkg_db_find(db, "libc6")->pkg->arch, "amd64");
    assert_string_equal(copa__dpkg_db_find(db, "libc6:amd64")->pkg->arch, "amd64");
    assert_non_null(copa__dpkg_db_find(db, "adduser"));
    assert_null(copa__dpkg_db_find(db, "oldpkg"));
    assert_int_equal(copa__dpkg_db_held(db, held, 4), 1);
    assert_string_equal(held[0]->id, "curl");
    info = copa__dpkg_info_path(db, e, "list");
    assert_string_equal(info, "/var/lib/dpkg/info/libc6:i386.list");
    free(info);
    info = copa__dpkg_info_path(db, copa__dpkg_db_find(db, "curl"), "md5sums");
    assert_string_equal(info, "/var/lib/dpkg/info/curl.md5sums");
    free(info);
    copa__dpkg_db_free(db);
}

static void config_arch_contradicting_dpkg_is_an_error(void **state)
{
    char *dir = make_temp_dir(), path[512];
    copa__image_files files;
    copa__dpkg_db *db;
    char *text;
    size_t len;
    (void)state;

    snprintf(path, sizeof(path), "%s/var/lib/dpkg", dir);
    assert_int_equal(run_capture(NULL, "mkdir -p '%s'", path), 0);
    text = test_read_file(test_fixture_path("dpkg/status"), &len);
    snprintf(path, sizeof(path), "%s/var/lib/dpkg/status", dir);
    write_text(path, text, len);
    free(text);
    assert_int_equal(copa__image_files_dir_open(&files, dir), 0);
    assert_int_equal(copa__dpkg_db_load(&db, &files, "arm64"), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "arm64"));
    assert_non_null(strstr(copa_error_last(), "amd64"));
    copa__image_files_dir_close(&files);
    rm_rf(dir);
    assert_string_equal(copa__dpkg_arch_from_oci("arm", "v7"), "armhf");
    assert_string_equal(copa__dpkg_arch_from_oci("arm", "v6"), "armel");
    assert_string_equal(copa__dpkg_arch_from_oci("386", NULL), "i386");
    assert_string_equal(copa__dpkg_arch_from_oci("ppc64le", NULL), "ppc64el");
    assert_null(copa__dpkg_arch_from_oci("wasm", NULL));
}

static void distroless_status_d(void **state)
{
    copa__buf assembled = COPA__BUF_INIT;
    copa__image_files files;
    copa__dpkg_md5sums sums;
    copa__arena arena;
    copa__dpkg_db *db;
    const copa__dpkg_entry *e;
    char *listed, *path, *sums_path;
    size_t i;
    (void)state;

    assert_int_equal(copa__image_files_dir_open(&files, test_fixture_path("dpkg/distroless")), 0);
    assert_int_equal(copa__dpkg_db_load(&db, &files, "amd64"), 0);
    assert_null(db->status);
    assert_int_equal(db->status_d_count, 3); /* libc6.md5sums is not a stanza file */
    assert_int_equal(db->installed_count, 3);
    assert_string_equal(db->native_arch, "amd64");
    e = copa__dpkg_db_find(db, "libc6");
    assert_non_null(e);
    assert_true(e->distroless);
    path = copa__dpkg_info_path(db, e, "md5sums");
    assert_string_equal(path, "/var/lib/dpkg/status.d/libc6.md5sums");
    free(path);
    copa__arena_init(&arena);
    assert_int_equal(copa__dpkg_db_read_md5sums(&sums, &arena, db, e, &files), 0);
    assert_int_equal(sums.count, 2);
    assert_string_equal(copa__dpkg_md5sums_find(&sums, "/lib/x86_64-linux-gnu/libc.so.6"),
                        "0123456789abcdef0123456789abcdef");
    copa__arena_free(&arena);
    copa__image_files_dir_close(&files);
    /* the stanzas assembled into one status file parse with dpkg's parser */
    for (i = 0; i < db->installed_count; i++) {
        const copa__dpkg_pkg *p = db->installed[i].pkg;
        if (copa__dpkg_pkg_field(p, "Status", NULL) == NULL)
            assert_int_equal(copa__buf_appendf(&assembled,
                                               "Package: %s\nStatus: install ok "
                                               "installed\n%s",
                                               p->name,
                                               db->installed[i].file->text + p->offset +
                                                   strlen("Package: ") + strlen(p->name) + 1),
                             0);
        else
            assert_int_equal(
                copa__buf_append(&assembled, db->installed[i].file->text + p->offset, p->raw_len),
                0);
        assert_int_equal(copa__buf_append(&assembled, "\n", 1), 0);
    }
    if (have_tool("dpkg-query")) {
        listed = dpkg_query(assembled.data, assembled.length);
        assert_string_equal(listed, "base-files:amd64 12.4+deb12u5 install ok installed\n"
                                    "libc6:amd64 2.36-9+deb12u4 install ok installed\n"
                                    "libssl3:amd64 3.0.11-1~deb12u2 install ok installed\n");
        free(listed);
    }
    copa__buf_free(&assembled);
    /* where updated and new packages go */
    assert_int_equal(copa__dpkg_status_d_paths(&path, &sums_path, db, "libc6", "amd64"), 0);
    assert_string_equal(path, "/var/lib/dpkg/status.d/libc6");
    assert_string_equal(sums_path, "/var/lib/dpkg/status.d/libc6.md5sums");
    free(path);
    free(sums_path);
    assert_int_equal(copa__dpkg_status_d_paths(&path, &sums_path, db, "libc6", "i386"), 0);
    assert_string_equal(path, "/var/lib/dpkg/status.d/libc6:i386");
    free(path);
    free(sums_path);
    assert_int_equal(copa__dpkg_status_d_paths(&path, &sums_path, db, "zlib1g", "amd64"), 0);
    assert_string_equal(path, "/var/lib/dpkg/status.d/zlib1g");
    assert_string_equal(sums_path, "/var/lib/dpkg/status.d/zlib1g.md5sums");
    free(path);
    free(sums_path);
    copa__dpkg_db_free(db);
}

static void bad_input_names_file_and_line(void **state)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"Package: a\nStatus: install ok\n", "st:2: package a: Status 'install ok'"},
        {"Package: a\nStatus: install bogus installed\n", "st:2"},
        {"Version: 1\n\n", "st:1: stanza without a Package field"},
        {"Package: a\nStatus: install ok installed\nConffiles:\n /etc/x\n", "Conffiles line"},
        {"Package: a\nStatus: install ok installed\nConffiles:\n /etc/x abc weird\n",
         "unknown Conffiles flag 'weird'"},
        {"Package: a\nPackage: b\n", "duplicate field"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        copa__dpkg_status *st = NULL;
        assert_int_equal(
            copa__dpkg_status_parse(&st, "st", cases[i].text, strlen(cases[i].text), 0),
            COPA_EINVALID);
        assert_null(st);
        if (strstr(copa_error_last(), cases[i].want) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, copa_error_last(), cases[i].want);
    }
}

static void writer_edge_cases(void **state)
{
    static const char a[] = "Package: a\nStatus: install ok installed\nVersion: 1\n";
    static const char b[] = "Package: b\nStatus: install ok installed\nVersion: 1\n";
    copa__dpkg_stanza_update up[2] = {{"b", "", b, sizeof(b) - 1}, {"a", "", a, sizeof(a) - 1}};
    copa__buf out = COPA__BUF_INIT;
    copa__dpkg_status *st;
    const char *three = "Package: a\nVersion: 1\n\nPackage: b\nVersion: 1\n\n\nPackage: c\n"
                        "Version: 1\n";
    (void)state;

    /* an empty database gets new stanzas sorted, each ending in a blank line */
    assert_int_equal(copa__dpkg_status_parse(&st, "empty", " \t\n", 3, 0), 0);
    assert_int_equal(copa__dpkg_status_write(&out, st, "amd64", NULL, 0), 0);
    assert_string_equal(out.data, " \t\n");
    copa__buf_clear(&out);
    assert_int_equal(copa__dpkg_status_write(&out, st, "amd64", up, 2), 0);
    assert_string_equal(out.data, "Package: a\nStatus: install ok installed\nVersion: 1\n\n"
                                  "Package: b\nStatus: install ok installed\nVersion: 1\n\n");
    copa__dpkg_status_free(st);
    /* removing the middle and the last stanza keeps the other separators */
    assert_int_equal(copa__dpkg_status_parse(&st, "three", three, strlen(three), 0), 0);
    up[0] = (copa__dpkg_stanza_update){"b", "", NULL, 0};
    copa__buf_clear(&out);
    assert_int_equal(copa__dpkg_status_write(&out, st, "amd64", up, 1), 0);
    assert_string_equal(out.data, "Package: a\nVersion: 1\n\nPackage: c\nVersion: 1\n");
    up[0] = (copa__dpkg_stanza_update){"c", NULL, NULL, 0};
    copa__buf_clear(&out);
    assert_int_equal(copa__dpkg_status_write(&out, st, "amd64", up, 1), 0);
    assert_string_equal(out.data, "Package: a\nVersion: 1\n\nPackage: b\nVersion: 1\n");
    copa__dpkg_status_free(st);
    copa__buf_free(&out);
}

static void no_database_is_not_found(void **state)
{
    char *dir = make_temp_dir();
    copa__image_files files;
    copa__dpkg_db *db;
    (void)state;
    assert_int_equal(copa__image_files_dir_open(&files, dir), 0);
    assert_int_equal(copa__dpkg_db_load(&db, &files, NULL), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "status.d"));
    copa__image_files_dir_close(&files);
    rm_rf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_status_round_trips_byte_for_byte),
        cmocka_unit_test(fixture_parses_every_field),
        cmocka_unit_test(updated_and_added_stanzas_parse_with_dpkg_query),
        cmocka_unit_test(host_status_with_a_replaced_stanza),
        cmocka_unit_test(every_host_stanza_rebuilds_identically),
        cmocka_unit_test(database_view),
        cmocka_unit_test(config_arch_contradicting_dpkg_is_an_error),
        cmocka_unit_test(distroless_status_d),
        cmocka_unit_test(bad_input_names_file_and_line),
        cmocka_unit_test(writer_edge_cases),
        cmocka_unit_test(no_database_is_not_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
