/*
 * .PKGINFO of a package's control member: "key = value" lines written by
 * abuild; '#' lines are comments; keys apk-tools does not know are ignored.
 */
#include "apk/apk_file_impl.h"
#include "util/digest.h"
#include "util/error.h"

#include <stddef.h>
#include <string.h>

static int bad(copa__apk_file *f, const char *key, const char *why)
{
    return copa__error_set(COPA_EINVALID, "%s: .PKGINFO %s: %s", f->name, key, why);
}

static int set_str(copa__apk_file *f, const char **field, const char *v, size_t len)
{
    *field = copa__arena_strndup(&f->arena, v, len);
    return *field != NULL ? 0 : copa__error_oom();
}

static int set_uint(copa__apk_file *f, const char *key, uint64_t *out, const char *v, size_t len)
{
    uint64_t n = 0;

    if (len == 0 || len > 19)
        return bad(f, key, "not a decimal number");
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9')
            return bad(f, key, "not a decimal number");
        n = n * 10 + (uint64_t)(v[i] - '0');
    }
    *out = n;
    return 0;
}

static int set_datahash(copa__apk_file *f, const char *v, size_t len)
{
    if (len != 2 * sizeof(f->info.datahash))
        return bad(f, "datahash", "not 64 hex digits");
    for (size_t i = 0; i < sizeof(f->info.datahash); i++) {
        int hi = copa__hex_value(v[2 * i]), lo = copa__hex_value(v[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return bad(f, "datahash", "not 64 hex digits");
        f->info.datahash[i] = (unsigned char)(hi << 4 | lo);
    }
    f->info.has_datahash = 1;
    return 0;
}

static int add_trigger(copa__apk_file *f, const char *v, size_t len)
{
    const char **grown;
    size_t i = 0;

    while (i < len) {
        size_t start;
        while (i < len && v[i] == ' ')
            i++;
        start = i;
        while (i < len && v[i] != ' ')
            i++;
        if (i == start)
            break;
        if (f->info.trigger_count >= COPA__APK_MAX_DEPS)
            return bad(f, "triggers", "too many");
        grown = copa__arena_alloc(&f->arena, (f->info.trigger_count + 1) * sizeof(*grown));
        if (grown == NULL)
            return copa__error_oom();
        if (f->info.trigger_count > 0)
            memcpy(grown, f->info.triggers, f->info.trigger_count * sizeof(*grown));
        if ((grown[f->info.trigger_count] = copa__arena_strndup(&f->arena, v + start, i - start)) ==
            NULL)
            return copa__error_oom();
        f->info.triggers = grown;
        f->info.trigger_count++;
    }
    return 0;
}

static int field(copa__apk_file *f, const char *key, const char *v, size_t len)
{
    copa__apk_pkginfo *p = &f->info;
    static const struct {
        const char *key;
        size_t offset;
    } strings[] = {
        {"pkgname", offsetof(copa__apk_pkginfo, name)},
        {"pkgver", offsetof(copa__apk_pkginfo, version)},
        {"arch", offsetof(copa__apk_pkginfo, arch)},
        {"pkgdesc", offsetof(copa__apk_pkginfo, description)},
        {"url", offsetof(copa__apk_pkginfo, url)},
        {"license", offsetof(copa__apk_pkginfo, license)},
        {"origin", offsetof(copa__apk_pkginfo, origin)},
        {"maintainer", offsetof(copa__apk_pkginfo, maintainer)},
        {"commit", offsetof(copa__apk_pkginfo, commit)},
    };

    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        if (strcmp(key, strings[i].key) == 0)
            return set_str(f, (const char **)(void *)((char *)p + strings[i].offset), v, len);
    if (strcmp(key, "size") == 0)
        return set_uint(f, key, &p->installed_size, v, len);
    if (strcmp(key, "builddate") == 0)
        return set_uint(f, key, &p->build_time, v, len);
    if (strcmp(key, "provider_priority") == 0)
        return len == 0 ? 0 : set_uint(f, key, &p->provider_priority, v, len);
    if (strcmp(key, "depend") == 0)
        return copa__apk_deps_parse(&f->arena, &p->depends, f->name, v, len);
    if (strcmp(key, "provides") == 0)
        return copa__apk_deps_parse(&f->arena, &p->provides, f->name, v, len);
    if (strcmp(key, "install_if") == 0)
        return copa__apk_deps_parse(&f->arena, &p->install_if, f->name, v, len);
    if (strcmp(key, "replaces") == 0)
        return copa__apk_deps_parse(&f->arena, &p->replaces, f->name, v, len);
    if (strcmp(key, "triggers") == 0)
        return add_trigger(f, v, len);
    if (strcmp(key, "datahash") == 0)
        return set_datahash(f, v, len);
    return 0;
}

static int line(copa__apk_file *f, const char *l, size_t len)
{
    const char *eq;
    char key[32];
    size_t key_len;

    if (len == 0 || l[0] == '#')
        return 0;
    if (len > COPA__APK_MAX_LINE)
        return bad(f, "line", "too long");
    eq = memmem(l, len, " = ", 3);
    if (eq == NULL)
        return 0; /* apk-tools skips such lines too */
    key_len = (size_t)(eq - l);
    if (key_len >= sizeof(key))
        return 0;
    memcpy(key, l, key_len);
    key[key_len] = '\0';
    return field(f, key, eq + 3, len - key_len - 3);
}

int copa__apk_pkginfo_parse(copa__apk_file *f, const char *text, size_t len)
{
    size_t pos = 0;
    int rc = 0;

    while (rc == 0 && pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
        rc = line(f, text + pos, n);
        pos += n + (nl != NULL);
    }
    if (rc == 0 && (f->info.name == NULL || f->info.version == NULL))
        rc = bad(f, f->info.name == NULL ? "pkgname" : "pkgver", "missing");
    return rc;
}
