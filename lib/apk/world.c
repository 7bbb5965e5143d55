/*
 * Reading /etc/apk/world. The token grammar is apk-tools 2.14's dependency
 * syntax (src/package.c, apk_blob_pull_dep): an optional '!', the name up
 * to the first of "<>=~", the operator characters, the version; a '@tag'
 * ends the name part. Versions must be valid (lib/version/apk.c) unless the
 * operator is "><" (a checksum pin).
 */
#include "apk/world.h"

#include "util/error.h"
#include "version/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKEN 4096

static const char *const operators[] = {"<",  "<=", "<~", "=", "~", "=~",
                                        "~=", ">~", ">=", ">", "><"};

static int bad(const char *path, size_t line, const char *token, const char *why)
{
    return copa__error_set(COPA_EINVALID, "%s:%zu: world entry '%.80s': %s", path, line, token,
                           why);
}

static unsigned op_bits(const char *op, size_t len)
{
    unsigned bits = 0;
    size_t i;
    for (i = 0; i < len; i++)
        bits |= op[i] == '<'   ? COPA__APK_OP_LESS
                : op[i] == '>' ? COPA__APK_OP_GREATER
                : op[i] == '=' ? COPA__APK_OP_EQUAL
                               : COPA__APK_OP_FUZZY | COPA__APK_OP_EQUAL;
    return bits;
}

static int known_operator(const char *op, size_t len)
{
    size_t i;
    for (i = 0; i < sizeof(operators) / sizeof(operators[0]); i++)
        if (strlen(operators[i]) == len && memcmp(operators[i], op, len) == 0)
            return 1;
    return 0;
}

static int parse_token(copa__apk_world *world, const char *path, size_t line, const char *token)
{
    copa__apk_constraint *c;
    const char *p = token, *name_end, *at;
    size_t op_len;

    if (world->count == world->cap) {
        size_t cap = world->cap ? world->cap * 2 : 16;
        copa__apk_constraint *bigger = realloc(world->items, cap * sizeof(*bigger));
        if (bigger == NULL)
            return copa__error_oom();
        world->items = bigger;
        world->cap = cap;
    }
    c = &world->items[world->count];
    memset(c, 0, sizeof(*c));
    c->line = line;
    if ((c->token = copa__arena_strdup(&world->arena, token)) == NULL)
        return copa__error_oom();
    if (*p == '!') {
        c->conflict = 1;
        p++;
    }
    name_end = p + strcspn(p, "<>=~");
    op_len = strspn(name_end, "<>=~");
    at = memchr(p, '@', (size_t)(name_end - p));
    if ((at != NULL ? at : name_end) == p)
        return bad(path, line, token, "no package name");
    if (at != NULL && at + 1 == name_end)
        return bad(path, line, token, "empty repository tag after '@'");
    c->name = copa__arena_strndup(&world->arena, p, (size_t)((at != NULL ? at : name_end) - p));
    if (c->name == NULL)
        return copa__error_oom();
    if (at != NULL &&
        (c->tag = copa__arena_strndup(&world->arena, at + 1, (size_t)(name_end - at - 1))) == NULL)
        return copa__error_oom();
    if (op_len > 0) {
        const char *version = name_end + op_len;
        if (!known_operator(name_end, op_len))
            return bad(path, line, token, "unknown version operator");
        if (*version == '\0')
            return bad(path, line, token, "operator without a version");
        c->ops = op_bits(name_end, op_len);
        c->checksum = op_len == 2 && name_end[0] == '>' && name_end[1] == '<';
        if (!c->checksum && copa__apk_version_check(version) != 0)
            return bad(path, line, token, "invalid version");
        if ((c->version = copa__arena_strdup(&world->arena, version)) == NULL)
            return copa__error_oom();
    }
    world->count++;
    return 0;
}

int copa__apk_world_parse(copa__apk_world **out, const char *path, const char *text, size_t len)
{
    copa__apk_world *world = calloc(1, sizeof(*world));
    char token[MAX_TOKEN + 1];
    size_t i = 0, line = 1;
    int rc = 0;

    *out = NULL;
    if (world == NULL)
        return copa__error_oom();
    copa__arena_init(&world->arena);
    if (memchr(text, '\0', len) != NULL) {
        const char *nul = memchr(text, '\0', len);
        const char *p;
        for (p = text; p < nul; p++)
            line += *p == '\n';
        rc = copa__error_set(COPA_EINVALID, "%s:%zu: NUL byte", path, line);
    }
    while (rc == 0 && i < len) {
        size_t start, n;
        while (i < len && strchr(" \t\r\n", text[i]) != NULL)
            line += text[i++] == '\n';
        if (i == len)
            break;
        start = i;
        while (i < len && strchr(" \t\r\n", text[i]) == NULL)
            i++;
        n = i - start;
        if (n > MAX_TOKEN) {
            rc =
                copa__error_set(COPA_EINVALID, "%s:%zu: world entry longer than 4 KiB", path, line);
            break;
        }
        memcpy(token, text + start, n);
        token[n] = '\0';
        rc = parse_token(world, path, line, token);
    }
    if (rc != 0) {
        copa__apk_world_free(world);
        return rc;
    }
    *out = world;
    return 0;
}

int copa__apk_world_load(copa__apk_world **out, const copa__image_files *files)
{
    char *text = NULL;
    size_t len = 0;
    int rc = files->read(&text, &len, COPA__APK_WORLD_PATH, files->payload);

    *out = NULL;
    if (rc < 0)
        return rc;
    rc = copa__apk_world_parse(out, COPA__APK_WORLD_PATH, text, len);
    free(text);
    return rc;
}

void copa__apk_world_free(copa__apk_world *world)
{
    if (world == NULL)
        return;
    free(world->items);
    copa__arena_free(&world->arena);
    free(world);
}
