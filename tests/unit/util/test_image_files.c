/*
 * The directory provider of copa__image_files: the image's symlinks are
 * followed inside the root and never lead to the host's files. Under
 * valgrind (no openat2) the same cases run through the component walk.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/image_files.h"

static char root[] = "/tmp/copa-imgfiles-XXXXXX";

static void make(const char *relative, const char *content)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", root, relative);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static void link_to(const char *relative, const char *target)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", root, relative);
    assert_int_equal(symlink(target, path), 0);
}

static void dir(const char *relative)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", root, relative);
    assert_int_equal(mkdir(path, 0755), 0);
}

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(root) == NULL)
        return -1;
    dir("etc");
    dir("usr");
    dir("usr/lib");
    make("usr/lib/os-release", "ID=debian\n");
    link_to("etc/os-release", "../usr/lib/os-release");
    link_to("etc/absolute", "/usr/lib/os-release");
    link_to("etc/escape", "../../../../../../etc/hostname-of-nobody");
    link_to("etc/passwd-of-host", "/etc/passwd");
    link_to("etc/loop", "loop");
    link_to("lib", "usr/lib");
    make("etc/b", "b");
    make("etc/a", "a");
    return 0;
}

static int teardown(void **state)
{
    char command[600];
    (void)state;
    snprintf(command, sizeof(command), "rm -rf '%s'", root);
    return system(command);
}

static void read_follows_links_inside_the_root(void **state)
{
    copa__image_files files;
    char *data;
    size_t len;
    (void)state;

    assert_int_equal(copa__image_files_dir_open(&files, root), 0);
    assert_int_equal(files.read(&data, &len, "/etc/os-release", files.payload), 0);
    assert_string_equal(data, "ID=debian\n");
    free(data);
    assert_int_equal(files.read(&data, &len, "/etc/absolute", files.payload), 0);
    assert_string_equal(data, "ID=debian\n");
    free(data);
    assert_int_equal(files.read(&data, &len, "/lib/os-release", files.payload), 0);
    assert_string_equal(data, "ID=debian\n");
    free(data);
    assert_int_equal(files.read(&data, &len, "/etc/../../../usr/lib/os-release", files.payload), 0);
    free(data);
    copa__image_files_dir_close(&files);
}

static void links_never_reach_the_host(void **state)
{
    copa__image_files files;
    char *data = NULL;
    size_t len;
    (void)state;

    assert_int_equal(copa__image_files_dir_open(&files, root), 0);
    /* /etc/passwd exists on the host but not in the image. */
    assert_int_equal(files.read(&data, &len, "/etc/passwd-of-host", files.payload), COPA_ENOTFOUND);
    assert_null(data);
    assert_non_null(strstr(copa_error_last(), "/etc/passwd-of-host"));
    assert_int_equal(files.read(&data, &len, "/etc/escape", files.payload), COPA_ENOTFOUND);
    assert_int_equal(files.read(&data, &len, "/etc/loop", files.payload), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "symbolic links"));
    assert_int_equal(files.read(&data, &len, "/nope", files.payload), COPA_ENOTFOUND);
    copa__image_files_dir_close(&files);
}

static void list_is_sorted(void **state)
{
    copa__image_files files;
    char **names;
    size_t count, i;
    (void)state;

    assert_int_equal(copa__image_files_dir_open(&files, root), 0);
    assert_int_equal(files.list(&names, &count, "/etc", files.payload), 0);
    assert_int_equal(count, 7);
    for (i = 1; i < count; i++)
        assert_true(strcmp(names[i - 1], names[i]) < 0);
    copa__image_files_free_names(names, count);
    assert_int_equal(files.list(&names, &count, "/missing", files.payload), COPA_ENOTFOUND);
    copa__image_files_dir_close(&files);
    copa__image_files_dir_close(NULL);
}

static void missing_root_is_not_found(void **state)
{
    copa__image_files files;
    (void)state;
    assert_int_equal(copa__image_files_dir_open(&files, "/nonexistent-copa-root"), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "/nonexistent-copa-root"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read_follows_links_inside_the_root),
        cmocka_unit_test(links_never_reach_the_host),
        cmocka_unit_test(list_is_sorted),
        cmocka_unit_test(missing_root_is_not_found),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
