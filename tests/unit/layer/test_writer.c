/*
 * The layer writer: determinism (order, wall clock), digests checked with
 * sha256sum and zcat, listings checked with GNU tar, xattrs with python's
 * tarfile, the gzip header bytes, zstd and plain output, and refusals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>

#include "layer_helpers.h"

static copa__layer_wentry entry(const char *path, copa__entry_type type, unsigned int mode)
{
    copa__layer_wentry e;

    memset(&e, 0, sizeof(e));
    e.path = path;
    e.type = type;
    e.mode = mode;
    e.mtime = COPA__MTIME_EPOCH;
    return e;
}

typedef struct chunks {
    const char *text;
    size_t pos;
} chunks;

/* A stream that hands out 3 bytes at a time. */
static ssize_t read_chunks(void *payload, void *buf, size_t length)
{
    chunks *c = payload;
    size_t left = strlen(c->text) - c->pos;
    size_t n = left < 3 ? left : 3;

    (void)length;
    memcpy(buf, c->text + c->pos, n);
    c->pos += n;
    return (ssize_t)n;
}

/* The same set of entries in one of two insertion orders. */
static void add_all(copa__layer_writer *w, int reversed)
{
    static const unsigned char cap[] = {1, 0, 0, 2, 0x20, 0, 0, 0};
    copa__xattr xattrs[] = {{"security.capability", cap, sizeof(cap)}, {"user.note", "hi", 2}};
    copa__layer_wentry e[8];
    chunks stream = {"streamed content\n", 0};
    int i;

    e[0] = entry("usr", COPA__ENTRY_DIR, 0755);
    e[1] = entry("usr/bin", COPA__ENTRY_DIR, 0755);
    e[2] = entry("usr/bin/tool", COPA__ENTRY_FILE, 04755);
    e[2].uid = 1000;
    e[2].gid = 50;
    e[2].uname = "alice";
    e[2].gname = "staff";
    e[2].xattrs = xattrs;
    e[2].xattr_count = 2;
    e[3] = entry("usr/bin/tool-link", COPA__ENTRY_SYMLINK, 0777);
    e[3].link = "tool";
    e[4] = entry("usr/bin/zz-hard", COPA__ENTRY_HARDLINK, 0755);
    e[4].link = "usr/bin/tool";
    e[5] = entry("/etc/", COPA__ENTRY_DIR, 0755);
    e[6] = entry("etc/motd", COPA__ENTRY_FILE, 0644);
    e[6].mtime = 1234567890;
    e[7] = entry("usr-x", COPA__ENTRY_FILE, 0600);
    for (i = 0; i < 8; i++) {
        int k = reversed ? 7 - i : i;
        if (k == 2)
            assert_int_equal(copa__layer_writer_add_file(w, &e[k], "#!/bin/sh\n", 10), 0);
        else if (k == 6)
            assert_int_equal(copa__layer_writer_add_file_stream(w, &e[k], read_chunks, &stream), 0);
        else if (k == 7)
            assert_int_equal(copa__layer_writer_add_file(w, &e[k], "x", 1), 0);
        else
            assert_int_equal(copa__layer_writer_add(w, &e[k]), 0);
    }
    assert_int_equal(copa__layer_writer_add_whiteout(w, "/var/old"), 0);
    assert_int_equal(copa__layer_writer_add_opaque(w, "opt/app"), 0);
}

static void write_layer(const char *path, int reversed, copa__compression compression,
                        copa__layer_result *result)
{
    copa__layer_writer_options options;
    copa__layer_writer *w;

    copa__layer_writer_options_init(&options);
    options.compression = compression;
    assert_int_equal(copa__layer_writer_new(&w, &options), 0);
    add_all(w, reversed);
    assert_int_equal(copa__layer_writer_finish_path(w, path, result), 0);
    copa__layer_writer_free(w);
}

