/*
 * Dependency lists of APKINDEX (D:, p:, i:) and .PKGINFO (depend, provides,
 * install_if): space-separated atoms "[!]name[op version]".
 */
#include "apk/index.h"
#include "util/error.h"

#include <string.h>

static const char *OP_CHARS = "<>=~";

static int parse_atom(copa__arena *arena, copa__apk_dep *dep, const char *what, const char *atom,
                      size_t len)
{
    const char *p = atom, *end = atom + len, *name, *op;
    size_t name_len, op_len;

    dep->text = copa__arena_strndup(arena, atom, len);
    dep->conflict = *p == '!';
    if (dep->conflict)
        p++;
    name = p;
    while (p < end && strchr(OP_CHARS, *p) == NULL)
        p++;
    name_len = (size_t)(p - name);
    op = p;
    while (p < end && strchr(OP_CHARS, *p) != NULL)
        p++;
    op_len = (size_t)(p - op);
    if (name_len == 0 || (op_len > 0 && p == end))
        return copa__error_set(COPA_EINVALID, "%s: malformed dependency '%.*s'", what, (int)len,
                               atom);
    dep->name = copa__arena_strndup(arena, name, name_len);
    dep->op = copa__arena_strndup(arena, op, op_len);
    dep->version = copa__arena_strndup(arena, p, (size_t)(end - p));
    if (dep->text == NULL || dep->name == NULL || dep->op == NULL || dep->version == NULL)
        return copa__error_oom();
    return 0;
}

static size_t count_atoms(const char *text, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        if (text[i] != ' ' && (i == 0 || text[i - 1] == ' '))
            n++;
    return n;
}

int copa__apk_deps_parse(copa__arena *arena, copa__apk_deps *deps, const char *what,
                         const char *text, size_t len)
{
    size_t total = count_atoms(text, len) + deps->count, i = 0;
    copa__apk_dep *items;

    if (total > COPA__APK_MAX_DEPS)
        return copa__error_set(COPA_EINVALID, "%s: more than %d dependencies", what,
                               COPA__APK_MAX_DEPS);
    if (total == deps->count)
        return 0;
    items = copa__arena_alloc(arena, total * sizeof(*items));
    if (items == NULL)
        return copa__error_oom();
    memset(items, 0, total * sizeof(*items));
    if (deps->count > 0)
        memcpy(items, deps->items, deps->count * sizeof(*items));
    deps->items = items;
    while (i < len) {
        size_t start;
        int rc;
        while (i < len && text[i] == ' ')
            i++;
        start = i;
        while (i < len && text[i] != ' ')
            i++;
        if (i == start)
            break;
        rc = parse_atom(arena, &items[deps->count], what, text + start, i - start);
        if (rc != 0)
            return rc;
        deps->count++;
    }
    return 0;
}
