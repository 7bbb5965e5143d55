/*
 * Helpers for the differential version tests: a seeded random generator
 * (seed from COPA_TEST_SEED or the clock, printed for replay) and spawning
 * a reference tool without a shell, with its output sent to files.
 */
#ifndef COPA_TEST_DIFFERENTIAL_H
#define COPA_TEST_DIFFERENTIAL_H

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static uint64_t rng_state;

/* Seed from COPA_TEST_SEED, else from the clock; prints the seed. */
static inline unsigned long long seed_rng(const char *test_name)
{
    const char *env = getenv("COPA_TEST_SEED");
    unsigned long long seed;

    if (env != NULL && *env != '\0')
        seed = strtoull(env, NULL, 10);
    else
        seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 16);
    printf("%s: seed %llu (replay with COPA_TEST_SEED=%llu)\n", test_name, seed, seed);
    fflush(stdout);
    rng_state = seed * 2654435761ULL + 0x9e3779b97f4a7c15ULL;
    if (rng_state == 0)
        rng_state = 1;
    return seed;
}

/* xorshift64*: small, fast, reproducible across platforms. */
static inline uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

/* A number in [0, n). */
static inline unsigned rnd(unsigned n)
{
    return (unsigned)((rng_next() >> 33) % n);
}

/* True with probability percent/100. */
static inline int chance(unsigned percent)
{
    return rnd(100) < percent;
}

static inline char pick(const char *chars)
{
    return chars[rnd((unsigned)strlen(chars))];
}

/* A growable string. */
typedef struct strbuf {
    char data[256];
    size_t len;
} strbuf;

static inline void sb_putc(strbuf *sb, char c)
{
    if (sb->len + 1 < sizeof(sb->data)) {
        sb->data[sb->len++] = c;
        sb->data[sb->len] = '\0';
    }
}

static inline void sb_puts(strbuf *sb, const char *s)
{
    while (*s != '\0')
        sb_putc(sb, *s++);
}

/* A run of 1..max digits, sometimes with leading zeros, sometimes long. */
static inline void sb_digits(strbuf *sb, unsigned max)
{
    unsigned n = 1 + rnd(max), i;
    if (chance(15))
        sb_puts(sb, chance(50) ? "0" : "00");
    if (chance(5))
        n = 15 + rnd(20);
    for (i = 0; i < n; i++)
        sb_putc(sb, (char)('0' + rnd(10)));
}

/*
 * Spawn argv[0] (found on PATH) with stdout and stderr sent to the given
 * files (NULL: /dev/null). Returns the pid, or -1 with errno set.
 */
static inline pid_t spawn_to_files(char *const argv[], const char *out_path, const char *err_path)
{
    posix_spawn_file_actions_t actions;
    pid_t pid;
    int rc;

    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path ? out_path : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path ? err_path : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    rc = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return pid;
}

/* Size of a file, 0 when missing. */
static inline long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    long size;
    if (f == NULL)
        return 0;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fclose(f);
    return size;
}

/* Whether a program is on PATH (runs it with --version). */
static inline int have_tool(const char *name)
{
    char *argv[3];
    int status;
    pid_t pid;

    argv[0] = (char *)name;
    argv[1] = (char *)"--version";
    argv[2] = NULL;
    pid = spawn_to_files(argv, NULL, NULL);
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

#endif
