/*
 * gzip layers through the ISA-L stage (lib/layer/gunzip.c), read the way
 * users read them: copa__layer_read. Inputs come from gunzip_gen.py (hand
 * built members: header fields, corrupt data, bad trailers, truncations,
 * trailing bytes) and from the real gzip and igzip tools; diff_ids are
 * checked against `gzip -dc | sha256sum`. A differential test reads every
 * valid layer both through the new stage and through libarchive's gzip
 * filter (what the reader used before) and compares entries and digests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <copa.h>

#include "layer/gunzip.h"
#include "layer/reader.h"
#include "layer_helpers.h"
#include "test_support.h"

typedef struct listing {
    char *text;
    size_t length, capacity;
} listing;

static void append(listing *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(listing *l, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(l->text + l->length, l->capacity - l->length, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if ((size_t)n < l->capacity - l->length)
            break;
        l->capacity = (l->capacity + (size_t)n) * 2;
        l->text = realloc(l->text, l->capacity);
        assert_non_null(l->text);
    }
    l->length += (size_t)n;
}

/* Each entry with its type, mode, size, link and an FNV-1a hash of its content. */
static int collect(void *payload, const copa__layer_entry *e, copa__layer_reader *reader)
{
    listing *l = payload;
    unsigned long long hash = 1469598103934665603ULL;
    unsigned char buf[8192];
    ssize_t n, i;

    if (e->type == COPA__ENTRY_FILE) {
        while ((n = copa__layer_reader_data(reader, buf, sizeof(buf))) > 0)
            for (i = 0; i < n; i++)
                hash = (hash ^ buf[i]) * 1099511628211ULL;
        if (n < 0)
            return (int)n;
    }
    append(l, "%d:%s:%o:%lld:%s:%016llx;", (int)e->type, e->path, e->mode, (long long)e->size,
           e->link, hash);
    return 0;
}

/* Read a layer file; `l` (may be NULL) gets the entries. */
static int read_layer(const char *path, const char *media_type, const char *diff_id, listing *l)
{
    char *digest = lh_sha256_file(path);
    copa__layer_desc desc = {media_type, digest, -1, diff_id};
    copa__layer_source source = {-1, NULL, NULL};
    listing ignored = {NULL, 0, 0};
    int rc;

    if (l == NULL)
        l = &ignored;
    l->length = 0;
    if (l->text != NULL)
        l->text[0] = '\0';
    source.fd = open(path, O_RDONLY);
    assert_true(source.fd >= 0);
    rc = copa__layer_read(&desc, &source, collect, l);
    close(source.fd);
    free(digest);
    free(ignored.text);
    return rc;
}

/* "sha256:<hex>" of what `gzip -dc` makes of a file; caller frees. */
static char *gzip_diff_id(const char *path)
{
    return lh_output("gzip -dc '%s' 2>/dev/null | sha256sum | sed 's/^/sha256:/; s/ .*//'", path);
}

static void generate(void)
{
    static int done;

    if (done++)
        return;
    assert_int_equal(lh_run("python3 '%s/tests/unit/layer/gunzip_gen.py' '%s'",
                            COPA_TEST_SOURCE_DIR, lh_scratch()),
                     0);
}

/* Valid layers: generated and made by the real tools. */
static const char *const valid[] = {
    "good.gz",       "multi.gz",       "many.gz",       "flags00.gz",      "flags02.gz",
    "flags04.gz",    "flags06.gz",     "flags08.gz",    "flags10.gz",      "flags12.gz",
    "flags14.gz",    "flags16.gz",     "flags18.gz",    "flags20.gz",      "flags22.gz",
    "flags24.gz",    "flags26.gz",     "flags28.gz",    "flags30.gz",      "zeros-1.gz",
    "zeros-1024.gz", "multi-zeros.gz", "empty-tar.gz",  "tool-gzip.gz",    "tool-gzip-9n.gz",
    "tool-igzip.gz", "tool-cat.gz",    "tool-rsync.gz", "tool-igzip-0.gz", "writer.gz",
};

