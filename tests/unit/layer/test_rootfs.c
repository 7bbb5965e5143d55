/*
 * The merged rootfs view: whiteouts, opaque directories, symlink
 * resolution (loops, escapes, merged-/usr), hardlinks, kept contents,
 * failed layers, the memory per entry of a 100k-entry image, and file
 * capabilities (security.capability) carried by the entries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>

#include "layer_helpers.h"

static copa__rootfs *view_of(const char *const *bodies, size_t count)
{
    copa__rootfs *fs;
    size_t i;

    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    for (i = 0; i < count; i++) {
        char name[48];
        snprintf(name, sizeof(name), "layer%zu.tar.gz", i);
        assert_int_equal(lh_python_tar(lh_path(name), "gz", bodies[i]), 0);
        assert_int_equal(lh_add_layer(fs, lh_path(name), LH_GZIP, NULL, NULL), 0);
    }
    return fs;
}

static int exists(const copa__rootfs *fs, const char *path)
{
    copa__rootfs_stat st;

    return copa__rootfs_stat_path(&st, fs, path, 0) == 0;
}

static char *listing(const copa__rootfs *fs, const char *path)
{
    const char **names;
    size_t count, i;
    static char out[1024];

    out[0] = '\0';
    assert_int_equal(copa__rootfs_list(&names, &count, fs, path), 0);
    for (i = 0; i < count; i++) {
        strcat(out, names[i]);
        strcat(out, i + 1 < count ? "," : "");
    }
    free(names);
    return out;
}

static void whiteouts_hide_lower_entries(void **state)
{
    const char *layers[] = {
        "d('etc')\nf('etc/a', b'a')\nf('etc/b', b'b')\nd('dir')\nd('dir/x')\nf('dir/x/y')",
        /* the whiteout of 'c' comes after 'c' in this same layer: c stays */
        "f('etc/c', b'c')\nf('etc/.wh.a')\nf('.wh.dir')\nf('etc/.wh.c')\nf('etc/.wh.nothing')"};
    copa__rootfs *fs = view_of(layers, 2);

    (void)state;
    assert_false(exists(fs, "/etc/a"));
    assert_false(exists(fs, "/dir"));
    assert_false(exists(fs, "/dir/x/y"));
    assert_false(exists(fs, "/etc/.wh.a"));
    assert_string_equal(listing(fs, "/etc"), "b,c");
    assert_string_equal(listing(fs, "/"), "etc");
    copa__rootfs_free(fs);
}

static void opaque_directories_hide_lower_contents(void **state)
{
    const char *layers[] = {
        "d('opt')\nd('opt/app')\nf('opt/app/old')\nd('opt/app/sub')\nf('opt/app/sub/old2')\n"
        "f('opt/keep')",
        /* new entries before and after the marker both stay */
        "f('opt/app/new1', b'1')\nf('opt/app/.wh..wh..opq')\nf('opt/app/sub/new2')"};
    copa__rootfs *fs = view_of(layers, 2);
    copa__rootfs_stat st;

    (void)state;
    assert_string_equal(listing(fs, "/opt/app"), "new1,sub");
    assert_string_equal(listing(fs, "/opt/app/sub"), "new2");
    assert_string_equal(listing(fs, "/opt"), "app,keep");
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "opt/app/new1", 0), 0);
    assert_int_equal(st.layer, 1);
    copa__rootfs_free(fs);
}

static void replacing_types_across_layers(void **state)
{
    const char *layers[] = {"d('a')\nf('a/child')\nf('b', b'file')",
                            "f('a', b'now a file')\nd('b')\nf('b/inside')"};
    copa__rootfs *fs = view_of(layers, 2);
    copa__rootfs_stat st;

    (void)state;
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "a", 0), 0);
    assert_int_equal(st.type, COPA__ENTRY_FILE);
    assert_int_equal(st.size, 10);
    assert_false(exists(fs, "a/child"));
    assert_string_equal(listing(fs, "b"), "inside");
    copa__rootfs_free(fs);
}

