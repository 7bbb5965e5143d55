/*
 * Differential test of the deb ordering against dpkg itself: random version
 * pairs biased towards the tricky cases (tildes, epochs, leading zeros,
 * letters against digits and separators, shared prefixes, long digit runs)
 * must compare exactly like `dpkg --compare-versions`, and random invalid
 * strings must be rejected by us exactly when dpkg errors or warns.
 *
 * Each pair costs one dpkg run: we ask dpkg whether our answer's relation
 * holds (lt, eq or gt), which confirms the whole three-way answer; on a
 * disagreement dpkg is asked again to report its own answer. Runs go
 * through posix_spawn, a few at a time.
 *
 * Strings dpkg cannot judge through its command line are left out: those
 * starting with '-' (taken for options), "" and "<unknown>" (which
 * --compare-versions treats as the empty version).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>

#include "differential.h"

#define PAIRS 10000
#define STRINGS 2500
#define SLOTS 4

enum job_kind { JOB_PAIR, JOB_VALIDITY };

typedef struct job {
    enum job_kind kind;
    char a[256], b[256];
    int ours; /* JOB_PAIR: our -1/0/1; JOB_VALIDITY: 1 when we accept */
} job;

static unsigned long long seed;
static int disagreements;

/* A component: digits or one to three letters. */
static void gen_component(strbuf *sb)
{
    if (chance(60)) {
        sb_digits(sb, 3);
    } else {
        unsigned n = 1 + rnd(3), i;
        for (i = 0; i < n; i++)
            sb_putc(sb, pick("abcxyzABZ"));
    }
}

/* A version dpkg accepts, biased towards the interesting characters. */
static void gen_valid(strbuf *sb)
{
    static const char *const epochs[] = {"0", "1", "2", "10", "00", "01", "2147483647", "+1"};
    int has_epoch = chance(25), has_revision = chance(50);
    unsigned i, n = rnd(5);
    char seps[8] = ".+~";

    sb->len = 0;
    sb->data[0] = '\0';
    if (has_epoch) {
        sb_puts(sb, chance(70) ? epochs[rnd(8)] : "");
        if (sb->len == 0)
            sb_digits(sb, 2);
        sb_putc(sb, ':');
        strcat(seps, ":");
    }
    if (has_revision)
        strcat(seps, "-");
    sb_digits(sb, 4);
    for (i = 0; i < n; i++) {
        if (chance(75))
            sb_putc(sb, pick(seps));
        if (chance(85))
            gen_component(sb);
    }
    if (chance(10))
        sb_puts(sb, chance(50) ? "~" : "~~");
    if (has_revision) {
        sb_putc(sb, '-');
        n = 1 + rnd(3);
        for (i = 0; i < n; i++) {
            if (i > 0 || chance(10))
                sb_putc(sb, pick(".+~"));
            gen_component(sb);
        }
    }
}

/* A small edit of a valid version, to get pairs with equal prefixes. */
static void mutate_valid(strbuf *sb)
{
    size_t pos = sb->len > 0 ? rnd((unsigned)sb->len) : 0;
    static const char *const tails[] = {".1", "~rc1", "a", "+b1", "-1", "~", "0", ".0", "-0", "Z"};

    switch (rnd(6)) {
    case 0:
        if (sb->data[pos] >= '0' && sb->data[pos] <= '9')
            sb->data[pos] = (char)('0' + rnd(10));
        break;
    case 1:
        sb_puts(sb, tails[rnd(10)]);
        break;
    case 2:
        if (sb->len > 1)
            sb->data[--sb->len] = '\0';
        break;
    case 3:
        if (sb->data[pos] >= '0' && sb->data[pos] <= '9' && sb->len + 1 < sizeof(sb->data)) {
            memmove(sb->data + pos + 1, sb->data + pos, sb->len - pos + 1);
            sb->data[pos] = '0';
            sb->len++;
        }
        break;
    case 4:
        if (strchr(sb->data, ':') == NULL && sb->len + 2 < sizeof(sb->data)) {
            memmove(sb->data + 2, sb->data, sb->len + 1);
            memcpy(sb->data, "0:", 2);
            sb->len += 2;
        }
        break;
    default:
        if (pos < sb->len)
            sb->data[pos] = pick("~.+-:aZ0");
        break;
    }
}