static void make_tool_layers(void)
{
    const char *d = lh_scratch();
    copa__layer_writer_options options;
    copa__layer_writer *w;
    copa__layer_wentry e;
    copa__layer_result result;

    generate();
    assert_int_equal(
        lh_run("cd '%s' && gzip -c base.tar > tool-gzip.gz && gzip -9 -N -c base.tar > "
               "tool-gzip-9n.gz && igzip -c base.tar > tool-igzip.gz && "
               "igzip -0 -c base.tar > tool-igzip-0.gz && gzip --rsyncable -c base.tar > "
               "tool-rsync.gz && head -c 70001 base.tar | gzip -1 > cat.gz && "
               "tail -c +70002 base.tar | igzip -c >> cat.gz && mv cat.gz tool-cat.gz",
               d),
        0);
    /* Our own writer's output (the parallel gzip). */
    copa__layer_writer_options_init(&options);
    options.compression = COPA__COMPRESSION_GZIP;
    assert_int_equal(copa__layer_writer_new(&w, &options), 0);
    memset(&e, 0, sizeof(e));
    e.path = "etc/hostname";
    e.type = COPA__ENTRY_FILE;
    e.mode = 0644;
    assert_int_equal(copa__layer_writer_add_file(w, &e, "box\n", 4), 0);
    assert_int_equal(copa__layer_writer_finish_path(w, lh_path("writer.gz"), &result), 0);
    copa__layer_writer_free(w);
}

static void valid_layers_match_gzip(void **state)
{
    char *base = NULL;
    listing l = {NULL, 0, 0};
    size_t i;

    (void)state;
    make_tool_layers();
    base = lh_sha256_file(lh_path("base.tar"));
    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        const char *path = lh_path(valid[i]);
        char *diff = gzip_diff_id(path);
        int rc = read_layer(path, LH_GZIP, diff, &l);
        if (rc != 0)
            fail_msg("%s: %d %s", valid[i], rc, copa_error_last());
        if (strncmp(valid[i], "flags", 5) == 0 || strncmp(valid[i], "tool-", 5) == 0 ||
            strstr(valid[i], "zeros") != NULL || strcmp(valid[i], "multi.gz") == 0 ||
            strcmp(valid[i], "many.gz") == 0) {
            assert_string_equal(diff, base);
            assert_non_null(strstr(l.text, "1:etc/hostname:644:4::"));
            assert_non_null(strstr(l.text, "3:etc/link:777:0:hostname:"));
        }
        free(diff);
    }
    /* The empty tar: no entries, its diff_id is that of the tar itself. */
    {
        char *empty = lh_sha256_file(lh_path("empty.tar"));
        assert_int_equal(read_layer(lh_path("empty-tar.gz"), LH_GZIP, empty, &l), 0);
        assert_string_equal(l.text, "");
        free(empty);
    }
    /* A member of no bytes at all reads like a 0-byte uncompressed layer: empty. */
    assert_int_equal(lh_run(": > '%s'", lh_path("nothing.tar")), 0);
    assert_int_equal(read_layer(lh_path("nothing.tar"), LH_TAR, NULL, &l), 0);
    assert_int_equal(read_layer(lh_path("empty-member.gz"), LH_GZIP, NULL, &l), 0);
    assert_string_equal(l.text, "");
    free(base);
    free(l.text);
}

static void expect_invalid(const char *name, const char *message)
{
    int rc = read_layer(lh_path(name), LH_GZIP, NULL, NULL);

    if (rc != COPA_EINVALID || strstr(copa_error_last(), message) == NULL)
        fail_msg("%s: got %d '%s', want '%s'", name, rc, copa_error_last(), message);
    /* The message names the layer by its digest. */
    assert_non_null(strstr(copa_error_last(), "layer sha256:"));
}

static void corrupt_layers_are_invalid(void **state)
{
    (void)state;
    generate();
    expect_invalid("bad-hcrc.gz", "gzip member 1: header CRC-16 mismatch");
    expect_invalid("reserved-flag.gz", "gzip member 1 has reserved header flags set (0x20)");
    expect_invalid("bad-method.gz", "compression method is not deflate");
    expect_invalid("flipped-stored.gz", "gzip member 1: CRC-32 mismatch");
    expect_invalid("bad-block.gz", "corrupt gzip data in member 1: invalid deflate block");
    expect_invalid("flipped-deflate.gz", "gzip");
    expect_invalid("bad-crc.gz", "gzip member 1: CRC-32 mismatch");
    expect_invalid("bad-isize.gz", "gzip member 1: length mismatch");
    expect_invalid("bad-crc-second.gz", "gzip member 2: CRC-32 mismatch");
    /* gzip itself rejects them all. */
    assert_int_not_equal(lh_run("cd '%s' && for f in bad-hcrc reserved-flag bad-method "
                                "flipped-stored bad-block flipped-deflate bad-crc bad-isize "
                                "bad-crc-second; do gzip -t $f.gz 2>/dev/null && exit 0; done; "
                                "exit 1",
                                lh_scratch()),
                         0);
}

