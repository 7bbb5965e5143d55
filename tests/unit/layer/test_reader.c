/*
 * The layer reader: gzip, zstd and plain tar layers made by our writer and
 * by GNU tar; digest, size and diff_id verification; paths escaping the
 * root; media type against magic bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>

#include "layer/reader.h"
#include "layer_helpers.h"
#include "test_support.h"

typedef struct seen {
    char text[4096];
    char content[256];
} seen;

static int collect(void *payload, const copa__layer_entry *e, copa__layer_reader *reader)
{
    seen *s = payload;
    size_t used = strlen(s->text);

    snprintf(s->text + used, sizeof(s->text) - used, "%d:%s:%o:%s;", (int)e->type, e->path, e->mode,
             e->link);
    if (e->type == COPA__ENTRY_FILE && strcmp(e->path, "etc/hostname") == 0) {
        ssize_t n = copa__layer_reader_data(reader, s->content, sizeof(s->content) - 1);
        assert_true(n >= 0);
        s->content[n] = '\0';
    }
    return 0;
}

static int read_file(const char *path, const char *media_type, const char *digest, int64_t size,
                     const char *diff_id, seen *s)
{
    copa__layer_desc desc = {media_type, digest, size, diff_id};
    copa__layer_source source = {-1, NULL, NULL};
    int rc;

    memset(s, 0, sizeof(*s));
    source.fd = open(path, O_RDONLY);
    assert_true(source.fd >= 0);
    rc = copa__layer_read(&desc, &source, collect, s);
    close(source.fd);
    return rc;
}

static void make_layer(const char *path, copa__compression compression, copa__layer_result *result)
{
    copa__layer_writer_options options;
    copa__layer_writer *w;
    copa__layer_wentry e;

    copa__layer_writer_options_init(&options);
    options.compression = compression;
    assert_int_equal(copa__layer_writer_new(&w, &options), 0);
    memset(&e, 0, sizeof(e));
    e.path = "etc";
    e.type = COPA__ENTRY_DIR;
    e.mode = 0755;
    assert_int_equal(copa__layer_writer_add(w, &e), 0);
    e.path = "etc/hostname";
    e.type = COPA__ENTRY_FILE;
    e.mode = 0644;
    assert_int_equal(copa__layer_writer_add_file(w, &e, "box\n", 4), 0);
    e.path = "etc/link";
    e.type = COPA__ENTRY_SYMLINK;
    e.mode = 0777;
    e.link = "/etc/hostname";
    assert_int_equal(copa__layer_writer_add(w, &e), 0);
    assert_int_equal(copa__layer_writer_add_whiteout(w, "etc/gone"), 0);
    assert_int_equal(copa__layer_writer_add_opaque(w, "var"), 0);
    assert_int_equal(copa__layer_writer_finish_path(w, path, result), 0);
    copa__layer_writer_free(w);
}

static const char expected_entries[] = "2:etc:755:;8:etc/gone:644:;1:etc/hostname:644:;"
                                       "3:etc/link:777:/etc/hostname;9:var:644:;";

static void reads_and_verifies_each_compression(void **state)
{
    static const struct {
        copa__compression compression;
        const char *media_type;
    } cases[] = {{COPA__COMPRESSION_GZIP, LH_GZIP},
                 {COPA__COMPRESSION_ZSTD, LH_ZSTD},
                 {COPA__COMPRESSION_NONE, LH_TAR},
                 {COPA__COMPRESSION_GZIP, "application/vnd.docker.image.rootfs.diff.tar.gzip"}};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        copa__layer_result r;
        seen s;
        make_layer(lh_path("layer"), cases[i].compression, &r);
        assert_int_equal(
            read_file(lh_path("layer"), cases[i].media_type, r.digest, r.size, r.diff_id, &s), 0);
        assert_string_equal(s.text, expected_entries);
        assert_string_equal(s.content, "box\n");
    }
}

static void reads_gnu_tar_layers(void **state)
{
    char *digest, *diff;
    seen s;

    (void)state;
    assert_int_equal(lh_run("mkdir -p '%s/root/a/b' && echo hi > '%s/root/a/b/f' && "
                            "ln -s b '%s/root/a/l' && ln '%s/root/a/b/f' '%s/root/a/hard' && "
                            "tar -C '%s/root' --sort=name -czf '%s' a",
                            lh_scratch(), lh_scratch(), lh_scratch(), lh_scratch(), lh_scratch(),
                            lh_scratch(), lh_path("gnu.tar.gz")),
                     0);
    digest = lh_sha256_file(lh_path("gnu.tar.gz"));
    diff = lh_output("zcat '%s' | sha256sum | sed 's/^/sha256:/; s/ .*//'", lh_path("gnu.tar.gz"));
    assert_int_equal(read_file(lh_path("gnu.tar.gz"), LH_GZIP, digest, -1, diff, &s), 0);
    assert_non_null(strstr(s.text, "1:a/b/f:644:;"));
    assert_non_null(strstr(s.text, "4:a/hard:644:a/b/f;"));
    assert_non_null(strstr(s.text, "3:a/l:777:b;"));
    free(digest);
    free(diff);
}

