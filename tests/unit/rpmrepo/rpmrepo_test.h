/*
 * Helpers for the rpmrepo tests: a scratch image root and files in it.
 */
#ifndef COPA_TEST_RPMREPO_H
#define COPA_TEST_RPMREPO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A fresh directory under /tmp (malloc'd); remove it with root_remove. */
static inline char *root_new(void)
{
    char tmpl[] = "/tmp/copa-rpmrepo-XXXXXX";
    char *dir = mkdtemp(tmpl);

    assert_non_null(dir);
    return strdup(dir);
}

/* Write `text` at image path `rel` under `root`, creating parent directories. */
static inline void root_put(const char *root, const char *rel, const char *text)
{
    char path[4096], cmd[4200];
    FILE *f;

    snprintf(path, sizeof(path), "%s%s", root, rel);
    snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
    assert_int_equal(system(cmd), 0);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static inline void root_remove(char *root)
{
    char cmd[4200];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    free(root);
}

#endif
