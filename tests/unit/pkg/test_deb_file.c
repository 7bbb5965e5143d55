/*
 * The .deb reader against packages built here with dpkg-deb (every
 * compression, conffiles, a maintainer script, a symlink, a hardlink, a
 * setuid file, a file owned by a non-root user), compared with what
 * `dpkg-deb -c`, `-I` and `-f` say; and damaged packages made with
 * python3's tarfile and ar.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkg/deb_decode.h"
#include "pkg/deb_file.h"
#include "pkg/dpkg_write.h"
#include "test_support.h"

#include "pkg_test_helpers.h"

static const char control[] = "Package: demo\n"
                              "Version: 1.2-3\n"
                              "Architecture: all\n"
                              "Maintainer: Demo <demo@example.org>\n"
                              "Depends: libc6(>=2.34),  foo|bar:any (<< 2)\n"
                              "Description: a demo package\n"
                              " with a long description.\n";

/* Build DIR/demo.deb with compression `z`; returns the .deb path (static). */
static const char *build_deb(const char *dir, const char *z)
{
    static char deb[512];
    const char *chown_cmd = geteuid() == 0 ? "" : have_tool("fakeroot") ? "fakeroot " : NULL;
    char ctl[512];

    if (chown_cmd == NULL)
        skip();
    assert_int_equal(
        run_capture(NULL,
                    "set -e; cd '%s'; rm -rf t; mkdir -p t/DEBIAN t/etc/demo "
                    "t/usr/bin t/usr/share/demo; "
                    "printf '/etc/demo/demo.conf\\n' > t/DEBIAN/conffiles; "
                    "printf '#!/bin/sh\\nexit 0\\n' > t/DEBIAN/postinst; "
                    "chmod 0755 t/DEBIAN/postinst; "
                    "printf 'setting=1\\n' > t/etc/demo/demo.conf; "
                    "printf 'binary\\n' > t/usr/bin/demo; "
                    "ln -s demo t/usr/bin/demo-link; ln t/usr/bin/demo t/usr/bin/demo-hard; "
                    "printf 'data\\n' > t/usr/share/demo/owned",
                    dir),
        0);
    snprintf(ctl, sizeof(ctl), "%s/t/DEBIAN/control", dir);
    write_text(ctl, control, strlen(control));
    snprintf(deb, sizeof(deb), "%s/demo.deb", dir);
    assert_int_equal(run_capture(NULL,
                                 "cd '%s' && %ssh -c 'chown -R 0:0 t && chown daemon:daemon "
                                 "t/usr/share/demo/owned && chmod 4755 t/usr/bin/demo && dpkg-deb "
                                 "-Z%s --build t demo.deb' "
                                 ">/dev/null 2>&1",
                                 dir, chown_cmd, z),
                     0);
    return deb;
}

static void mode_string(char *out, const copa__deb_entry *e)
{
    static const char types[] = "-dlh-bp"; /* as tar -tv prints them */
    static const char *const rwx = "rwxrwxrwx";
    int i;
    out[0] = e->type == COPA__DEB_CHAR ? 'c' : types[e->type];
    for (i = 0; i < 9; i++)
        out[1 + i] = e->mode & (1u << (8 - i)) ? rwx[i] : '-';
    if (e->mode & 04000)
        out[3] = e->mode & 0100 ? 's' : 'S';
    if (e->mode & 02000)
        out[6] = e->mode & 010 ? 's' : 'S';
    if (e->mode & 01000)
        out[9] = e->mode & 01 ? 't' : 'T';
    out[10] = '\0';
}

/* Our listing in the shape of `dpkg-deb -c` normalized by the awk below. */
static char *our_listing(copa__deb *deb)
{
    copa__buf b = COPA__BUF_INIT;
    copa__deb_entry e;
    char mode[11];
    int rc;
    while ((rc = copa__deb_data_next(deb, &e)) == 1) {
        mode_string(mode, &e);
        assert_int_equal(copa__buf_appendf(&b, "%s %s/%s %lld %s", mode, e.uname, e.gname,
                                           (long long)e.size, e.path),
                         0);
        if (e.type == COPA__DEB_SYMLINK)
            assert_int_equal(copa__buf_appendf(&b, " -> %s", e.link), 0);
        if (e.type == COPA__DEB_HARDLINK)
            assert_int_equal(copa__buf_appendf(&b, " link to %s", e.link), 0);
        assert_int_equal(copa__buf_append(&b, "\n", 1), 0);
    }
    assert_int_equal(rc, 0);
    return copa__buf_detach(&b);
}

static const char listing_awk[] =
    "awk '{ p=$6; for (i=7; i<=NF; i++) p=p\" \"$i; sub(/^\\.\\//, \"\", p); "
    "sub(/\\/$/, \"\", p); gsub(/ link to \\.\\//, \" link to \", p); "
    "if (p != \"\") print $1, $2, $3, p }'";

/* A temporary file, already unlinked. */
static int temp_fd(void)
{
    char name[] = "/tmp/copa-deb-decode.XXXXXX";
    int fd = mkstemp(name);
    assert_true(fd >= 0);
    unlink(name);
    return fd;
}

