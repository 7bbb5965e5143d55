/*
 * OCI layouts (tags, blobs written through temporary files, verification)
 * and tar archives (round trip, refusal of escaping paths).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/archive.h"
#include "image/oci_layout.h"
#include "image/oci_layout_lock.h"
#include "image/store.h"
#include "util/error.h"
#include "util/file.h"

static void digest_of(char out[COPA_DIGEST_STRING_MAX], const char *text)
{
    unsigned char raw[COPA_SHA256_LEN];
    copa__sha256_buffer(raw, text, strlen(text));
    copa__digest_format(out, raw);
}

static size_t count_entries(const char *dir)
{
    struct dirent *e;
    size_t n = 0;
    DIR *d = opendir(dir);

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void tags_and_blobs(void **state)
{
    char *tmp, dir[512], blobs[600], a[COPA_DIGEST_STRING_MAX], b[COPA_DIGEST_STRING_MAX];
    const copa__descriptor *found;
    copa__oci_layout layout;
    char *entry_b_before, *entry_b_after, *path;
    (void)state;

    assert_int_equal(copa__tempdir_create(&tmp), 0);
    snprintf(dir, sizeof(dir), "%s/layout", tmp);
    digest_of(a, "manifest a");
    digest_of(b, "manifest b");
    assert_int_equal(copa__oci_layout_init(&layout, dir), 0);
    assert_true(layout.made & COPA__LAYOUT_MADE_DIR);
    assert_int_equal(copa__blob_store_buffer(dir, a, "manifest a", 10, NULL), 0);
    assert_int_equal(copa__blob_store_buffer(dir, b, "manifest b", 10, NULL), 0);
    /* A blob whose bytes do not match is refused and leaves no file. */
    assert_int_equal(copa__blob_store_buffer(dir, a, "manifest b", 10, NULL),
                     0); /* exists: skipped */
    snprintf(blobs, sizeof(blobs), "%s/blobs/sha256", dir);
    assert_int_equal(count_entries(blobs), 2);
    assert_int_equal(
        copa__blob_store_buffer(dir,
                                "sha256:"
                                "1111111111111111111111111111111111111111111111111111111111111111",
                                "x", 1, NULL),
        COPA_EVERIFY);
    assert_int_equal(count_entries(blobs), 2);

    assert_int_equal(
        copa__oci_layout_set_tag(&layout, "a", "application/vnd.oci.image.manifest.v1+json", a, 10),
        0);
    assert_int_equal(
        copa__oci_layout_set_tag(&layout, "b", "application/vnd.oci.image.manifest.v1+json", b, 10),
        0);
    assert_int_equal(copa__oci_layout_commit(&layout), 0);
    copa__oci_layout_free(&layout);

    assert_int_equal(copa__oci_layout_open(&layout, dir), 0);
    assert_int_equal(layout.index.manifest_count, 2);
    assert_int_equal(copa__oci_layout_find(&layout, "b", &found), 0);
    assert_string_equal(found->digest, b);
    entry_b_before = cJSON_PrintUnformatted(found->json);
    assert_int_equal(copa__oci_layout_find(&layout, "zzz", &found), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "no image tagged 'zzz'; tags: a, b"));
    assert_int_equal(copa__oci_layout_find(&layout, NULL, &found), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "holds 2 images; name one of: a, b"));
    /* Re-tagging a replaces only a's entry, in place. */
    assert_int_equal(
        copa__oci_layout_set_tag(&layout, "a", "application/vnd.oci.image.manifest.v1+json", b, 10),
        0);
    assert_int_equal(copa__oci_layout_commit(&layout), 0);
    copa__oci_layout_free(&layout);
    assert_int_equal(copa__oci_layout_open(&layout, dir), 0);
    assert_int_equal(layout.index.manifest_count, 2);
    assert_int_equal(copa__oci_layout_find(&layout, "a", &found), 0);
    assert_string_equal(found->digest, b);
    assert_true(found == &layout.index.manifests[0]);
    assert_int_equal(copa__oci_layout_find(&layout, "b", &found), 0);
    entry_b_after = cJSON_PrintUnformatted(found->json);
    assert_string_equal(entry_b_before, entry_b_after);
    copa__oci_layout_free(&layout);
    free(entry_b_before);
    free(entry_b_after);

    /* A corrupted blob is found out on read. */
    path = copa__blob_path(dir, a);
    assert_int_equal(copa__file_write_atomic(path, "tampered", 8), 0);
    {
        char *data;
        size_t length;
        assert_int_equal(copa__blob_read_all(&data, &length, path, a, 100), COPA_EVERIFY);
    }
    free(path);
    copa__remove_tree(tmp);
    free(tmp);
}