static void same_entries_give_identical_layers(void **state)
{
    copa__layer_result a, b;
    char *sum, *diff;

    (void)state;
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    write_layer(lh_path("a.tar.gz"), 0, COPA__COMPRESSION_GZIP, &a);
    sleep(1); /* a different wall clock must not matter */
    write_layer(lh_path("b.tar.gz"), 1, COPA__COMPRESSION_GZIP, &b);
    assert_int_equal(lh_run("cmp -s '%s' '%s'", lh_path("a.tar.gz"), lh_path("b.tar.gz")), 0);
    assert_string_equal(a.digest, b.digest);
    assert_string_equal(a.diff_id, b.diff_id);
    assert_string_equal(a.media_type, LH_GZIP);
    sum = lh_sha256_file(lh_path("a.tar.gz"));
    assert_string_equal(a.digest, sum);
    free(sum);
    diff = lh_output("zcat '%s' | sha256sum | cut -d' ' -f1", lh_path("a.tar.gz"));
    assert_string_equal(a.diff_id + 7, diff);
    free(diff);
    diff = lh_output("stat -c %%s '%s'", lh_path("a.tar.gz"));
    assert_int_equal(a.size, atoll(diff));
    free(diff);
    unsetenv("SOURCE_DATE_EPOCH");
}

static void gzip_header_has_no_name_or_time(void **state)
{
    copa__layer_result r;
    char *head;

    (void)state;
    write_layer(lh_path("h.tar.gz"), 0, COPA__COMPRESSION_GZIP, &r);
    head = lh_output("head -c 10 '%s' | od -An -tx1 | tr -d ' \\n'", lh_path("h.tar.gz"));
    assert_string_equal(head, "1f8b08000000000000ff");
    free(head);
    assert_int_equal(lh_run("gzip -t '%s'", lh_path("h.tar.gz")), 0);
}

static void gnu_tar_lists_sorted_entries_with_owners(void **state)
{
    copa__layer_result r;
    char *listing;

    (void)state;
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    write_layer(lh_path("l.tar.gz"), 1, COPA__COMPRESSION_GZIP, &r);
    unsetenv("SOURCE_DATE_EPOCH");
    listing = lh_output("TZ=UTC tar --numeric-owner -tvzf '%s' 2>/dev/null | "
                        "awk '{$1=$1; print}' | tr '\\n' ';'",
                        lh_path("l.tar.gz"));
    assert_string_equal(listing,
                        "drwxr-xr-x 0/0 0 2023-11-14 22:13 etc/;"
                        "-rw-r--r-- 0/0 17 2009-02-13 23:31 etc/motd;"
                        "-rw-r--r-- 0/0 0 2023-11-14 22:13 opt/app/.wh..wh..opq;"
                        "drwxr-xr-x 0/0 0 2023-11-14 22:13 usr/;"
                        "drwxr-xr-x 0/0 0 2023-11-14 22:13 usr/bin/;"
                        "-rwsr-xr-x 1000/50 10 2023-11-14 22:13 usr/bin/tool;"
                        "lrwxrwxrwx 0/0 0 2023-11-14 22:13 usr/bin/tool-link -> tool;"
                        "hrwxr-xr-x 0/0 0 2023-11-14 22:13 usr/bin/zz-hard link to usr/bin/tool;"
                        "-rw------- 0/0 1 2023-11-14 22:13 usr-x;"
                        "-rw-r--r-- 0/0 0 2023-11-14 22:13 var/.wh.old;");
    free(listing);
    listing = lh_output("tar -tvzf '%s' usr/bin/tool 2>/dev/null | awk '{print $2}'",
                        lh_path("l.tar.gz"));
    assert_string_equal(listing, "alice/staff");
    free(listing);
}