static void digest_size_and_diff_id_mismatches(void **state)
{
    static const char wrong[] =
        "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    copa__layer_result r;
    seen s;

    (void)state;
    make_layer(lh_path("v.tar.gz"), COPA__COMPRESSION_GZIP, &r);
    assert_int_equal(read_file(lh_path("v.tar.gz"), LH_GZIP, wrong, -1, NULL, &s), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "layer sha256:0000"));
    assert_non_null(strstr(copa_error_last(), r.digest));
    assert_int_equal(read_file(lh_path("v.tar.gz"), LH_GZIP, r.digest, -1, wrong, &s),
                     COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "diff_id mismatch"));
    assert_int_equal(read_file(lh_path("v.tar.gz"), LH_GZIP, r.digest, r.size + 1, NULL, &s),
                     COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "size mismatch"));
    /* A corrupted byte inside the compressed stream: a verification failure. */
    assert_int_equal(lh_run("cp '%s' '%s' && printf 'XXXX' | dd of='%s' bs=1 seek=40 "
                            "conv=notrunc 2>/dev/null",
                            lh_path("v.tar.gz"), lh_path("c.tar.gz"), lh_path("c.tar.gz")),
                     0);
    assert_int_equal(read_file(lh_path("c.tar.gz"), LH_GZIP, r.digest, -1, NULL, &s), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "digest mismatch"));
    /* Without a digest to compare, the same blob is plainly invalid. */
    assert_int_equal(read_file(lh_path("c.tar.gz"), LH_GZIP, NULL, -1, NULL, &s), COPA_EINVALID);
}

static void rejects_paths_escaping_the_root(void **state)
{
    seen s;

    (void)state;
    assert_int_equal(lh_python_tar(lh_path("dots.tar"), "", "f('a/../../etc/passwd', b'x')"), 0);
    assert_int_equal(read_file(lh_path("dots.tar"), LH_TAR, NULL, -1, NULL, &s), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "'a/../../etc/passwd' escapes the root"));
    assert_non_null(strstr(copa_error_last(), "layer (unnamed)"));
    assert_int_equal(lh_python_tar(lh_path("hl.tar"), "", "f('x', b'1')\nh('y', '../../x')"), 0);
    assert_int_equal(read_file(lh_path("hl.tar"), LH_TAR, NULL, -1, NULL, &s), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "hardlink target '../../x' escapes the root"));
    /* Absolute names are relative to the layer root, as tar extractors treat them. */
    assert_int_equal(lh_python_tar(lh_path("abs.tar"), "", "f('/etc/x', b'1')\nh('/y', '/etc/x')"),
                     0);
    assert_int_equal(read_file(lh_path("abs.tar"), LH_TAR, NULL, -1, NULL, &s), 0);
    assert_string_equal(s.text, "1:etc/x:644:;4:y:644:etc/x;");
}

static void media_type_must_match_magic(void **state)
{
    copa__layer_result gz, zst, plain;
    seen s;

    (void)state;
    make_layer(lh_path("m.tar.gz"), COPA__COMPRESSION_GZIP, &gz);
    make_layer(lh_path("m.tar.zst"), COPA__COMPRESSION_ZSTD, &zst);
    make_layer(lh_path("m.tar"), COPA__COMPRESSION_NONE, &plain);
    assert_int_equal(read_file(lh_path("m.tar.gz"), LH_TAR, gz.digest, -1, NULL, &s),
                     COPA_EINVALID);
    assert_non_null(
        strstr(copa_error_last(), "media type says uncompressed tar but the data is gzip"));
    assert_int_equal(read_file(lh_path("m.tar"), LH_GZIP, NULL, -1, NULL, &s), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "media type says gzip but the data is not gzip"));
    assert_int_equal(read_file(lh_path("m.tar.zst"), LH_GZIP, NULL, -1, NULL, &s), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "but the data is zstd"));
    assert_int_equal(read_file(lh_path("m.tar"), "application/vnd.oci.image.layer.v1.tar+bzip2",
                               NULL, -1, NULL, &s),
                     COPA_EUNSUPPORTED);
}

static void callback_source(void **state)
{
    copa__layer_result r;
    copa__layer_desc desc = {LH_ZSTD, NULL, -1, NULL};
    copa__layer_source source = {-1, lh_read_bytewise, NULL};
    lh_memory m = {NULL, 0, 0};
    seen s;

    (void)state;
    make_layer(lh_path("cb.tar.zst"), COPA__COMPRESSION_ZSTD, &r);
    m.data = (const unsigned char *)test_read_file(lh_path("cb.tar.zst"), &m.length);
    desc.digest = r.digest;
    desc.diff_id = r.diff_id;
    desc.size = r.size;
    source.payload = &m;
    memset(&s, 0, sizeof(s));
    assert_int_equal(copa__layer_read(&desc, &source, collect, &s), 0);
    assert_string_equal(s.text, expected_entries);
    free((void *)m.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_and_verifies_each_compression),
        cmocka_unit_test(reads_gnu_tar_layers),
        cmocka_unit_test(digest_size_and_diff_id_mismatches),
        cmocka_unit_test(rejects_paths_escaping_the_root),
        cmocka_unit_test(media_type_must_match_magic),
        cmocka_unit_test(callback_source),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    lh_cleanup();
    return rc;
}
