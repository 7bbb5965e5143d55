/*
 * Differential test of the rpm ordering against rpm itself: random
 * [epoch:]version[-release] pairs biased towards the tricky cases ('~', '^',
 * epochs, leading zeros, letters against digits, odd separators, shared
 * prefixes, long digit runs) must compare exactly like rpm.vercmp() in
 * rpm's lua. One rpm process evaluates all pairs: a lua script reads them
 * from a file and prints one answer per line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>

#include "differential.h"

#define PAIRS 20000

/* Characters that only separate segments in rpmvercmp. */
static const char separators[] = "._+%#!/=,;@";

static void gen_segments(strbuf *sb, unsigned max)
{
    unsigned n = 1 + rnd(max), i;

    for (i = 0; i < n; i++) {
        if (i > 0 || chance(5)) {
            unsigned r = rnd(100);
            if (r < 50)
                sb_putc(sb, '.');
            else if (r < 60)
                sb_putc(sb, '~');
            else if (r < 70)
                sb_putc(sb, '^');
            else if (r < 80)
                sb_putc(sb, pick(separators));
            else if (r < 83)
                sb_puts(sb, "..");
            /* else no separator: a letter/digit boundary or a merged run */
        }
        if (chance(55)) {
            sb_digits(sb, 3);
        } else {
            unsigned len = 1 + rnd(3), k;
            for (k = 0; k < len; k++)
                sb_putc(sb, pick("abcelrxzABZ"));
        }
    }
    if (chance(8))
        sb_putc(sb, pick("~^."));
}

static void gen_version(strbuf *sb)
{
    sb->len = 0;
    sb->data[0] = '\0';
    if (chance(20)) {
        if (chance(70))
            sb_puts(sb, chance(50) ? "0" : chance(50) ? "1" : "00");
        else
            sb_digits(sb, 3);
        sb_putc(sb, ':');
    }
    gen_segments(sb, 5);
    if (chance(60)) {
        sb_putc(sb, '-');
        gen_segments(sb, 3);
    }
}

/* A small edit, to get pairs with equal prefixes. */
static void mutate(strbuf *sb)
{
    static const char *const tails[] = {".1", "~rc1", "a", "^git1", "-1",
                                        "~",  "^",    "0", ".0",    "-0"};
    size_t pos = rnd((unsigned)sb->len);

    switch (rnd(5)) {
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
        if (sb->len + 1 < sizeof(sb->data)) {
            memmove(sb->data + pos + 1, sb->data + pos, sb->len - pos + 1);
            sb->data[pos] = '0';
            sb->len++;
        }
        break;
    default:
        sb->data[pos] = pick("~^.aZ09_");
        break;
    }
}

static int valid(const char *s)
{
    return copa_version_valid(COPA_PKG_RPM, s) == 0;
}

static void write_script(const char *script, const char *pairs)
{
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fprintf(f,
            "local f = assert(io.open(\"%s\"))\n"
            "for line in f:lines() do\n"
            "  local a, b = string.match(line, \"^(.-)\\t(.*)$\")\n"
            "  io.write(rpm.vercmp(a, b), \"\\n\")\n"
            "end\n"
            "f:close()\n"
            "io.flush()\n",
            pairs);
    assert_int_equal(fclose(f), 0);
}

static void agrees_with_rpm(void **state)
{
    char dir[] = "/tmp/copa-rpm-diff-XXXXXX";
    char pairs_path[64], script_path[64], out_path[64], err_path[64], eval[128];
    char(*pairs)[2][256] = calloc(PAIRS, sizeof(*pairs));
    int *ours = calloc(PAIRS, sizeof(int));
    unsigned long long seed;
    size_t n = 0, answers = 0, disagreements = 0;
    char line[64];
    FILE *f;
    int status;
    pid_t pid;
    (void)state;

    if (!have_tool("rpm"))
        skip();
    assert_non_null(pairs);
    assert_non_null(ours);
    assert_non_null(mkdtemp(dir));
    snprintf(pairs_path, sizeof(pairs_path), "%s/pairs", dir);
    snprintf(script_path, sizeof(script_path), "%s/cmp.lua", dir);
    snprintf(out_path, sizeof(out_path), "%s/out", dir);
    snprintf(err_path, sizeof(err_path), "%s/err", dir);
    seed = seed_rng("rpm_differential");

    f = fopen(pairs_path, "w");
    assert_non_null(f);
    while (n < PAIRS) {
        strbuf a, b;
        gen_version(&a);
        if (chance(50)) {
            b = a;
            mutate(&b);
            if (chance(30))
                mutate(&b);
        } else {
            gen_version(&b);
        }
        if (!valid(a.data) || !valid(b.data))
            continue;
        memcpy(pairs[n][0], a.data, a.len + 1);
        memcpy(pairs[n][1], b.data, b.len + 1);
        assert_int_equal(copa_version_compare(&ours[n], COPA_PKG_RPM, a.data, b.data), 0);
        fprintf(f, "%s\t%s\n", a.data, b.data);
        n++;
    }
    assert_int_equal(fclose(f), 0);
    write_script(script_path, pairs_path);

    snprintf(eval, sizeof(eval), "%%{lua: dofile(\"%s\")}", script_path);
    {
        char *argv[] = {"rpm", "--eval", eval, NULL};
        pid = spawn_to_files(argv, out_path, err_path);
    }
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    f = fopen(out_path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        int theirs;
        if (line[0] == '\n')
            continue;
        theirs = atoi(line);
        if (answers < n && theirs != ours[answers]) {
            printf("DISAGREEMENT (seed %llu): '%s' vs '%s': copa %d, rpm %d\n", seed,
                   pairs[answers][0], pairs[answers][1], ours[answers], theirs);
            disagreements++;
        }
        answers++;
    }
    fclose(f);
    if (answers != n)
        printf("rpm printed %zu answers for %zu pairs (stderr in %s)\n", answers, n, err_path);
    assert_int_equal(answers, n);
    unlink(pairs_path);
    unlink(script_path);
    unlink(out_path);
    unlink(err_path);
    rmdir(dir);
    printf("rpm_differential: %zu pairs, %zu disagreements\n", n, disagreements);
    free(pairs);
    free(ours);
    assert_int_equal(disagreements, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(agrees_with_rpm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