/* Decode `path` through copa__deb_decode_data; its listing must be `want`. */
static int check_decoded(const char *path, const char *want)
{
    int fd = temp_fd();
    copa__deb *deb = NULL;
    char *got;

    assert_int_equal(copa__deb_decode_data(path, fd), 0);
    assert_true(lseek(fd, 0, SEEK_END) > 0);
    assert_int_equal(copa__deb_open_decoded(&deb, path, fd), 0);
    assert_string_equal(copa__deb_control_member(deb, "conffiles")->data, "/etc/demo/demo.conf\n");
    got = our_listing(deb);
    assert_string_equal(got, want);
    free(got);
    copa__deb_free(deb);
    close(fd);
    return 0;
}

static void check_package(const char *z)
{
    char *dir = make_temp_dir(), *want, *got, *info;
    const char *path = build_deb(dir, z);
    const copa__deb_member *m, *all;
    copa__buf stanza = COPA__BUF_INIT, ours = COPA__BUF_INIT;
    copa__deb *deb = NULL;
    copa__deb_entry e;
    size_t count, i, n;
    char buf[64];
    int rc;

    assert_int_equal(copa__deb_open(&deb, path), 0);
    m = copa__deb_control_member(deb, "control");
    assert_non_null(m);
    assert_int_equal(m->len, strlen(control));
    assert_memory_equal(m->data, control, m->len);
    assert_string_equal(copa__deb_control_member(deb, "conffiles")->data, "/etc/demo/demo.conf\n");
    m = copa__deb_control_member(deb, "postinst");
    assert_string_equal(m->data, "#!/bin/sh\nexit 0\n");
    assert_int_equal(m->mode, 0755);
    /* dpkg-deb -I: the same control members with the same sizes */
    all = copa__deb_control_members(deb, &count);
    for (i = 0; i < count; i++)
        assert_int_equal(copa__buf_appendf(&ours, "%zu %s\n", all[i].len, all[i].name), 0);
    assert_int_equal(run_capture(&info,
                                 "dpkg-deb -I '%s' | awk '/ bytes, / { n=$5; if (n == \"*\") "
                                 "n=$6; print $1, n }' | sort -k2",
                                 path),
                     0);
    assert_int_equal(run_capture(&want, "printf '%s' | sort -k2", ours.data), 0);
    assert_string_equal(info, want);
    free(info);
    free(want);
    /* dpkg-deb -f: the fields as dpkg formats them, which our stanza matches */
    assert_int_equal(
        copa__dpkg_stanza_build(&stanza, control, strlen(control), "install ok installed", NULL, 0),
        0);
    assert_int_equal(run_capture(&want, "dpkg-deb -f '%s' Package Version Depends", path), 0);
    assert_non_null(strstr(stanza.data, "Depends: libc6 (>= 2.34), foo | bar:any (<< 2)\n"));
    assert_non_null(strstr(want, "Depends: libc6 (>= 2.34), foo | bar:any (<< 2)\n"));
    free(want);
    /* dpkg-deb -c: every entry with type, mode, owner, size, path and link */
    got = our_listing(deb);
    assert_int_equal(run_capture(&want, "dpkg-deb -c '%s' | %s", path, listing_awk), 0);
    assert_string_equal(got, want);
    assert_non_null(strstr(got, "-rwsr-xr-x root/root 7 usr/bin/"));
    assert_non_null(strstr(got, "daemon/daemon 5 usr/share/demo/owned\n"));
    assert_non_null(strstr(got, "usr/bin/demo-link -> demo\n"));
    assert_int_equal(copa__deb_data_next(deb, &e), 0); /* stays at the end */
    /* The decoders are gone after the end; the control members stay. */
    assert_int_equal(copa__deb_data_read(deb, buf, sizeof(buf), &n), 0);
    assert_int_equal(n, 0);
    assert_string_equal(copa__deb_control_member(deb, "postinst")->data, "#!/bin/sh\nexit 0\n");
    copa__deb_free(deb);
    /* Decoded ahead into a plain tar file: the same entries and members. */
    assert_int_equal(check_decoded(path, got), 0);
    free(got);
    free(want);
    /* content of a file through the streaming reader */
    assert_int_equal(copa__deb_open(&deb, path), 0);
    while ((rc = copa__deb_data_next(deb, &e)) == 1 && strcmp(e.path, "etc/demo/demo.conf") != 0)
        ;
    assert_int_equal(rc, 1);
    assert_int_equal(e.uid, 0);
    assert_true(e.mtime > 0);
    assert_int_equal(copa__deb_data_read(deb, buf, sizeof(buf), &n), 0);
    assert_int_equal(n, 10);
    assert_memory_equal(buf, "setting=1\n", 10);
    assert_int_equal(copa__deb_data_read(deb, buf, sizeof(buf), &n), 0);
    assert_int_equal(n, 0);
    copa__deb_free(deb);
    copa__buf_free(&stanza);
    copa__buf_free(&ours);
    rm_rf(dir);
}