static void symlinks_resolve_inside_the_root(void **state)
{
    const char *layers[] = {
        "d('etc')\nf('etc/passwd', b'root:x:0:0::/root:/bin/sh\\n')\n"
        "l('abs', '/etc/passwd')\nl('rel', 'etc/../etc/./passwd')\n"
        "l('escape', '../../../../../etc/passwd')\nl('escape_abs', '/../../etc')\n"
        "l('loop1', 'loop2')\nl('loop2', 'loop1')\nl('self', 'self')\n"
        "l('dangling', '/nowhere')\nd('deep')\nl('deep/up', '..')"};
    copa__rootfs *fs = view_of(layers, 1);
    copa__rootfs_stat st;
    const void *data;
    size_t length;
    char *real;

    (void)state;
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "abs", 0), 0);
    assert_int_equal(st.type, COPA__ENTRY_SYMLINK);
    assert_string_equal(st.link, "/etc/passwd");
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "abs", 1), 0);
    assert_int_equal(st.type, COPA__ENTRY_FILE);
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "/rel"), 0);
    assert_int_equal(length, 26);
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "/escape"), 0);
    assert_memory_equal(data, "root:", 5);
    assert_int_equal(copa__rootfs_realpath(&real, fs, "/escape_abs/passwd"), 0);
    assert_string_equal(real, "/etc/passwd");
    free(real);
    assert_int_equal(copa__rootfs_realpath(&real, fs, "/deep/up/deep/up/etc/../../.."), 0);
    assert_string_equal(real, "/");
    free(real);
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "loop1", 1), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "too many levels of symbolic links"));
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "self/x", 0), COPA_EINVALID);
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "loop1", 0), 0);
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "dangling", 1), COPA_ENOTFOUND);
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "etc/passwd/x", 0), COPA_ENOTFOUND);
    copa__rootfs_free(fs);
}

static void merged_usr_paths_go_through_the_lib_symlink(void **state)
{
    const char *layers[] = {
        "d('usr')\nd('usr/lib')\nd('usr/bin')\nl('lib', 'usr/lib')\nl('bin', 'usr/bin')",
        /* written through the symlink, as some builders do */
        "d('lib/apk')\nd('lib/apk/db')\nf('lib/apk/db/installed', b'P:musl\\n')\n"
        "f('bin/sh', b'ELF', 0o755)"};
    copa__rootfs *fs = view_of(layers, 2);
    copa__rootfs_stat st;
    const void *data;
    size_t length;

    (void)state;
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "/usr/lib/apk/db/installed", 0), 0);
    assert_int_equal(st.layer, 1);
    assert_true(st.kept);
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "/lib/apk/db/installed"), 0);
    assert_int_equal(length, 7);
    assert_memory_equal(data, "P:musl\n", 7);
    assert_string_equal(listing(fs, "/lib"), "apk");
    assert_string_equal(listing(fs, "/"), "bin,lib,usr");
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "/bin/sh"), COPA_EUNSUPPORTED);
    copa__rootfs_free(fs);
}

static void merged_usr_prefix_in_same_layer(void **state)
{
    /* usr/lib/... written directly, after the symlink: still kept via /lib/apk/db */
    const char *layers[] = {"l('lib', 'usr/lib')\nd('usr')\nd('usr/lib')\nd('usr/lib/apk')\n"
                            "d('usr/lib/apk/db')\nf('usr/lib/apk/db/installed', b'x')"};
    copa__rootfs_options options;
    copa__rootfs *fs;
    const char *prefixes[] = {"/lib/apk/db"};
    const void *data;
    size_t length;

    (void)state;
    copa__rootfs_options_init(&options);
    options.keep_prefixes = prefixes;
    options.keep_prefix_count = 1;
    assert_int_equal(copa__rootfs_new(&fs, &options), 0);
    assert_int_equal(lh_python_tar(lh_path("mu.tar"), "", layers[0]), 0);
    assert_int_equal(lh_add_layer(fs, lh_path("mu.tar"), LH_TAR, NULL, NULL), 0);
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "/usr/lib/apk/db/installed"), 0);
    assert_int_equal(length, 1);
    copa__rootfs_free(fs);
}

static void hardlinks_copy_their_target(void **state)
{
    const char *layers[] = {"d('etc')\nf('etc/orig', b'shared', 0o600, 7, 8)\n"
                            "h('etc/other', 'etc/orig')",
                            "h('etc/third', 'etc/orig')\nh('etc/from-lower', 'etc/other')"};
    copa__rootfs *fs = view_of(layers, 2);
    copa__rootfs_stat st;
    const void *data;
    size_t length;

    (void)state;
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "etc/third", 0), 0);
    assert_int_equal(st.type, COPA__ENTRY_FILE);
    assert_true(st.hardlink);
    assert_int_equal(st.mode, 0600);
    assert_int_equal(st.uid, 7);
    assert_int_equal(st.size, 6);
    assert_int_equal(st.layer, 1);
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "etc/from-lower"), 0);
    assert_memory_equal(data, "shared", 6);
    copa__rootfs_free(fs);
    {
        const char *bad[] = {"h('x', 'missing')"};
        copa__rootfs *view;
        assert_int_equal(copa__rootfs_new(&view, NULL), 0);
        assert_int_equal(lh_python_tar(lh_path("bad.tar"), "", bad[0]), 0);
        assert_int_equal(lh_add_layer(view, lh_path("bad.tar"), LH_TAR, NULL, NULL), COPA_EINVALID);
        assert_non_null(strstr(copa_error_last(), "hardlink 'x' to missing 'missing'"));
        copa__rootfs_free(view);
    }
}

