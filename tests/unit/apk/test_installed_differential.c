/*
 * The installed database against apk-tools 2.14.10 itself (the oracle
 * scripts/build-oracles.sh builds; COPA_APK_ORACLE names it): apk-tools
 * installs small .apk packages built by make_test_apks.py (provides,
 * so:/cmd: names, install_if, a provider priority, replaces, setuid and
 * 0640 files, a symlink, a 0700 directory) into a fresh root, then
 * upgrades one, adds one and deletes one. After each step:
 *  - copa reads apk-tools' database and writes it back byte for byte;
 *  - copa makes the same change to the previous database (the changed
 *    package's fields put in, or the package removed) and writes exactly
 *    what apk-tools wrote: untouched stanzas kept, the changed stanza in
 *    apk-tools' field order and place.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>

#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>

#include "../version/differential.h"
#include "apk/installed.h"
#include "test_support.h"

static char root_dir[] = "/tmp/copa-apk-db-XXXXXX";
static char packages[256], root[256], log_path[256];
static const char *apk;

/* Run a command; on failure print its output and fail the test. */
static void run(char *const argv[])
{
    int status;
    pid_t pid = spawn_to_files(argv, log_path, log_path);

    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        size_t len;
        char *out = test_read_file(log_path, &len);
        fail_msg("%s %s failed:\n%s", argv[0], argv[1], out);
    }
}

static void apk_tools(const char *action, const char *package_file, int initdb)
{
    char file[PATH_MAX];
    char *argv[12];
    int n = 0;

    argv[n++] = (char *)apk;
    argv[n++] = "--root";
    argv[n++] = root;
    if (initdb)
        argv[n++] = "--initdb";
    argv[n++] = "--allow-untrusted";
    argv[n++] = "--no-network";
    argv[n++] = "--no-scripts";
    argv[n++] = "--quiet";
    argv[n++] = (char *)action;
    if (strcmp(action, "add") == 0) {
        snprintf(file, sizeof(file), "%s/%s", packages, package_file);
        argv[n++] = file;
    } else {
        argv[n++] = (char *)package_file;
    }
    argv[n] = NULL;
    run(argv);
}

/* apk-tools' current database, parsed; its text in *text. */
static copa__apk_installed *current(char **text, size_t *len)
{
    char path[PATH_MAX + 32];
    copa__apk_installed *db = NULL;

    snprintf(path, sizeof(path), "%s/lib/apk/db/installed", root);
    *text = test_read_file(path, len);
    assert_int_equal(copa__apk_installed_parse(&db, path, *text, *len), 0);
    return db;
}

static void assert_writes(const copa__apk_installed *db, const char *expected, size_t len,
                          const char *step)
{
    copa__buf out = COPA__BUF_INIT;

    assert_int_equal(copa__apk_installed_write(&out, db), 0);
    if (out.length != len || memcmp(out.data, expected, len) != 0)
        fail_msg("%s: copa wrote\n%s\n--- apk-tools wrote\n%.*s", step,
                 out.data != NULL ? out.data : "", (int)len, expected);
    copa__buf_free(&out);
}

/* The step's change made by copa on `before` must give apk-tools' `after`. */
static void same_change(copa__apk_installed *before, const char *put_name, const char *removed,
                        const char *step)
{
    char *text;
    size_t len;
    copa__apk_installed *after = current(&text, &len);

    assert_writes(after, text, len, "read and written back unchanged");
    if (put_name != NULL)
        assert_int_equal(copa__apk_installed_put(before, copa__apk_installed_find(after, put_name)),
                         0);
    if (removed != NULL)
        assert_int_equal(copa__apk_installed_remove(before, removed), 0);
    assert_writes(before, text, len, step);
    copa__apk_installed_free(after);
    free(text);
}

static void same_database_as_apk_tools(void **state)
{
    char *text;
    size_t len;
    copa__apk_installed *db;
    char *make[] = {"python3", NULL, packages, NULL};
    char script[PATH_MAX];
    (void)state;

    snprintf(script, sizeof(script), "%s/tests/unit/apk/make_test_apks.py", COPA_TEST_SOURCE_DIR);
    make[1] = script;
    run(make);

    apk_tools("add", "libfoo-2.0-r1.apk", 1);
    apk_tools("add", "hello-1.0-r0.apk", 0);
    db = current(&text, &len);
    assert_writes(db, text, len, "first install, read and written back");
    apk_tools("add", "foo-doc-2.0-r1.apk", 0);
    same_change(db, "foo-doc", NULL, "a package added");
    free(text);
    copa__apk_installed_free(db);

    db = current(&text, &len);
    apk_tools("add", "hello-1.1-r0.apk", 0);
    same_change(db, "hello", NULL, "a package upgraded");
    free(text);
    copa__apk_installed_free(db);

    db = current(&text, &len);
    apk_tools("add", "Alpha-tool-0.1_rc2-r0.apk", 0);
    same_change(db, "Alpha-tool", NULL, "a package added, sorted first case-folded");
    free(text);
    copa__apk_installed_free(db);

    db = current(&text, &len);
    apk_tools("del", "hello", 0);
    same_change(db, NULL, "hello", "a package deleted");
    free(text);
    copa__apk_installed_free(db);
}

static int make_dirs(void **state)
{
    (void)state;
    if (mkdtemp(root_dir) == NULL)
        return -1;
    snprintf(packages, sizeof(packages), "%s/packages", root_dir);
    snprintf(root, sizeof(root), "%s/root", root_dir);
    snprintf(log_path, sizeof(log_path), "%s/log", root_dir);
    return mkdir(packages, 0755) == 0 && mkdir(root, 0755) == 0 ? 0 : -1;
}

static int remove_dirs(void **state)
{
    char *argv[] = {"rm", "-rf", root_dir, NULL};
    int status;
    pid_t pid = spawn_to_files(argv, NULL, NULL);
    (void)state;
    return pid > 0 && waitpid(pid, &status, 0) == pid ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_database_as_apk_tools),
    };
    const char *env = getenv("COPA_APK_ORACLE");
    char libdir[PATH_MAX];
    struct stat st;

    if (env == NULL || *env == '\0' || stat(env, &st) != 0 || !(st.st_mode & S_IXUSR)) {
        printf("SKIP: apk-tools oracle not built: ../shared/oracles absent "
               "(scripts/build-oracles.sh; COPA_APK_ORACLE='%s')\n",
               env != NULL ? env : "");
        return 77;
    }
    apk = env;
    snprintf(libdir, sizeof(libdir), "%s", apk); /* libapk.so sits beside the binary */
    setenv("LD_LIBRARY_PATH", dirname(libdir), 1);
    return cmocka_run_group_tests(tests, make_dirs, remove_dirs);
}