static void xattrs_are_pax_headers(void **state)
{
    copa__layer_result r;
    char *out;

    (void)state;
    write_layer(lh_path("x.tar.gz"), 0, COPA__COMPRESSION_GZIP, &r);
    out = lh_output("python3 -c \"import tarfile,sys; t=tarfile.open(sys.argv[1]); "
                    "h=t.getmember('usr/bin/tool').pax_headers; "
                    "print(h.get('SCHILY.xattr.user.note'), "
                    "h['SCHILY.xattr.security.capability'].encode('utf-8','surrogateescape')"
                    ".hex())\" '%s'",
                    lh_path("x.tar.gz"));
    assert_string_equal(out, "hi 0100000220000000");
    free(out);
    /* The PAX header's own name must not carry a PID (GNU tar's does). */
    out = lh_output("zcat '%s' | python3 -c \"import sys; d=sys.stdin.buffer.read(); "
                    "print([d[i:i+100].rstrip(b'\\0').decode() for i in range(0, len(d), 512) "
                    "if d[i+156:i+157] == b'x'])\"",
                    lh_path("x.tar.gz"));
    assert_string_equal(out, "['usr/bin/PaxHeader/tool']");
    free(out);
}

static void zstd_and_plain_layers(void **state)
{
    copa__layer_result z, p;
    char *sum;

    (void)state;
    write_layer(lh_path("z.tar.zst"), 0, COPA__COMPRESSION_ZSTD, &z);
    assert_string_equal(z.media_type, LH_ZSTD);
    sum = lh_output("zstd -dc '%s' | sha256sum | cut -d' ' -f1", lh_path("z.tar.zst"));
    assert_string_equal(z.diff_id + 7, sum);
    free(sum);
    sum = lh_sha256_file(lh_path("z.tar.zst"));
    assert_string_equal(z.digest, sum);
    free(sum);
    write_layer(lh_path("p.tar"), 0, COPA__COMPRESSION_NONE, &p);
    assert_string_equal(p.digest, p.diff_id);
    assert_string_equal(p.diff_id, z.diff_id);
    write_layer(lh_path("z2.tar.zst"), 1, COPA__COMPRESSION_ZSTD, &p);
    assert_string_equal(p.digest, z.digest);
}

static void refusals(void **state)
{
    copa__layer_writer *w;
    copa__layer_wentry e = entry("a/../b", COPA__ENTRY_FILE, 0644), link;
    copa__layer_result r;

    (void)state;
    assert_int_equal(copa__layer_writer_new(&w, NULL), 0);
    assert_int_equal(copa__layer_writer_add_file(w, &e, "x", 1), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "a/../b"));
    e.path = "dup";
    assert_int_equal(copa__layer_writer_add_file(w, &e, "x", 1), 0);
    assert_int_equal(copa__layer_writer_add_file(w, &e, "y", 1), 0);
    assert_int_equal(copa__layer_writer_finish_path(w, lh_path("bad.tar.gz"), &r), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "duplicate entry 'dup'"));
    assert_null(strstr(copa_error_last(), "(from"));
    assert_int_equal(access(lh_path("bad.tar.gz"), F_OK), -1);
    copa__layer_writer_free(w);

    assert_int_equal(copa__layer_writer_new(&w, NULL), 0);
    link = entry("x", COPA__ENTRY_HARDLINK, 0644);
    link.link = "etc";
    assert_int_equal(copa__layer_writer_add(w, &link), 0);
    link = entry("etc", COPA__ENTRY_DIR, 0755);
    assert_int_equal(copa__layer_writer_add(w, &link), 0);
    assert_int_equal(copa__layer_writer_finish_path(w, lh_path("bad.tar.gz"), &r), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "hardlink 'x' to 'etc', which is not a regular"));
    copa__layer_writer_free(w);

    setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
    assert_int_equal(copa__layer_writer_new(&w, NULL), COPA_EINVALID);
    unsetenv("SOURCE_DATE_EPOCH");
    copa__layer_writer_free(NULL);
}

/*
 * Names are bytes: a UTF-8 name, a Latin-1 one (not UTF-8), a long
 * non-ASCII path and non-ASCII link targets come back unchanged (python
 * tarfile, surrogateescape), and failures name the entry's package.
 */