static void contents_kept_by_prefix_and_size(void **state)
{
    const char *layers[] = {"d('etc')\nf('etc/small', b'12345')\nf('etc/big', b'x' * 2000)\n"
                            "d('var')\nd('var/lib')\nd('var/lib/dpkg')\n"
                            "f('var/lib/dpkg/status', b'Package: a\\n')\nf('etcetera', b'no')\n"
                            "f('etc/empty')"};
    copa__rootfs_options options;
    copa__rootfs *fs;
    const void *data;
    size_t length;

    (void)state;
    copa__rootfs_options_init(&options);
    options.keep_max_size = 1000;
    assert_int_equal(copa__rootfs_new(&fs, &options), 0);
    assert_int_equal(lh_python_tar(lh_path("k.tar.gz"), "gz", layers[0]), 0);
    assert_int_equal(lh_add_layer(fs, lh_path("k.tar.gz"), LH_GZIP, NULL, NULL), 0);
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "etc/small"), 0);
    assert_memory_equal(data, "12345", 5);
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "var/lib/dpkg/status"), 0);
    assert_int_equal(length, 11);
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "etc/empty"), 0);
    assert_int_equal(length, 0);
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "etc/big"), COPA_EUNSUPPORTED);
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "etcetera"), COPA_EUNSUPPORTED);
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "etc"), COPA_EINVALID);
    assert_int_equal(copa__rootfs_read(&data, &length, fs, "etc/none"), COPA_ENOTFOUND);
    copa__rootfs_free(fs);
}

static void failed_layer_makes_the_view_unusable(void **state)
{
    static const char wrong[] =
        "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    copa__rootfs *fs;
    copa__rootfs_stat st;

    (void)state;
    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(lh_python_tar(lh_path("f.tar.gz"), "gz", "f('a')"), 0);
    assert_int_equal(lh_add_layer(fs, lh_path("f.tar.gz"), LH_GZIP, wrong, NULL), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), wrong));
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "a", 0), COPA_EINVALID);
    assert_int_equal(lh_add_layer(fs, lh_path("f.tar.gz"), LH_GZIP, NULL, NULL), COPA_EINVALID);
    copa__rootfs_free(fs);
    copa__rootfs_free(NULL);
}

static void memory_per_entry_of_a_large_image(void **state)
{
    copa__layer_writer_options options;
    copa__layer_writer *w;
    copa__layer_result r;
    copa__layer_wentry e;
    copa__rootfs *fs;
    char path[128];
    int i;

    (void)state;
    copa__layer_writer_options_init(&options);
    options.compression = COPA__COMPRESSION_NONE;
    assert_int_equal(copa__layer_writer_new(&w, &options), 0);
    memset(&e, 0, sizeof(e));
    e.mtime = COPA__MTIME_EPOCH;
    for (i = 0; i < 1000; i++) {
        snprintf(path, sizeof(path), "usr/share/package-%04d", i);
        e.path = path;
        e.type = COPA__ENTRY_DIR;
        e.mode = 0755;
        assert_int_equal(copa__layer_writer_add(w, &e), 0);
    }
    for (i = 0; i < 99000; i++) {
        snprintf(path, sizeof(path), "usr/share/package-%04d/file-%06d.txt", i % 1000, i);
        e.path = path;
        e.type = COPA__ENTRY_FILE;
        e.mode = 0644;
        assert_int_equal(copa__layer_writer_add_file(w, &e, "data", 4), 0);
    }
    assert_int_equal(copa__layer_writer_finish_path(w, lh_path("big.tar"), &r), 0);
    copa__layer_writer_free(w);
    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(lh_add_layer(fs, lh_path("big.tar"), LH_TAR, r.digest, r.diff_id), 0);
    assert_int_equal(copa__rootfs_entry_count(fs), 100002);
    printf("rootfs view: %zu entries, %zu bytes, %.1f bytes/entry\n", copa__rootfs_entry_count(fs),
           copa__rootfs_memory(fs),
           (double)copa__rootfs_memory(fs) / (double)copa__rootfs_entry_count(fs));
    assert_true(copa__rootfs_memory(fs) / copa__rootfs_entry_count(fs) < 200);
    copa__rootfs_free(fs);
}

