/*
 * Differential test of the apk ordering against apk-tools itself (the 2.14.10
 * oracle scripts/build-oracles.sh builds; COPA_APK_ORACLE names it): generated
 * version pairs biased towards the tricky cases (leading zeros, long numbers,
 * letters, every suffix with and without a number, -rN, ~hash, invalid text,
 * shared prefixes) must be judged valid or invalid like `apk version -c` and,
 * when valid, ordered like `apk version -t A B`.
 *
 * `apk version -t` compares one pair per process (about 10 ms each), so the
 * pairs run in several processes at once. The seed is fixed (COPA_TEST_SEED
 * overrides it) so a failure replays exactly.
 *
 * Known differences between apk-tools generations are not counted as
 * disagreements: see apk_generation_difference().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>

#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>

#include "differential.h"

#define PAIRS 10000
#define IN_FLIGHT 6
#define VALIDATE_CHUNK 500

static const char *const suffixes[] = {"alpha", "beta", "pre", "rc", "cvs",
                                       "svn",   "git",  "hg",  "p"};

/* 1-3 digits; now and then leading zeros, a long number, a too long one. */
static void gen_number(strbuf *sb)
{
    unsigned n = 1 + rnd(3), i;

    if (chance(4))
        sb_puts(sb, chance(50) ? "0" : "00");
    if (chance(4))
        n = 8 + rnd(10);
    else if (chance(1))
        n = 18 + rnd(5);
    for (i = 0; i < n; i++)
        sb_putc(sb, (char)('0' + rnd(10)));
}

static void gen_version(strbuf *sb)
{
    unsigned i, n;

    sb->len = 0;
    sb->data[0] = '\0';
    gen_number(sb);
    for (i = 0, n = rnd(4); i < n; i++) {
        sb_putc(sb, '.');
        gen_number(sb);
    }
    if (chance(15))
        sb_putc(sb, pick("abcxyz"));
    for (i = 0, n = chance(35) ? 1 + rnd(2) : 0; i < n; i++) {
        sb_putc(sb, '_');
        sb_puts(sb, suffixes[rnd(9)]);
        if (chance(60))
            gen_number(sb);
    }
    if (chance(4)) {
        sb_putc(sb, '~');
        for (i = 0, n = 1 + rnd(8); i < n; i++)
            sb_putc(sb, pick("0123456789abcdef"));
    }
    if (chance(50)) {
        sb_puts(sb, "-r");
        gen_number(sb);
    }
}

/* A small edit: equal prefixes, and now and then an invalid string. */
static void mutate(strbuf *sb)
{
    static const char *const tails[] = {".1",   "a",     "_p1", "_rc1", "-r1",         "_alpha",
                                        "_pre", "~abc1", ".0",  "-r0",  "_git20240101"};
    static const char *const junk[] = {"", ".", "_", "-", "-r", "~", "A", "_foo", "..", "-r1-r2"};
    size_t pos = rnd((unsigned)sb->len);
    char *suffix = strrchr(sb->data, '_');

    if (suffix != NULL && chance(25)) {
        /* another suffix in the same place: their order decides */
        strbuf rest;
        size_t name = strspn(suffix + 1, "abcdefghijklmnopqrstuvwxyz");
        rest.len = 0;
        rest.data[0] = '\0';
        sb_puts(&rest, suffix + 1 + name);
        sb->len = (size_t)(suffix + 1 - sb->data);
        sb->data[sb->len] = '\0';
        sb_puts(sb, suffixes[rnd(9)]);
        sb_puts(sb, rest.data);
        return;
    }
    switch (rnd(6)) {
    case 0:
        if (sb->data[pos] >= '0' && sb->data[pos] <= '9')
            sb->data[pos] = (char)('0' + rnd(10));
        break;
    case 1:
        sb_puts(sb, tails[rnd(sizeof(tails) / sizeof(tails[0]))]);
        break;
    case 2:
        if (sb->len > 1)
            sb->data[--sb->len] = '\0';
        break;
    case 3:
        if (sb->len + 1 < sizeof(sb->data)) {
            memmove(sb->data + pos + 1, sb->data + pos, sb->len - pos + 1);
            sb->data[pos] = chance(20) ? '0' : (char)('1' + rnd(9));
            sb->len++;
        }
        break;
    case 4:
        if (chance(30))
            sb_puts(sb, junk[rnd(sizeof(junk) / sizeof(junk[0]))]);
        break;
    default:
        sb->data[pos] = pick(".0_a9-r~");
        break;
    }
}