static void names_are_bytes(void **state)
{
    copa__layer_writer *w;
    copa__layer_wentry e = entry("usr/share/F\xc5\x91t\xc3\xba.crt", COPA__ENTRY_FILE, 0644);
    copa__layer_result r;
    char long_path[200], *out;

    (void)state;
    assert_int_equal(copa__layer_writer_new(&w, NULL), 0);
    assert_int_equal(copa__layer_writer_add_file(w, &e, "a", 1), 0);
    e.path = "usr/share/caf\xe9";
    e.uname = "\xe9quipe";
    assert_int_equal(copa__layer_writer_add_file(w, &e, "b", 1), 0);
    memset(long_path, 0, sizeof(long_path));
    memcpy(long_path, "usr/share/", 10);
    memset(long_path + 10, 'x', 60);
    strcat(long_path, "/\xc3\xbc-");
    memset(long_path + strlen(long_path), 'y', 60);
    e = entry(long_path, COPA__ENTRY_FILE, 0644);
    assert_int_equal(copa__layer_writer_add_file(w, &e, "c", 1), 0);
    e = entry("usr/share/lien", COPA__ENTRY_SYMLINK, 0777);
    e.link = "caf\xe9";
    assert_int_equal(copa__layer_writer_add(w, &e), 0);
    e = entry("usr/share/h\xc3\xa5rd", COPA__ENTRY_HARDLINK, 0644);
    e.link = "usr/share/caf\xe9";
    assert_int_equal(copa__layer_writer_add(w, &e), 0);
    assert_int_equal(copa__layer_writer_finish_path(w, lh_path("bytes.tar.gz"), &r), 0);
    copa__layer_writer_free(w);
    out = lh_output("python3 -c \"import tarfile,sys; t=tarfile.open(sys.argv[1], "
                    "encoding='utf-8', errors='surrogateescape'); b=lambda s: s.encode('utf-8', "
                    "'surrogateescape'); print([(b(m.name), b(m.linkname), b(m.uname)) "
                    "for m in t])\" '%s'",
                    lh_path("bytes.tar.gz"));
    assert_string_equal(out,
                        "[(b'usr/share/F\\xc5\\x91t\\xc3\\xba.crt', b'', b''), "
                        "(b'usr/share/caf\\xe9', b'', b'\\xe9quipe'), "
                        "(b'usr/share/h\\xc3\\xa5rd', b'usr/share/caf\\xe9', b''), "
                        "(b'usr/share/lien', b'caf\\xe9', b''), "
                        "(b'usr/share/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/"
                        "\\xc3\\xbc-yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy', "
                        "b'', b'')]");
    free(out);

    assert_int_equal(copa__layer_writer_new(&w, NULL), 0);
    e = entry("dup", COPA__ENTRY_FILE, 0644);
    e.origin = "pkg-a";
    assert_int_equal(copa__layer_writer_add_file(w, &e, "x", 1), 0);
    e.origin = "pkg-b";
    assert_int_equal(copa__layer_writer_add_file(w, &e, "y", 1), 0);
    assert_int_equal(copa__layer_writer_finish_path(w, lh_path("bad.tar.gz"), &r), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "duplicate entry 'dup' (from pkg-"));
    copa__layer_writer_free(w);
}

/* An all-ASCII layer has no pax header for its names' charset. */
static void ascii_names_plain(void **state)
{
    copa__layer_writer *w;
    copa__layer_wentry e = entry("usr/share/plain", COPA__ENTRY_FILE, 0644);
    copa__layer_result r;

    (void)state;
    assert_int_equal(copa__layer_writer_new(&w, NULL), 0);
    assert_int_equal(copa__layer_writer_add_file(w, &e, "a", 1), 0);
    assert_int_equal(copa__layer_writer_finish_path(w, lh_path("ascii.tar.gz"), &r), 0);
    copa__layer_writer_free(w);
    assert_int_equal(lh_run("zcat '%s' | grep -q hdrcharset", lh_path("ascii.tar.gz")), 1);
}