/* Write one uncompressed layer with our writer; `cap` on the file entries when set. */
static void cap_layer(const char *name, const char *path, const char *hardlink, int cap)
{
    static const unsigned char value[20] = {1, 0, 0, 2, 0, 0x20};
    copa__xattr x = {"security.capability", value, sizeof(value)};
    copa__layer_writer_options options;
    copa__layer_writer *w;
    copa__layer_result r;
    copa__layer_wentry e;

    copa__layer_writer_options_init(&options);
    options.compression = COPA__COMPRESSION_NONE;
    assert_int_equal(copa__layer_writer_new(&w, &options), 0);
    memset(&e, 0, sizeof(e));
    e.mtime = COPA__MTIME_EPOCH;
    e.path = "usr/bin";
    e.type = COPA__ENTRY_DIR;
    e.mode = 0755;
    assert_int_equal(copa__layer_writer_add(w, &e), 0);
    e.path = path;
    e.type = COPA__ENTRY_FILE;
    e.xattrs = cap ? &x : NULL;
    e.xattr_count = cap ? 1 : 0;
    assert_int_equal(copa__layer_writer_add_file(w, &e, "elf", 3), 0);
    if (hardlink != NULL) {
        e.path = hardlink;
        e.type = COPA__ENTRY_HARDLINK;
        e.link = path;
        e.xattrs = NULL;
        e.xattr_count = 0;
        assert_int_equal(copa__layer_writer_add(w, &e), 0);
    }
    assert_int_equal(copa__layer_writer_finish_path(w, lh_path(name), &r), 0);
    copa__layer_writer_free(w);
}

static void file_capabilities_follow_their_file(void **state)
{
    copa__rootfs *fs;
    copa__rootfs_stat st;
    const unsigned char *v;

    (void)state;
    cap_layer("cap0.tar", "usr/bin/ping", "usr/bin/ping4", 1);
    cap_layer("cap1.tar", "usr/bin/other", NULL, 0);
    cap_layer("cap2.tar", "usr/bin/ping", NULL, 0);
    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(lh_add_layer(fs, lh_path("cap0.tar"), LH_TAR, NULL, NULL), 0);
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "/usr/bin/ping", 0), 0);
    assert_int_equal(st.capability_length, 20);
    v = st.capability;
    assert_int_equal(v[3], 2);    /* VFS_CAP_REVISION_2 */
    assert_int_equal(v[5], 0x20); /* cap_net_raw, bit 13 */
    /* A hardlink is the same inode: the same capability. */
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "/usr/bin/ping4", 0), 0);
    assert_int_equal(st.capability_length, 20);
    assert_int_equal(lh_add_layer(fs, lh_path("cap1.tar"), LH_TAR, NULL, NULL), 0);
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "/usr/bin/other", 0), 0);
    assert_null(st.capability);
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "/usr/bin/ping", 0), 0);
    assert_non_null(st.capability);
    /* A later layer's file without one replaces it, capability included. */
    assert_int_equal(lh_add_layer(fs, lh_path("cap2.tar"), LH_TAR, NULL, NULL), 0);
    assert_int_equal(copa__rootfs_stat_path(&st, fs, "/usr/bin/ping", 0), 0);
    assert_null(st.capability);
    assert_int_equal(st.capability_length, 0);
    copa__rootfs_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whiteouts_hide_lower_entries),
        cmocka_unit_test(opaque_directories_hide_lower_contents),
        cmocka_unit_test(replacing_types_across_layers),
        cmocka_unit_test(symlinks_resolve_inside_the_root),
        cmocka_unit_test(merged_usr_paths_go_through_the_lib_symlink),
        cmocka_unit_test(merged_usr_prefix_in_same_layer),
        cmocka_unit_test(hardlinks_copy_their_target),
        cmocka_unit_test(contents_kept_by_prefix_and_size),
        cmocka_unit_test(failed_layer_makes_the_view_unusable),
        cmocka_unit_test(memory_per_entry_of_a_large_image),
        cmocka_unit_test(file_capabilities_follow_their_file),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    lh_cleanup();
    return rc;
}
