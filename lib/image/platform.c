/*
 * Platforms "os/arch[/variant]": parsing, normalization (the names of
 * uname, Debian and Go all mean the same machines), matching and choosing
 * a manifest from an index.
 */
#include "image/model.h"
#include "util/buffer.h"
#include "util/error.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

static void lower(char *s)
{
    for (; *s != '\0'; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* Truncating copy (names longer than the field are cut, on purpose); a
 * loop, because at -O2 GCC's -Wformat-truncation and -Wstringop-overread
 * reject snprintf and strnlen here. */
static void set(char *field, size_t size, const char *value)
{
    size_t n = 0;

    for (; n + 1 < size && value[n] != '\0'; n++)
        field[n] = value[n];
    field[n] = '\0';
}

#define SET(field, value) set(field, sizeof(field), value)

void copa__platform_normalize(copa__platform *p)
{
    static const char *const x86_32[] = {"i386", "i486", "i586", "i686", "x86"};
    char *arch = p->architecture, *variant = p->variant;
    size_t i;

    lower(p->os);
    lower(arch);
    lower(variant);
    if (strcmp(p->os, "macos") == 0)
        SET(p->os, "darwin");
    for (i = 0; i < sizeof(x86_32) / sizeof(x86_32[0]); i++)
        if (strcmp(arch, x86_32[i]) == 0)
            SET(p->architecture, "386");
    if (strcmp(arch, "x86_64") == 0 || strcmp(arch, "x86-64") == 0 || strcmp(arch, "amd64") == 0) {
        SET(p->architecture, "amd64");
        if (strcmp(variant, "v1") == 0)
            variant[0] = '\0';
    } else if (strcmp(arch, "aarch64") == 0 || strcmp(arch, "arm64") == 0) {
        SET(p->architecture, "arm64");
        /* v8 is arm64's default variant: "linux/arm64" and "linux/arm64/v8" are one. */
        if (strcmp(variant, "8") == 0 || strcmp(variant, "v8") == 0 || strcmp(variant, "v8.0") == 0)
            variant[0] = '\0';
    } else if (strcmp(arch, "armhf") == 0) {
        SET(p->architecture, "arm");
        SET(p->variant, "v7");
    } else if (strcmp(arch, "armel") == 0) {
        SET(p->architecture, "arm");
        SET(p->variant, "v6");
    } else if (strncmp(arch, "armv", 4) == 0 && isdigit((unsigned char)arch[4])) {
        char v[4] = {'v', arch[4], '\0', '\0'};
        SET(p->architecture, "arm");
        SET(p->variant, v);
    } else if (strcmp(arch, "arm") == 0) {
        if (variant[0] == '\0')
            SET(p->variant, "v7");
        else if (isdigit((unsigned char)variant[0]) && variant[1] == '\0') {
            char v[3] = {'v', variant[0], '\0'};
            SET(p->variant, v);
        }
    } else if (strcmp(arch, "ppc64el") == 0) {
        SET(p->architecture, "ppc64le");
    }
}

/* Components are names like containerd's: letters, digits, '_', '-' ('.' for "v8.0"). */
static int valid_characters(const char *text)
{
    for (; *text != '\0'; text++)
        if (!isalnum((unsigned char)*text) && strchr("/_-.", *text) == NULL)
            return 0;
    return 1;
}

int copa__platform_parse(copa__platform *out, const char *text)
{
    const char *slash1 = strchr(text, '/'), *slash2;
    size_t os_len, arch_len;

    memset(out, 0, sizeof(*out));
    if (slash1 == NULL || slash1 == text || !valid_characters(text))
        goto bad;
    slash2 = strchr(slash1 + 1, '/');
    os_len = (size_t)(slash1 - text);
    arch_len = slash2 != NULL ? (size_t)(slash2 - slash1 - 1) : strlen(slash1 + 1);
    if (arch_len == 0 || os_len >= sizeof(out->os) || arch_len >= sizeof(out->architecture))
        goto bad;
    if (slash2 != NULL && (slash2[1] == '\0' || strchr(slash2 + 1, '/') != NULL ||
                           strlen(slash2 + 1) >= sizeof(out->variant)))
        goto bad;
    memcpy(out->os, text, os_len);
    memcpy(out->architecture, slash1 + 1, arch_len);
    if (slash2 != NULL)
        SET(out->variant, slash2 + 1);
    copa__platform_normalize(out);
    return 0;
bad:
    return copa__error_set(COPA_EINVALID, "invalid platform '%s' (expected os/arch[/variant])",
                           text);
}

void copa__platform_host(copa__platform *out)
{
    struct utsname name;

    memset(out, 0, sizeof(*out));
    SET(out->os, "linux");
    if (uname(&name) == 0)
        SET(out->architecture, name.machine);
    else
        SET(out->architecture, "amd64");
    copa__platform_normalize(out);
}

int copa__platform_match(const copa__platform *want, const copa__platform *have)
{
    if (strcmp(want->os, have->os) != 0 || strcmp(want->architecture, have->architecture) != 0)
        return 0;
    return want->variant[0] == '\0' || strcmp(want->variant, have->variant) == 0;
}

void copa__platform_format(char *out, size_t size, const copa__platform *p)
{
    snprintf(out, size, "%s/%s%s%s", p->os, p->architecture, p->variant[0] != '\0' ? "/" : "",
             p->variant);
}

int copa__index_select(size_t *out, const copa__index *idx, const copa__platform *want)
{
    copa__buf list = COPA__BUF_INIT;
    char name[96];
    size_t i;

    for (i = 0; i < idx->manifest_count; i++) {
        if (idx->manifests[i].has_platform &&
            copa__platform_match(want, &idx->manifests[i].platform)) {
            *out = i;
            return 0;
        }
    }
    for (i = 0; i < idx->manifest_count; i++) {
        if (!idx->manifests[i].has_platform)
            continue;
        copa__platform_format(name, sizeof(name), &idx->manifests[i].platform);
        copa__buf_appendf(&list, "%s%s", list.length > 0 ? ", " : "", name);
    }
    copa__platform_format(name, sizeof(name), want);
    copa__error_set(COPA_ENOTFOUND, "no manifest for platform %s; the image has: %s", name,
                    list.length > 0 ? list.data : "(no platforms)");
    copa__buf_free(&list);
    return COPA_ENOTFOUND;
}