/* A string that is often invalid: a version with random damage. */
static void gen_damaged(strbuf *sb)
{
    static const char pool[] = " \t\n_,/!@#$%^&*()=[]{}|;'\"<>?`\\:-.~+aZx09";
    unsigned edits = 1 + rnd(3), i;

    if (chance(15)) {
        unsigned n = 1 + rnd(6);
        sb->len = 0;
        sb->data[0] = '\0';
        for (i = 0; i < n; i++)
            sb_putc(sb, pick(pool));
        return;
    }
    gen_valid(sb);
    for (i = 0; i < edits; i++) {
        size_t pos = rnd((unsigned)sb->len + 1);
        char c = chance(10) ? (char)0xc3 : pick(pool);
        if (chance(25) && sb->len > 0 && pos < sb->len) {
            memmove(sb->data + pos, sb->data + pos + 1, sb->len - pos);
            sb->len--;
        } else if (sb->len + 1 < sizeof(sb->data)) {
            memmove(sb->data + pos + 1, sb->data + pos, sb->len - pos + 1);
            sb->data[pos] = c;
            sb->len++;
        }
    }
    if (chance(20)) { /* cut it short: "1:", "1.0-", "1:-" */
        sb->len = rnd((unsigned)sb->len + 1);
        sb->data[sb->len] = '\0';
    }
}

/* Whether dpkg can be asked about this string on its command line. */
static int dpkg_can_judge(const char *s)
{
    return s[0] != '-' && s[0] != '\0' && strcmp(s, "<unknown>") != 0;
}

static const char *relation_name(int rel)
{
    return rel < 0 ? "lt" : rel > 0 ? "gt" : "eq";
}

static int dpkg_holds(const char *a, const char *rel, const char *b)
{
    char *argv[] = {"dpkg", "--compare-versions", (char *)a, (char *)rel, (char *)b, NULL};
    int status;
    pid_t pid = spawn_to_files(argv, NULL, NULL);
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status) == 0;
}

/* dpkg's own three-way answer, for reporting a disagreement. */
static int dpkg_answer(const char *a, const char *b)
{
    if (dpkg_holds(a, "lt", b) == 1)
        return -1;
    if (dpkg_holds(a, "gt", b) == 1)
        return 1;
    return dpkg_holds(a, "eq", b) == 1 ? 0 : 99;
}

