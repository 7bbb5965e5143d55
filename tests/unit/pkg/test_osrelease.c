/*
 * os-release parsing (quotes, escapes, comments, ID_LIKE), the package
 * format decision, loading through the image-files interface with the
 * /usr/lib fallback, and the cross-check with a report's OS.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkg/osrelease.h"

static void parse(copa__os_release *os, const char *text)
{
    assert_int_equal(copa__os_release_parse(os, text, strlen(text), "os-release"), 0);
}

static void debian_bookworm(void **state)
{
    copa__os_release os;
    (void)state;
    parse(&os, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
               "NAME=\"Debian GNU/Linux\"\n"
               "VERSION_ID=\"12\"\n"
               "VERSION=\"12 (bookworm)\"\n"
               "VERSION_CODENAME=bookworm\n"
               "ID=debian\n"
               "HOME_URL=\"https://www.debian.org/\"\n");
    assert_string_equal(os.id, "debian");
    assert_null(os.id_like);
    assert_string_equal(os.version_id, "12");
    assert_string_equal(os.version_codename, "bookworm");
    assert_string_equal(os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
    assert_int_equal(os.format, COPA_PKG_DEB);
    copa__os_release_free(&os);
}

static void quotes_escapes_comments(void **state)
{
    copa__os_release os;
    (void)state;
    parse(&os, "# a comment\n"
               "\n"
               "   # indented comment\n"
               "PRETTY_NAME='single \\ quoted \"x\"'\n"
               "ID=\"my\\\"os\\\\\\$\\`\"\n"
               "VERSION_ID=bare\\ word\n"
               "VERSION_CODENAME=\"con\"'cat'\r\n"
               "not an assignment\n"
               "ID_LIKE=\"ubuntu debian\"\n"
               "ID_LIKE=\"ubuntu  debian\"\n");
    assert_string_equal(os.pretty_name, "single \\ quoted \"x\"");
    assert_string_equal(os.id, "my\"os\\$`");
    assert_string_equal(os.version_id, "bare word");
    assert_string_equal(os.version_codename, "concat");
    assert_string_equal(os.id_like, "ubuntu  debian");
    assert_int_equal(os.format, COPA_PKG_DEB);
    copa__os_release_free(&os);
}

static void unterminated_quote_is_an_error(void **state)
{
    copa__os_release os;
    const char *text = "ID=debian\nPRETTY_NAME=\"Debian\n";
    (void)state;
    assert_int_equal(copa__os_release_parse(&os, text, strlen(text), "os-release"), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "os-release:2"));
    assert_non_null(strstr(copa_error_last(), "PRETTY_NAME"));
    copa__os_release_free(&os);
}

static void formats(void **state)
{
    (void)state;
    assert_int_equal(copa__os_release_format("ubuntu", NULL), COPA_PKG_DEB);
    assert_int_equal(copa__os_release_format("linuxmint", "ubuntu debian"), COPA_PKG_DEB);
    assert_int_equal(copa__os_release_format("raspbian", "debian"), COPA_PKG_DEB);
    assert_int_equal(copa__os_release_format("alpine", NULL), COPA_PKG_APK);
    assert_int_equal(copa__os_release_format("rocky", "rhel centos fedora"), COPA_PKG_RPM);
    assert_int_equal(copa__os_release_format("plan9", "bell"), COPA_PKG_UNKNOWN);
    assert_int_equal(copa__os_release_format(NULL, NULL), COPA_PKG_UNKNOWN);
    assert_true(copa__word_in_list("ubuntu debian", "debian"));
    assert_false(copa__word_in_list("ubuntu debianish", "debian"));
}

static void report_cross_check(void **state)
{
    copa__os_release os;
    (void)state;
    parse(&os, "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\n");
    assert_int_equal(copa__os_release_check_report(&os, "ubuntu", "22.04"), 0);
    assert_int_equal(copa__os_release_check_report(&os, "Ubuntu", "22.04.3"), 0);
    assert_int_equal(copa__os_release_check_report(&os, "ubuntu", "jammy"), 0);
    assert_int_equal(copa__os_release_check_report(&os, "debian", "12"), 0); /* ID_LIKE */
    assert_int_equal(copa__os_release_check_report(&os, "", NULL), 0);
    assert_int_equal(copa__os_release_check_report(&os, "ubuntu", "20.04"), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "ubuntu 20.04"));
    assert_non_null(strstr(copa_error_last(), "22.04"));
    assert_int_equal(copa__os_release_check_report(&os, "ubuntu", "2"), COPA_EINVALID);
    assert_int_equal(copa__os_release_check_report(&os, "alpine", "3.19"), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "'alpine'"));
    assert_non_null(strstr(copa_error_last(), "'ubuntu'"));
    copa__os_release_free(&os);
    parse(&os, "ID=debian\nVERSION_ID=12\n");
    assert_int_equal(copa__os_release_check_report(&os, "debian", "12.5"), 0);
    assert_int_equal(copa__os_release_check_report(&os, "debian", "11.9"), COPA_EINVALID);
    copa__os_release_free(&os);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void loads_with_usr_lib_fallback(void **state)
{
    char root[] = "/tmp/copa-osrel-XXXXXX", path[256];
    copa__image_files files;
    copa__os_release os;
    (void)state;

    assert_non_null(mkdtemp(root));
    assert_int_equal(copa__image_files_dir_open(&files, root), 0);
    assert_int_equal(copa__os_release_load(&os, &files), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "/usr/lib/os-release"));
    snprintf(path, sizeof(path), "%s/usr", root);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/usr/lib", root);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/usr/lib/os-release", root);
    write_file(path, "ID=debian\nVERSION_ID=\"13\"\n");
    assert_int_equal(copa__os_release_load(&os, &files), 0);
    assert_string_equal(os.path, "/usr/lib/os-release");
    assert_string_equal(os.version_id, "13");
    copa__os_release_free(&os);
    /* /etc/os-release wins, also as the usual relative symlink */
    snprintf(path, sizeof(path), "%s/etc", root);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/etc/os-release", root);
    assert_int_equal(symlink("../usr/lib/os-release", path), 0);
    assert_int_equal(copa__os_release_load(&os, &files), 0);
    assert_string_equal(os.path, "/etc/os-release");
    assert_int_equal(os.format, COPA_PKG_DEB);
    copa__os_release_free(&os);
    unlink(path);
    snprintf(path, sizeof(path), "%s/usr/lib/os-release", root);
    unlink(path);
    snprintf(path, sizeof(path), "%s/usr/lib", root);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/usr", root);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/etc", root);
    rmdir(path);
    rmdir(root);
    copa__image_files_dir_close(&files);
}

static void host_os_release(void **state)
{
    copa__image_files files;
    copa__os_release os;
    (void)state;
    assert_int_equal(copa__image_files_dir_open(&files, "/"), 0);
    if (copa__os_release_load(&os, &files) != 0) {
        copa__image_files_dir_close(&files);
        skip();
    }
    assert_non_null(os.id);
    copa__os_release_free(&os);
    copa__image_files_dir_close(&files);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(debian_bookworm),
        cmocka_unit_test(quotes_escapes_comments),
        cmocka_unit_test(unterminated_quote_is_an_error),
        cmocka_unit_test(formats),
        cmocka_unit_test(report_cross_check),
        cmocka_unit_test(loads_with_usr_lib_fallback),
        cmocka_unit_test(host_os_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