static void gzip_package(void **state)
{
    (void)state;
    check_package("gzip");
}

static void xz_package(void **state)
{
    (void)state;
    check_package("xz");
}

static void zstd_package(void **state)
{
    (void)state;
    check_package("zstd");
}

static void uncompressed_package(void **state)
{
    (void)state;
    check_package("none");
}

static void expect_error_via(const char *path, const char *want, int decoded)
{
    copa__deb *deb = NULL;
    copa__deb_entry e;
    int fd = decoded ? temp_fd() : -1;
    int rc = decoded ? copa__deb_decode_data(path, fd) : 0;

    if (rc == 0)
        rc = decoded ? copa__deb_open_decoded(&deb, path, fd) : copa__deb_open(&deb, path);
    if (rc == 0)
        while ((rc = copa__deb_data_next(deb, &e)) == 1)
            ;
    copa__deb_free(deb);
    if (fd >= 0)
        close(fd);
    assert_int_equal(rc, COPA_EINVALID);
    print_message("%s\n", copa_error_last());
    if (strstr(copa_error_last(), want) == NULL)
        fail_msg("'%s' lacks '%s'", copa_error_last(), want);
    assert_non_null(strstr(copa_error_last(), path));
}

/* The same error whether the package is read directly or decoded ahead. */
static void expect_error(const char *path, const char *want)
{
    expect_error_via(path, want, 0);
    expect_error_via(path, want, 1);
}

/* An ar package made by hand with python3 tarfile: the data.tar entry `name`. */
static void craft(const char *dir, const char *version, const char *name)
{
    assert_int_equal(
        run_capture(NULL,
                    "set -e; cd '%s'; rm -rf craft; mkdir craft; cd craft; "
                    "printf '%s' > debian-binary; "
                    "python3 -c '\n"
                    "import io, tarfile\n"
                    "def tar(path, members):\n"
                    "    with tarfile.open(path, \"w:gz\") as t:\n"
                    "        for n, d in members:\n"
                    "            i = tarfile.TarInfo(n); i.size = len(d); "
                    "t.addfile(i, io.BytesIO(d))\n"
                    "tar(\"control.tar.gz\", [(\"./control\", b\"Package: x\\\\nVersion: 1\\\\n"
                    "Architecture: all\\\\n\")])\n"
                    "tar(\"data.tar.gz\", [(\"./usr/ok\", b\"ok\"), (\"%s\", b\"evil\")])\n"
                    "'; ar rc ../crafted.deb debian-binary control.tar.gz data.tar.gz",
                    dir, version, name),
        0);
}

static void malformed_packages(void **state)
{
    char *dir = make_temp_dir(), path[512], half[512], *bytes;
    size_t len;
    (void)state;

    if (!have_tool("ar") || !have_tool("python3"))
        skip();
    snprintf(path, sizeof(path), "%s/crafted.deb", dir);
    craft(dir, "2.0\\n", "./../etc/evil");
    expect_error(path, "'./../etc/evil' is absolute or contains '..'");
    remove(path);
    craft(dir, "2.0\\n", "/etc/evil");
    expect_error(path, "'/etc/evil' is absolute");
    remove(path);
    craft(dir, "3.0\\n", "./usr/fine");
    expect_error(path, "debian-binary says '3.0', expected");
    remove(path);
    /* truncated: half of a real package */
    bytes = test_read_file(build_deb(dir, "gzip"), &len);
    snprintf(half, sizeof(half), "%s/half.deb", dir);
    write_text(half, bytes, len * 2 / 3);
    free(bytes);
    expect_error(half, "");
    write_text(half, "not an archive at all\n", 22);
    expect_error(half, "not a Debian package");
    rm_rf(dir);
}

static void missing_file_is_not_found(void **state)
{
    copa__deb *deb;
    (void)state;
    assert_int_equal(copa__deb_open(&deb, "/nonexistent/x.deb"), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "/nonexistent/x.deb"));
}

static void path_normalization(void **state)
{
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"./usr/bin/x", "usr/bin/x"}, {"./", ""},      {".", ""}, {"usr//lib/./x/", "usr/lib/x"},
        {"./a/.../b", "a/.../b"},     {"a..b", "a..b"}};
    static const char *const bad[] = {"/etc/x", "../x", "./a/../../b", "a/..", "//x"};
    char dst[64];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(copa__deb_path_normalize(dst, ok[i].in), 0);
        assert_string_equal(dst, ok[i].out);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(copa__deb_path_normalize(dst, bad[i]), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gzip_package),       cmocka_unit_test(xz_package),
        cmocka_unit_test(zstd_package),       cmocka_unit_test(uncompressed_package),
        cmocka_unit_test(malformed_packages), cmocka_unit_test(missing_file_is_not_found),
        cmocka_unit_test(path_normalization),
    };
    if (!have_tool("dpkg-deb")) {
        fprintf(stderr, "dpkg-deb not found: skipping\n");
        return 77;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