static void read_head(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n = 0;
    if (f != NULL) {
        n = fread(buf, 1, size - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
}

static void check_result(const job *j, int status, const char *err_path)
{
    int exited = WIFEXITED(status), code = exited ? WEXITSTATUS(status) : -1;
    long err_size = file_size(err_path);
    char err[512];

    if (j->kind == JOB_PAIR) {
        if (code == 0 && err_size == 0)
            return;
        read_head(err_path, err, sizeof(err));
        printf("DISAGREEMENT (seed %llu): '%s' vs '%s': copa %d, dpkg %d%s%s\n", seed, j->a, j->b,
               j->ours, dpkg_answer(j->a, j->b), err_size ? "; dpkg said: " : "", err);
    } else {
        int dpkg_accepts = code == 0 && err_size == 0;
        if (dpkg_accepts == j->ours)
            return;
        read_head(err_path, err, sizeof(err));
        printf("VALIDITY DISAGREEMENT (seed %llu): '%s': copa %s, dpkg %s (exit %d) %s\n", seed,
               j->a, j->ours ? "accepts" : "rejects", dpkg_accepts ? "accepts" : "rejects", code,
               err);
    }
    disagreements++;
}

static void job_argv(const job *j, char *argv[6])
{
    argv[0] = "dpkg";
    argv[1] = "--compare-versions";
    argv[2] = (char *)j->a;
    argv[3] = (char *)(j->kind == JOB_PAIR ? relation_name(j->ours) : "eq");
    argv[4] = (char *)(j->kind == JOB_PAIR ? j->b : j->a);
    argv[5] = NULL;
}

/* Run all jobs, SLOTS at a time, checking each as it finishes. */
static void run_jobs(const job *jobs, size_t n, const char *dir)
{
    pid_t pids[SLOTS] = {0};
    size_t owner[SLOTS] = {0};
    char err_paths[SLOTS][300];
    size_t next = 0, running = 0, s;

    for (s = 0; s < SLOTS; s++)
        snprintf(err_paths[s], sizeof(err_paths[s]), "%s/err%zu", dir, s);
    while (next < n || running > 0) {
        int status;
        pid_t pid;
        for (s = 0; s < SLOTS && next < n; s++) {
            char *argv[6];
            if (pids[s] != 0)
                continue;
            job_argv(&jobs[next], argv);
            pids[s] = spawn_to_files(argv, NULL, err_paths[s]);
            if (pids[s] < 0)
                fail_msg("cannot run dpkg: %s", strerror(errno));
            owner[s] = next++;
            running++;
        }
        pid = waitpid(-1, &status, 0);
        assert_true(pid > 0);
        for (s = 0; s < SLOTS; s++) {
            if (pids[s] == pid) {
                check_result(&jobs[owner[s]], status, err_paths[s]);
                pids[s] = 0;
                running--;
            }
        }
    }
    for (s = 0; s < SLOTS; s++)
        unlink(err_paths[s]);
}

static size_t add_validity_job(job *jobs, size_t n, const char *s)
{
    if (!dpkg_can_judge(s))
        return n;
    jobs[n].kind = JOB_VALIDITY;
    snprintf(jobs[n].a, sizeof(jobs[n].a), "%s", s);
    jobs[n].ours = copa_version_valid(COPA_PKG_DEB, s) == 0;
    return n + 1;
}

static void agrees_with_dpkg(void **state)
{
    size_t max = PAIRS * 3 + STRINGS, n = 0, pairs = 0, strings = 0, rejected = 0, i;
    job *jobs = calloc(max, sizeof(*jobs));
    char dir[] = "/tmp/copa-deb-diff-XXXXXX";
    (void)state;

    if (!have_tool("dpkg"))
        skip();
    assert_non_null(jobs);
    assert_non_null(mkdtemp(dir));
    seed = seed_rng("deb_differential");
    while (pairs < PAIRS) {
        strbuf a, b;
        gen_valid(&a);
        if (chance(50)) {
            b = a;
            mutate_valid(&b);
            if (chance(30))
                mutate_valid(&b);
        } else {
            gen_valid(&b);
        }
        if (copa_version_valid(COPA_PKG_DEB, a.data) != 0 ||
            copa_version_valid(COPA_PKG_DEB, b.data) != 0 || !dpkg_can_judge(a.data) ||
            !dpkg_can_judge(b.data)) {
            n = add_validity_job(jobs, n, a.data);
            n = add_validity_job(jobs, n, b.data);
            continue;
        }
        jobs[n].kind = JOB_PAIR;
        memcpy(jobs[n].a, a.data, a.len + 1);
        memcpy(jobs[n].b, b.data, b.len + 1);
        assert_int_equal(copa_version_compare(&jobs[n].ours, COPA_PKG_DEB, a.data, b.data), 0);
        n++;
        pairs++;
    }
    while (strings < STRINGS && n < max) {
        strbuf s;
        gen_damaged(&s);
        if (dpkg_can_judge(s.data)) {
            n = add_validity_job(jobs, n, s.data);
            strings++;
        }
    }
    for (i = 0; i < n; i++)
        rejected += jobs[i].kind == JOB_VALIDITY && !jobs[i].ours;
    run_jobs(jobs, n, dir);
    rmdir(dir);
    printf("deb_differential: %zu pairs, %zu strings checked for validity (%zu rejected by copa), "
           "%d disagreements\n",
           pairs, n - pairs, rejected, disagreements);
    free(jobs);
    assert_int_equal(disagreements, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(agrees_with_dpkg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
