/* Trust-anchor selection and the directory view of an image root. */
#include "apt/apt.h"
#include "util/file.h"
#include "copa/errors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static void test_is_fingerprint(void **state)
{
    (void)state;
    assert_true(copa__apt_is_fingerprint("B590B8337BFDD3EABFDEDC4474D78787E4B1633E"));
    assert_true(copa__apt_is_fingerprint("b590b8337bfdd3eabfdedc4474d78787e4b1633e!"));
    assert_false(copa__apt_is_fingerprint("/usr/share/keyrings/debian-archive-keyring.gpg"));
    assert_false(copa__apt_is_fingerprint("74D78787E4B1633E")); /* a key ID is not enough */
    assert_false(copa__apt_is_fingerprint("B590B8337BFDD3EABFDEDC4474D78787E4B1633E!!"));
    assert_false(copa__apt_is_fingerprint(""));
}

static void test_kind(void **state)
{
    const char *file[] = {"/k.gpg"}, *fpr[] = {"B590B8337BFDD3EABFDEDC4474D78787E4B1633E"},
               *mixed[] = {"/k.gpg", "B590B8337BFDD3EABFDEDC4474D78787E4B1633E"};
    copa__apt_source s;
    (void)state;
    memset(&s, 0, sizeof(s));
    assert_int_equal(copa__apt_anchor_kind_of(&s), COPA__ANCHOR_DEFAULT);
    s.signed_by = file;
    s.signed_by_count = 1;
    assert_int_equal(copa__apt_anchor_kind_of(&s), COPA__ANCHOR_FILES);
    s.signed_by = fpr;
    assert_int_equal(copa__apt_anchor_kind_of(&s), COPA__ANCHOR_FINGERPRINTS);
    s.signed_by = mixed;
    s.signed_by_count = 2;
    assert_int_equal(copa__apt_anchor_kind_of(&s), COPA__ANCHOR_FILES);
    s.signed_by_key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n";
    assert_int_equal(copa__apt_anchor_kind_of(&s), COPA__ANCHOR_INLINE);
}

static char root[] = "/tmp/copa-anchors-XXXXXX";

static void put(const char *rel, const char *text)
{
    char p[512];
    FILE *f;
    snprintf(p, sizeof(p), "%s%s", root, rel);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_default_paths_and_fs(void **state)
{
    char p[512], **paths, *data;
    size_t n, len;
    int rc;
    copa__image_files fs;
    copa__apt_source src;
    copa__pgp_keyring *kr;
    (void)state;
    assert_non_null(mkdtemp(root));
    snprintf(p, sizeof(p), "%s/etc/apt/trusted.gpg.d", root);
    assert_int_equal(copa__file_mkdirs(p), 0);
    put("/etc/apt/trusted.gpg.d/b.asc", "");
    put("/etc/apt/trusted.gpg.d/a.gpg", "");
    put("/etc/apt/trusted.gpg.d/c.gpg~", "x"); /* not an anchor name */
    put("/etc/apt/trusted.gpg.d/README", "x");
    put("/secret", "inside");
    /* An absolute symlink stays inside the root. */
    snprintf(p, sizeof(p), "%s/etc/link", root);
    assert_int_equal(symlink("/secret", p), 0);
    snprintf(p, sizeof(p), "%s/etc/escape", root);
    assert_int_equal(symlink("../../../../../../etc/hostname", p), 0);

    assert_int_equal(copa__image_files_dir_open(&fs, root), 0);
    assert_int_equal(copa__apt_default_anchor_paths(&paths, &n, &fs), 0);
    assert_int_equal(n, 3);
    assert_string_equal(paths[0], "/etc/apt/trusted.gpg");
    assert_string_equal(paths[1], "/etc/apt/trusted.gpg.d/a.gpg");
    assert_string_equal(paths[2], "/etc/apt/trusted.gpg.d/b.asc");
    copa__image_files_free_names(paths, n);

    /* With openat2 the link resolves inside the root; without it (valgrind,
     * old kernels) symlinks are refused. Either way the host is never read. */
    rc = fs.read(&data, &len, "/etc/link", fs.payload);
    if (rc == 0)
        assert_string_equal(data, "inside");
    else
        assert_int_equal(rc, COPA_EUNSUPPORTED);
    free(data);
    /* ".." cannot climb out of the root either. */
    rc = fs.read(&data, &len, "/etc/escape", fs.payload);
    assert_true(rc == COPA_ENOTFOUND || rc == COPA_EUNSUPPORTED);
    assert_int_equal(fs.read(&data, &len, "/nope", fs.payload), COPA_ENOTFOUND);

    /* Default anchors, all empty files: an empty keyring, no error. */
    memset(&src, 0, sizeof(src));
    src.file = "/etc/apt/sources.list";
    assert_int_equal(copa__apt_anchor_keyring(&kr, &src, &fs), 0);
    assert_int_equal(copa__pgp_keyring_count(kr), 0);
    copa__pgp_keyring_free(kr);
    /* A Signed-By file that is missing is an error naming it. */
    {
        const char *sb[] = {"/usr/share/keyrings/missing.gpg"};
        src.signed_by = sb;
        src.signed_by_count = 1;
        assert_int_equal(copa__apt_anchor_keyring(&kr, &src, &fs), COPA_ENOTFOUND);
        assert_non_null(strstr(copa_error_last(), "/usr/share/keyrings/missing.gpg"));
        assert_null(kr);
    }
    copa__image_files_dir_close(&fs);
    snprintf(p, sizeof(p), "rm -rf '%s'", root);
    assert_int_equal(system(p), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_fingerprint),
        cmocka_unit_test(test_kind),
        cmocka_unit_test(test_default_paths_and_fs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