/* Links that sort before their file (or chain) are turned around. */
static void hardlinks_before_their_file(void **state)
{
    copa__layer_writer *w;
    copa__layer_wentry e = entry("z-file", COPA__ENTRY_FILE, 0700), link;
    copa__layer_result r;
    char *out;

    (void)state;
    assert_int_equal(copa__layer_writer_new(&w, NULL), 0);
    e.uid = 42;
    assert_int_equal(copa__layer_writer_add_file(w, &e, "content", 7), 0);
    link = entry("m-link", COPA__ENTRY_HARDLINK, 0644);
    link.link = "z-file";
    assert_int_equal(copa__layer_writer_add(w, &link), 0);
    link = entry("a-link", COPA__ENTRY_HARDLINK, 0644);
    link.link = "m-link";
    assert_int_equal(copa__layer_writer_add(w, &link), 0);
    link = entry("lower", COPA__ENTRY_HARDLINK, 0644);
    link.link = "usr/bin/elsewhere";
    assert_int_equal(copa__layer_writer_add(w, &link), 0);
    assert_int_equal(copa__layer_writer_finish_path(w, lh_path("hl.tar.gz"), &r), 0);
    copa__layer_writer_free(w);
    out = lh_output("python3 -c \"import tarfile,sys; t=tarfile.open(sys.argv[1]); "
                    "print([(m.name, m.type.decode(), m.linkname, m.size, oct(m.mode), m.uid) "
                    "for m in t]); print(t.extractfile('m-link').read())\" '%s'",
                    lh_path("hl.tar.gz"));
    assert_string_equal(out, "[('a-link', '0', '', 7, '0o700', 42), "
                             "('lower', '1', 'usr/bin/elsewhere', 0, '0o644', 0), "
                             "('m-link', '1', 'a-link', 0, '0o644', 0), "
                             "('z-file', '1', 'a-link', 0, '0o644', 0)]\nb'content'");
    free(out);
}

static void clamp_mtime(void **state)
{
    copa__layer_writer_options options;
    copa__layer_writer *w;
    copa__layer_wentry e = entry("new", COPA__ENTRY_FILE, 0644);
    copa__layer_result r;
    char *out;

    (void)state;
    copa__layer_writer_options_init(&options);
    options.epoch = 100;
    options.clamp_mtime = 1;
    e.mtime = 5000;
    assert_int_equal(copa__layer_writer_new(&w, &options), 0);
    assert_int_equal(copa__layer_writer_add_file(w, &e, "", 0), 0);
    e.path = "old";
    e.mtime = 50;
    assert_int_equal(copa__layer_writer_add_file(w, &e, "", 0), 0);
    assert_int_equal(copa__layer_writer_finish_path(w, lh_path("c.tar.gz"), &r), 0);
    copa__layer_writer_free(w);
    out = lh_output("python3 -c \"import tarfile,sys; "
                    "print([(m.name, m.mtime) for m in tarfile.open(sys.argv[1])])\" '%s'",
                    lh_path("c.tar.gz"));
    assert_string_equal(out, "[('new', 100), ('old', 50)]");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_entries_give_identical_layers),
        cmocka_unit_test(gzip_header_has_no_name_or_time),
        cmocka_unit_test(gnu_tar_lists_sorted_entries_with_owners),
        cmocka_unit_test(xattrs_are_pax_headers),
        cmocka_unit_test(zstd_and_plain_layers),
        cmocka_unit_test(refusals),
        cmocka_unit_test(names_are_bytes),
        cmocka_unit_test(ascii_names_plain),
        cmocka_unit_test(hardlinks_before_their_file),
        cmocka_unit_test(clamp_mtime),
    };
    int rc;

    unsetenv("SOURCE_DATE_EPOCH");
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lh_cleanup();
    return rc;
}