static const char manifest_type[] = "application/vnd.oci.image.manifest.v1+json";

/* Two writers opened the same layout; each commits its tag: both stay. */
static void writers_merge(void **state)
{
    char *tmp, dir[512], a[COPA_DIGEST_STRING_MAX], b[COPA_DIGEST_STRING_MAX];
    const copa__descriptor *found;
    copa__oci_layout one, two, check;
    (void)state;

    assert_int_equal(copa__tempdir_create(&tmp), 0);
    snprintf(dir, sizeof(dir), "%s/layout", tmp);
    digest_of(a, "manifest a");
    digest_of(b, "manifest b");
    assert_int_equal(copa__oci_layout_init(&one, dir), 0);
    assert_int_equal(copa__oci_layout_init(&two, dir), 0);
    assert_int_equal(copa__blob_store_buffer(dir, a, "manifest a", 10, NULL), 0);
    assert_int_equal(copa__blob_store_buffer(dir, b, "manifest b", 10, NULL), 0);
    assert_int_equal(copa__oci_layout_set_tag(&one, "a", manifest_type, a, 10), 0);
    assert_int_equal(copa__oci_layout_set_tag(&two, "b", manifest_type, b, 10), 0);
    assert_int_equal(copa__oci_layout_commit(&one), 0);
    assert_int_equal(copa__oci_layout_commit(&two), 0);
    /* The second commit sees the first one's tag, and re-tagging keeps the other. */
    assert_int_equal(copa__oci_layout_find(&two, "a", &found), 0);
    assert_int_equal(copa__oci_layout_set_tag(&one, "a", manifest_type, b, 10), 0);
    assert_int_equal(copa__oci_layout_commit(&one), 0);
    assert_int_equal(copa__oci_layout_open(&check, dir), 0);
    assert_int_equal(check.index.manifest_count, 2);
    assert_int_equal(copa__oci_layout_find(&check, "a", &found), 0);
    assert_string_equal(found->digest, b);
    assert_int_equal(copa__oci_layout_find(&check, "b", &found), 0);
    assert_string_equal(found->digest, b);
    copa__oci_layout_free(&check);
    copa__oci_layout_free(&one);
    copa__oci_layout_free(&two);
    copa__remove_tree(tmp);
    free(tmp);
}

static int exists(const char *dir, const char *digest)
{
    char *path = copa__blob_path(dir, digest);
    int found = access(path, F_OK) == 0;
    free(path);
    return found;
}