static void truncated_layers_are_invalid(void **state)
{
    (void)state;
    generate();
    expect_invalid("cut-header.gz", "gzip data is truncated in the header of member 1");
    expect_invalid("cut-name.gz", "gzip data is truncated in the header of member 1");
    expect_invalid("cut-middle.gz", "gzip data is truncated in the deflate data of member 1");
    expect_invalid("cut-trailer.gz", "gzip data is truncated in the trailer of member 1");
    expect_invalid("cut-no-trailer.gz", "gzip data is truncated in the trailer of member 1");
    expect_invalid("cut-second.gz", "truncated in the deflate data of member 2");
    expect_invalid("cut-one-byte.gz", "truncated in the header of member 2");
}

static void trailing_bytes(void **state)
{
    (void)state;
    generate();
    /* Zeros after the last member are padding (as for GNU gzip and libarchive). */
    assert_int_equal(read_layer(lh_path("zeros-1024.gz"), LH_GZIP, NULL, NULL), 0);
    expect_invalid("garbage.gz", "the bytes after gzip member 1 are neither a gzip member "
                                 "nor zero padding");
    expect_invalid("zeros-garbage.gz", "non-zero bytes after the zero padding that follows "
                                       "gzip member 1");
    expect_invalid("zeros-member.gz", "non-zero bytes after the zero padding");
    /* The size and digest still cover the padding. */
    {
        char *digest = lh_sha256_file(lh_path("zeros-1024.gz"));
        copa__layer_desc desc = {LH_GZIP, digest, -1, NULL};
        copa__layer_source source = {-1, NULL, NULL};
        listing l = {NULL, 0, 0};
        char *size = lh_output("stat -c %%s '%s'", lh_path("zeros-1024.gz"));
        desc.size = (int64_t)strtoll(size, NULL, 10);
        free(size);
        source.fd = open(lh_path("zeros-1024.gz"), O_RDONLY);
        assert_int_equal(copa__layer_read(&desc, &source, collect, &l), 0);
        close(source.fd);
        free(digest);
        free(l.text);
    }
}

/* One byte per read: ISA-L must resume inside header fields and trailers. */
static void bytewise_source(void **state)
{
    static const char *const names[] = {"flags30.gz", "many.gz", "multi-zeros.gz"};
    listing whole = {NULL, 0, 0}, bytes = {NULL, 0, 0};
    size_t i;

    (void)state;
    generate();
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char *diff = gzip_diff_id(lh_path(names[i]));
        copa__layer_desc desc = {LH_GZIP, NULL, -1, diff};
        lh_memory m = {NULL, 0, 0};
        copa__layer_source source = {-1, lh_read_bytewise, &m};
        unsigned char *data = (unsigned char *)test_read_file(lh_path(names[i]), &m.length);
        m.data = data;
        source.payload = &m;
        assert_int_equal(read_layer(lh_path(names[i]), LH_GZIP, diff, &whole), 0);
        bytes.length = 0;
        assert_int_equal(copa__layer_read(&desc, &source, collect, &bytes), 0);
        assert_string_equal(bytes.text, whole.text);
        free(data);
        free(diff);
    }
    free(whole.text);
    free(bytes.text);
}

/* ~20 MB, compressed by gzip -1 and igzip; diff_id as gzip -dc | sha256sum. */
static void large_layer(void **state)
{
    static const char *const tools[] = {"gzip -1", "igzip", "gzip -6"};
    char *expected;
    size_t i;

    (void)state;
    generate();
    expected = lh_sha256_file(lh_path("big.tar"));
    for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
        char *diff;
        listing l = {NULL, 0, 0};
        assert_int_equal(
            lh_run("%s -c '%s' > '%s'", tools[i], lh_path("big.tar"), lh_path("big.tar.gz")), 0);
        diff = gzip_diff_id(lh_path("big.tar.gz"));
        assert_string_equal(diff, expected);
        assert_int_equal(read_layer(lh_path("big.tar.gz"), LH_GZIP, diff, &l), 0);
        assert_non_null(strstr(l.text, "1:big/random:644:11534336::"));
        free(diff);
        free(l.text);
    }
    free(expected);
}

/* What the reader did before: libarchive's gzip filter, written out as a tar. */
static int libarchive_gunzip(const char *in, const char *out)
{
    struct archive *a = archive_read_new();
    struct archive_entry *entry;
    char buf[65536];
    la_ssize_t n;
    FILE *file = fopen(out, "wb");
    int rc = -1;

    assert_non_null(a);
    assert_non_null(file);
    archive_read_support_filter_gzip(a);
    archive_read_support_format_raw(a);
    if (archive_read_open_filename(a, in, 65536) == ARCHIVE_OK &&
        archive_read_next_header(a, &entry) == ARCHIVE_OK) {
        while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
            assert_int_equal(fwrite(buf, 1, (size_t)n, file), (size_t)n);
        rc = n == 0 ? 0 : -1;
    }
    fclose(file);
    archive_read_free(a);
    return rc;
}

