/*
 * The release history (lib/apt/release_history.c): an older Date or a
 * changed Origin/Label than what was verified before is refused; unverified
 * Releases are neither checked nor recorded; copa processes sharing the
 * cache keep the newest Date whatever order they write in.
 */
#include "apt/apt.h"
#include "copa/errors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cmocka.h>

static char cache[] = "/tmp/copa-history-XXXXXX";

static void make_repo(copa__apt_repo *repo, long long date, const char *origin)
{
    static char text[64];
    memset(repo, 0, sizeof(*repo));
    repo->name = "http://repo.test/debian stable";
    strcpy(repo->fingerprint, "0123456789ABCDEF0123456789ABCDEF01234567");
    repo->release.date = (time_t)date;
    snprintf(text, sizeof(text), "date %lld", date);
    repo->release.date_text = text;
    repo->release.origin = origin;
    repo->release.label = "Label";
}

static int seen(long long date, const char *origin)
{
    copa__apt_repo repo;
    make_repo(&repo, date, origin);
    return copa__apt_release_history(&repo, cache);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(cache) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache);
    return system(cmd) == 0 ? 0 : -1;
}

static void older_refused(void **state)
{
    (void)state;
    assert_int_equal(seen(1000, "Origin"), 0); /* first sight */
    assert_int_equal(seen(1000, "Origin"), 0); /* the same again */
    assert_int_equal(seen(999, "Origin"), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "http://repo.test/debian stable: Release file "
                                              "dated date 999 is older than"));
    assert_non_null(strstr(copa_error_last(), "(Date: date 1000)"));
    assert_int_equal(seen(2000, "Origin"), 0);
    assert_int_equal(seen(1000, "Origin"), COPA_EVERIFY); /* the newest counts */
}

static void origin_change_refused(void **state)
{
    copa__apt_repo repo;
    (void)state;
    assert_int_equal(seen(3000, "Other"), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "changed its Origin from 'Origin' to 'Other'"));
    make_repo(&repo, 3000, "Origin");
    repo.release.label = NULL;
    assert_int_equal(copa__apt_release_history(&repo, cache), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "changed its Label from 'Label' to ''"));
}

static void unverified_ignored(void **state)
{
    copa__apt_repo repo;
    (void)state;
    make_repo(&repo, 1, "Forged");
    repo.fingerprint[0] = '\0'; /* accepted only through an insecure option */
    assert_int_equal(copa__apt_release_history(&repo, cache), 0);
    make_repo(&repo, 9999999, "Forged");
    repo.src.trusted = 1;
    assert_int_equal(copa__apt_release_history(&repo, cache), 0);
    /* verified, but accepted only by ignoring its time (a Date years ahead):
     * checked against the history, not recorded as the new bar */
    make_repo(&repo, 9999999, "Origin");
    repo.insecure = 1;
    assert_int_equal(copa__apt_release_history(&repo, cache), 0);
    make_repo(&repo, 1500, "Origin");
    repo.insecure = 1;
    assert_int_equal(copa__apt_release_history(&repo, cache), COPA_EVERIFY);
    /* neither was recorded: the verified history is unchanged */
    assert_int_equal(seen(2000, "Origin"), 0);
}

/*
 * Writers racing: each child records its own interleaved dates in rising
 * order; whatever the interleaving, the file ends with the newest of all.
 */
static void concurrent_newest_wins(void **state)
{
    enum { CHILDREN = 6, EACH = 150, BASE = 100000 };
    pid_t pids[CHILDREN];
    int i, status;
    (void)state;
    for (i = 0; i < CHILDREN; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            int j;
            for (j = 0; j < EACH; j++)
                (void)seen(BASE + (long long)j * CHILDREN + i, "Origin");
            _exit(0);
        }
    }
    for (i = 0; i < CHILDREN; i++) {
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    assert_int_equal(seen(BASE + (long long)EACH * CHILDREN - 2, "Origin"), COPA_EVERIFY);
    assert_int_equal(seen(BASE + (long long)EACH * CHILDREN - 1, "Origin"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(older_refused),
        cmocka_unit_test(origin_change_refused),
        cmocka_unit_test(unverified_ignored),
        cmocka_unit_test(concurrent_newest_wins),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