static int copa_valid(const char *s)
{
    return copa_version_valid(COPA_PKG_APK, s) == 0;
}

/*
 * Where apk-tools 2.14 (the oracle) and apk-tools 3 (what lib/version/apk.c
 * follows, docs/versions.md) differ by design, the pair is left out:
 *  - `~hash`: an apk-tools 3 addition; 2.14 rejects the '~'.
 *  - a number of 18 or more digits: 2.14 rejects it, 3 accepts it.
 *  - a dot-number with a leading zero ("1.02", "1.00"): 2.14 counts the
 *    zeros and then the value ("1.0" > "1.00", "1.010" > "1.02"); 3 compares
 *    such segments as strings ("1.0" < "1.00", "1.010" < "1.02").
 * Everything else must agree. Validity is checked one way: every version
 * copa accepts (the apk-tools 3 grammar) must be valid for 2.14 too; 2.14
 * also accepts text 3 rejects ("4_", "1.0-r", "r1", "1-r1-r2"), which is
 * counted, not failed.
 */
static int apk_generation_difference(const char *v)
{
    size_t run = 0;

    if (strchr(v, '~') != NULL)
        return 1;
    for (; *v != '\0'; v++) {
        run = (*v >= '0' && *v <= '9') ? run + 1 : 0;
        if (run >= 18 || (v[0] == '.' && v[1] == '0' && v[2] >= '0' && v[2] <= '9'))
            return 1;
    }
    return 0;
}

typedef struct oracle_run {
    pid_t pid;
    int fd;
    size_t pair;
} oracle_run;

/* Start `apk version -t a b` with stdout on a pipe. */
static int start_compare(oracle_run *run, const char *apk, const char *a, const char *b,
                         size_t pair)
{
    posix_spawn_file_actions_t actions;
    char *argv[] = {(char *)apk, "version", "-t", "--", (char *)a, (char *)b, NULL};
    int fds[2], rc;

    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    rc = posix_spawn(&run->pid, apk, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return -1;
    }
    run->fd = fds[0];
    run->pair = pair;
    return 0;
}