/* A writer that gives up removes only its own blobs, and the layout only when empty. */
static void abort_takes_back_its_own(void **state)
{
    char *tmp, dir[512], a[COPA_DIGEST_STRING_MAX], b[COPA_DIGEST_STRING_MAX],
        c[COPA_DIGEST_STRING_MAX];
    copa__oci_layout failing, other;
    int created;
    (void)state;

    assert_int_equal(copa__tempdir_create(&tmp), 0);
    snprintf(dir, sizeof(dir), "%s/layout", tmp);
    digest_of(a, "manifest a");
    digest_of(b, "manifest b");
    digest_of(c, "shared c");
    /* Alone: everything it made goes, the directory included. */
    assert_int_equal(copa__oci_layout_init(&failing, dir), 0);
    assert_int_equal(copa__blob_store_buffer(dir, a, "manifest a", 10, &created), 0);
    assert_true(created);
    assert_int_equal(copa__oci_layout_note_blob(&failing, a, created), 0);
    copa__error_set(COPA_EVERIFY, "the failure");
    copa__oci_layout_abort(&failing);
    assert_string_equal(copa_error_last(), "the failure"); /* still the caller's message */
    copa__oci_layout_free(&failing);
    assert_int_not_equal(access(dir, F_OK), 0);

    /* Another writer commits meanwhile: its image and the blob it shares stay. */
    assert_int_equal(copa__oci_layout_init(&failing, dir), 0);
    assert_int_equal(copa__oci_layout_init(&other, dir), 0);
    assert_int_equal(copa__blob_store_buffer(dir, a, "manifest a", 10, &created), 0);
    assert_int_equal(copa__oci_layout_note_blob(&failing, a, created), 0);
    assert_int_equal(copa__blob_store_buffer(dir, c, "shared c", 8, &created), 0);
    assert_int_equal(copa__oci_layout_note_blob(&failing, c, created), 0);
    assert_int_equal(copa__blob_store_buffer(dir, b, "manifest b", 10, &created), 0);
    assert_int_equal(copa__oci_layout_note_blob(&other, b, created), 0);
    assert_int_equal(copa__blob_store_buffer(dir, c, "shared c", 8, &created), 0);
    assert_false(created); /* the failing writer made it */
    assert_int_equal(copa__oci_layout_note_blob(&other, c, created), 0);
    assert_int_equal(copa__oci_layout_set_tag(&other, "b", manifest_type, b, 10), 0);
    assert_int_equal(copa__oci_layout_commit(&other), 0);
    copa__oci_layout_abort(&failing);
    copa__oci_layout_free(&failing);
    assert_false(exists(dir, a));
    assert_true(exists(dir, b));
    /* c is not reachable from b's entry (b is no real manifest): the failing
     * writer made it and removed it; the other writer's next commit says so. */
    assert_false(exists(dir, c));
    assert_int_equal(copa__oci_layout_note_blob(&other, c, 0), 0);
    assert_int_equal(copa__oci_layout_set_tag(&other, "c", manifest_type, c, 8), 0);
    assert_int_equal(copa__oci_layout_commit(&other), COPA_ERROR);
    assert_non_null(strstr(copa_error_last(), "was removed while this image was written"));
    copa__oci_layout_free(&other);
    assert_int_equal(copa__oci_layout_open(&other, dir), 0);
    assert_int_equal(other.index.manifest_count, 1);
    copa__oci_layout_free(&other);
    copa__remove_tree(tmp);
    free(tmp);
}

static void write_tar(const char *path, const char *entry_name, const char *link_target)
{
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();

    archive_write_set_format_pax_restricted(a);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    archive_entry_set_pathname(e, entry_name);
    if (link_target != NULL) {
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_symlink(e, link_target);
    } else {
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, 2);
    }
    archive_entry_set_perm(e, 0644);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    if (link_target == NULL)
        archive_write_data(a, "hi", 2);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
}

/* Three entries: the file "f" ("hi"), "d/up" -> "..", and "e" -> target. */
static void write_chain_tar(const char *path, const char *e_target)
{
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();

    archive_write_set_format_pax_restricted(a);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    archive_entry_set_pathname(e, "f");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, 2);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    archive_write_data(a, "hi", 2);
    archive_entry_clear(e);
    archive_entry_set_pathname(e, "d/up");
    archive_entry_set_filetype(e, AE_IFLNK);
    archive_entry_set_perm(e, 0777);
    archive_entry_set_symlink(e, "..");
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    archive_entry_set_pathname(e, "e");
    archive_entry_set_symlink(e, e_target);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
}