/* Entries and diff_ids equal those through libarchive's gzip filter. */
static void same_as_libarchive(void **state)
{
    listing ours = {NULL, 0, 0}, theirs = {NULL, 0, 0};
    const char *extra = getenv("COPA_TEST_GUNZIP_LAYERS"); /* more files, ':'-separated */
    char *list = strdup(extra != NULL ? extra : ""), *save = NULL, *file;
    size_t i, count = sizeof(valid) / sizeof(valid[0]);

    (void)state;
    make_tool_layers();
    assert_int_equal(lh_run("gzip -1 -c '%s' > '%s'", lh_path("big.tar"), lh_path("big1.gz")), 0);
    for (i = 0;; i++) {
        const char *path;
        char *diff;
        if (i < count)
            path = lh_path(valid[i]);
        else if (i == count)
            path = lh_path("big1.gz");
        else if ((file = strtok_r(i == count + 1 ? list : NULL, ":", &save)) != NULL)
            path = file;
        else
            break;
        assert_int_equal(libarchive_gunzip(path, lh_path("plain.tar")), 0);
        diff = lh_sha256_file(lh_path("plain.tar"));
        assert_int_equal(read_layer(lh_path("plain.tar"), LH_TAR, diff, &theirs), 0);
        if (read_layer(path, LH_GZIP, diff, &ours) != 0)
            fail_msg("%s: %s", path, copa_error_last());
        assert_string_equal(ours.text, theirs.text);
        free(diff);
    }
    free(list);
    free(ours.text);
    free(theirs.text);
}

typedef struct chunks {
    const unsigned char *data;
    size_t length, pos, step;
} chunks;

static ssize_t pull_chunks(void *payload, const unsigned char **data)
{
    chunks *c = payload;
    size_t n = c->length - c->pos < c->step ? c->length - c->pos : c->step;

    *data = c->data + c->pos;
    c->pos += n;
    return (ssize_t)n;
}

/* The stage on its own: any input split and output size give the same bytes; errors stick. */
static void stage_directly(void **state)
{
    static const size_t steps[] = {1, 7, 4096, 1 << 20};
    static const size_t outs[] = {1, 13, 65536};
    size_t length, tar_length, i, j;
    unsigned char *data, *tar;

    (void)state;
    generate();
    data = (unsigned char *)test_read_file(lh_path("multi-zeros.gz"), &length);
    tar = (unsigned char *)test_read_file(lh_path("base.tar"), &tar_length);
    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        for (j = 0; j < sizeof(outs) / sizeof(outs[0]); j++) {
            chunks c = {data, length, 0, steps[i]};
            copa__gunzip *gz;
            unsigned char *out = malloc(tar_length + 1);
            size_t got = 0;
            ssize_t n;
            assert_int_equal(copa__gunzip_new(&gz, pull_chunks, &c, "test"), 0);
            while ((n = copa__gunzip_read(
                        gz, out + got,
                        outs[j] < tar_length + 1 - got ? outs[j] : tar_length + 1 - got)) > 0)
                got += (size_t)n;
            assert_int_equal(n, 0);
            assert_int_equal(got, tar_length);
            assert_memory_equal(out, tar, tar_length);
            assert_int_equal(copa__gunzip_read(gz, out, 1), 0);
            copa__gunzip_free(gz);
            free(out);
        }
    }
    free(data);
    free(tar);
    /* An error is returned again by every later call. */
    {
        unsigned char *bad = (unsigned char *)test_read_file(lh_path("bad-crc.gz"), &length);
        chunks c = {bad, length, 0, 4096};
        copa__gunzip *gz;
        unsigned char out[4096];
        ssize_t n;
        assert_int_equal(copa__gunzip_new(&gz, pull_chunks, &c, "x.gz"), 0);
        while ((n = copa__gunzip_read(gz, out, sizeof(out))) > 0)
            ;
        assert_int_equal(n, COPA_EINVALID);
        assert_non_null(strstr(copa_error_last(), "x.gz: gzip member 1: CRC-32 mismatch"));
        assert_int_equal(copa__gunzip_read(gz, out, sizeof(out)), COPA_EINVALID);
        copa__gunzip_free(gz);
        free(bad);
    }
    copa__gunzip_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_layers_match_gzip),
        cmocka_unit_test(corrupt_layers_are_invalid),
        cmocka_unit_test(truncated_layers_are_invalid),
        cmocka_unit_test(trailing_bytes),
        cmocka_unit_test(bytewise_source),
        cmocka_unit_test(large_layer),
        cmocka_unit_test(same_as_libarchive),
        cmocka_unit_test(stage_directly),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    lh_cleanup();
    return rc;
}