/* Wait for a run; its answer (<, =, >) as -1, 0, 1, or 2 when unreadable. */
static int finish_compare(oracle_run *run)
{
    char out[16] = {0};
    ssize_t n = 0, got;
    int status;

    while ((got = read(run->fd, out + n, sizeof(out) - 1 - (size_t)n)) > 0)
        n += got;
    close(run->fd);
    if (waitpid(run->pid, &status, 0) != run->pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 2;
    if (strcmp(out, "<\n") == 0)
        return -1;
    if (strcmp(out, "=\n") == 0)
        return 0;
    if (strcmp(out, ">\n") == 0)
        return 1;
    return 2;
}

/*
 * `apk version -c V...` prints the invalid ones, one a line. Marks
 * oracle_valid[i] for strings[i]; many strings per process.
 */
static void oracle_validate(const char *apk, char (*strings)[256], size_t count, int *oracle_valid,
                            const char *dir)
{
    char out_path[96], line[300];
    size_t start;

    snprintf(out_path, sizeof(out_path), "%s/invalid", dir);
    for (start = 0; start < count; start += VALIDATE_CHUNK) {
        size_t n = count - start < VALIDATE_CHUNK ? count - start : VALIDATE_CHUNK, i;
        char **argv = calloc(n + 5, sizeof(char *));
        int status;
        pid_t pid;
        FILE *f;

        assert_non_null(argv);
        argv[0] = (char *)apk;
        argv[1] = "version";
        argv[2] = "-c";
        argv[3] = "--"; /* versions may start with '-' */
        for (i = 0; i < n; i++) {
            argv[4 + i] = strings[start + i];
            oracle_valid[start + i] = 1;
        }
        pid = spawn_to_files(argv, out_path, NULL);
        assert_true(pid > 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        f = fopen(out_path, "r");
        assert_non_null(f);
        while (fgets(line, sizeof(line), f) != NULL) {
            line[strcspn(line, "\n")] = '\0';
            for (i = 0; i < n; i++)
                if (strcmp(line, strings[start + i]) == 0)
                    oracle_valid[start + i] = 0;
        }
        fclose(f);
        free(argv);
    }
    unlink(out_path);
}

static const char *oracle_path(void)
{
    const char *apk = getenv("COPA_APK_ORACLE");
    char libdir[PATH_MAX];
    struct stat st;

    if (apk == NULL || *apk == '\0' || stat(apk, &st) != 0 || !(st.st_mode & S_IXUSR))
        return NULL;
    /* libapk.so sits beside the binary in the build tree */
    snprintf(libdir, sizeof(libdir), "%s", apk);
    setenv("LD_LIBRARY_PATH", dirname(libdir), 1);
    return apk;
}

static void agrees_with_apk_tools(void **state)
{
    char dir[] = "/tmp/copa-apk-diff-XXXXXX";
    const char *apk = *state;
    char(*strings)[256] = calloc(2 * PAIRS, sizeof(*strings));
    int *oracle_valid = calloc(2 * PAIRS, sizeof(int));
    int *ours = calloc(PAIRS, sizeof(int));
    oracle_run runs[IN_FLIGHT];
    size_t n, next = 0, active = 0, compared = 0, left_out = 0, disagreements = 0, stricter = 0, i;
    unsigned long long seed;

    assert_non_null(strings);
    assert_non_null(oracle_valid);
    assert_non_null(ours);
    assert_non_null(mkdtemp(dir));
    setenv("COPA_TEST_SEED", "20261206", 0);
    seed = seed_rng("apk_differential");

    for (n = 0; n < PAIRS;) {
        strbuf a, b;
        gen_version(&a);
        if (chance(60)) {
            b = a;
            mutate(&b);
            if (chance(30))
                mutate(&b);
        } else {
            gen_version(&b);
        }
        if (chance(3))
            mutate(&a);
        /* most pairs the generations order differently by design are drawn again */
        if ((apk_generation_difference(a.data) || apk_generation_difference(b.data)) && chance(85))
            continue;
        memcpy(strings[2 * n], a.data, a.len + 1);
        memcpy(strings[2 * n + 1], b.data, b.len + 1);
        n++;
    }
    oracle_validate(apk, strings, 2 * PAIRS, oracle_valid, dir);

    /* validity first; the pairs valid on both sides go to `apk version -t` */
    for (i = 0; i < 2 * PAIRS; i++) {
        if (apk_generation_difference(strings[i]))
            continue;
        if (copa_valid(strings[i]) && !oracle_valid[i]) {
            printf("DISAGREEMENT (seed %llu): '%s' is valid for copa, invalid for apk-tools\n",
                   seed, strings[i]);
            disagreements++;
        } else if (!copa_valid(strings[i]) && oracle_valid[i]) {
            stricter++;
        }
    }
    for (;;) {
        while (active < IN_FLIGHT && next < PAIRS) {
            const char *a = strings[2 * next], *b = strings[2 * next + 1];
            if (apk_generation_difference(a) || apk_generation_difference(b)) {
                left_out++;
            } else if (copa_valid(a) && copa_valid(b) && oracle_valid[2 * next] &&
                       oracle_valid[2 * next + 1]) {
                assert_int_equal(copa_version_compare(&ours[next], COPA_PKG_APK, a, b), 0);
                assert_int_equal(start_compare(&runs[active], apk, a, b, next), 0);
                active++;
            }
            next++;
        }
        if (active == 0)
            break;
        {
            oracle_run run = runs[0];
            int theirs = finish_compare(&run);
            memmove(&runs[0], &runs[1], (active - 1) * sizeof(runs[0]));
            active--;
            compared++;
            if (theirs != ours[run.pair]) {
                printf("DISAGREEMENT (seed %llu): '%s' vs '%s': copa %d, apk-tools %d\n", seed,
                       strings[2 * run.pair], strings[2 * run.pair + 1], ours[run.pair], theirs);
                disagreements++;
            }
        }
    }
    rmdir(dir);
    printf("apk_differential: %d pairs, %zu ordered by apk-tools, %zu left out (apk-tools 3 only), "
           "%zu versions only apk-tools 2.14 accepts, %zu disagreements\n",
           PAIRS, compared, left_out, stricter, disagreements);
    free(strings);
    free(oracle_valid);
    free(ours);
    assert_true(compared >= PAIRS / 2);
    assert_int_equal(disagreements, 0);
}

int main(void)
{
    const char *apk = oracle_path();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(agrees_with_apk_tools, (void *)apk),
    };

    if (apk == NULL) {
        printf("SKIP: apk-tools oracle not built: ../shared/oracles absent "
               "(scripts/build-oracles.sh; COPA_APK_ORACLE='%s')\n",
               getenv("COPA_APK_ORACLE") ? getenv("COPA_APK_ORACLE") : "");
        return 77;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