/* Links are followed in the index: inside is fine, any way out is refused. */
static void archive_link_chains(void **state)
{
    static const struct {
        const char *e_target, *lookup;
        int expect;
    } cases[] = {
        {"f", "e", 0},
        {"d/up/f", "e", 0},
        {"d/up/d/up/f", "e", 0},
        {"d/up/d/up/../f", "e", COPA_EINVALID},
        {"d/up/d/up/../..", "e/f", COPA_EINVALID},
        {"e", "e", COPA_EINVALID}, /* a loop: too many levels */
        {"f", "d/up/d/up/e", 0},
        {"f", "d/up/..", COPA_EINVALID},
        {"f", "/f", COPA_EINVALID},
        {"f", "d", COPA_ENOTFOUND},
    };
    char *tmp, tar[512], *path, *text;
    copa__archive_tree *tree;
    size_t i;
    (void)state;

    assert_int_equal(copa__tempdir_create(&tmp), 0);
    snprintf(tar, sizeof(tar), "%s/chain.tar", tmp);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        write_chain_tar(tar, cases[i].e_target);
        assert_int_equal(copa__archive_tree_read(&tree, tar, tmp), 0);
        if (copa__archive_tree_file(tree, cases[i].lookup, &path) != cases[i].expect)
            fail_msg("e -> %s, %s: %s", cases[i].e_target, cases[i].lookup, copa_error_last());
        if (cases[i].expect == 0) {
            assert_int_equal(copa__file_read_all(&text, NULL, path, 100), 0);
            assert_string_equal(text, "hi");
            free(text);
            free(path);
        }
        copa__archive_tree_free(tree);
        copa__remove_tree(tmp);
        assert_int_equal(copa__file_mkdirs(tmp), 0);
    }
    copa__remove_tree(tmp);
    free(tmp);
}

static void archives(void **state)
{
    static const struct {
        const char *name, *target, *message;
    } bad[] = {
        {"../escape", NULL, "unsafe path '../escape'"},
        {"/abs", NULL, "unsafe path '/abs'"},
        {"a/../../b", NULL, "unsafe path 'a/../../b'"},
        {"a/link", "../../x", "symlink 'a/link' points outside"},
        {"link", "/etc/passwd", "symlink 'link' points outside"},
    };
    char *tmp, src[512], tar[512], out[512], file[600];
    char *text, *path;
    copa__archive_tree *tree;
    size_t i;
    (void)state;

    assert_int_equal(copa__tempdir_create(&tmp), 0);
    snprintf(src, sizeof(src), "%s/src/d", tmp);
    assert_int_equal(copa__file_mkdirs(src), 0);
    snprintf(file, sizeof(file), "%s/f", src);
    assert_int_equal(copa__file_write_atomic(file, "content", 7), 0);
    snprintf(src, sizeof(src), "%s/src", tmp);
    snprintf(tar, sizeof(tar), "%s/a.tar", tmp);
    snprintf(out, sizeof(out), "%s/out", tmp);
    assert_int_equal(copa__archive_create(tar, src), 0);
    assert_int_equal(copa__file_mkdirs(out), 0);
    assert_int_equal(copa__archive_tree_read(&tree, tar, out), 0);
    assert_int_equal(copa__archive_tree_file(tree, "./d//f", &path), 0);
    assert_int_equal(copa__file_read_all(&text, NULL, path, 100), 0);
    assert_string_equal(text, "content");
    free(text);
    free(path);
    assert_int_equal(copa__archive_tree_file(tree, "d/nothing", &path), COPA_ENOTFOUND);
    copa__archive_tree_free(tree);

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(tar, sizeof(tar), "%s/bad%zu.tar", tmp, i);
        write_tar(tar, bad[i].name, bad[i].target);
        assert_int_equal(copa__archive_tree_read(&tree, tar, out), COPA_EINVALID);
        if (strstr(copa_error_last(), bad[i].message) == NULL ||
            strstr(copa_error_last(), tar) == NULL)
            fail_msg("%s: %s", bad[i].name, copa_error_last());
    }
    /* A symlink that stays inside is fine, and resolves in the index. */
    snprintf(tar, sizeof(tar), "%s/ok.tar", tmp);
    write_tar(tar, "x/y/link", "../z");
    assert_int_equal(copa__archive_tree_read(&tree, tar, out), 0);
    assert_int_equal(copa__archive_tree_file(tree, "x/y/link", &path), COPA_ENOTFOUND);
    assert_int_equal(copa__archive_tree_file(tree, "x/y/link/../../../etc/passwd", &path),
                     COPA_EINVALID);
    copa__archive_tree_free(tree);
    snprintf(tar, sizeof(tar), "%s/missing.tar", tmp);
    assert_int_equal(copa__archive_tree_read(&tree, tar, out), COPA_ENOTFOUND);
    copa__remove_tree(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tags_and_blobs),           cmocka_unit_test(writers_merge),
        cmocka_unit_test(abort_takes_back_its_own), cmocka_unit_test(archives),
        cmocka_unit_test(archive_link_chains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
