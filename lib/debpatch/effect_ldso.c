/*
 * /etc/ld.so.cache across an upgrade, as libc-bin's ldconfig trigger
 * would leave it, without running anything from the image.
 *
 * Incremental, not a rescan: copa sees only the files this layer writes,
 * so the image's cache is parsed (ldso_cache.c) and edited:
 * - a shared library the packages write (name "lib*.so*" or "ld-*.so*",
 *   read while it is unpacked: its soname from the ELF dynamic section)
 *   into a directory the cache already covers gets the entry ldconfig
 *   makes: key its soname, path "<dir as the cache spells it>/<soname>",
 *   flags from its ELF class and machine, at ldconfig's sorted position;
 * - an entry whose path this layer hid (whiteout), or replaced by a link
 *   that leads nowhere, is dropped.
 * The directories are the ones of the cache's own entries: that is how
 * ldconfig spelled them (merged /usr, ld.so.conf order) and what its last
 * run saw. Anything not understood (no cache, a cache that is a link or does
 * not parse, a library in a covered directory that is not x86-64 or arm64 ELF or is
 * over 256 MiB, one whose soname link the packages do not ship, one in a
 * glibc-hwcaps directory) leaves the image's cache as it is, and the note
 * of notes.c says why. Not covered: an ld.so.conf directory the cache has
 * no entry in yet (a library there is not added).
 */
#include "debpatch/internal.h"
#include "debpatch/ldso_cache.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_PATH "/etc/ld.so.cache"

enum { ELF_MAX_KEEP = 256 * 1024 * 1024 };

int copa__dp_ldso_wanted(const char *canon)
{
    const char *base = strrchr(canon, '/'), *gdb;
    base = base != NULL ? base + 1 : canon;
    if (strncmp(base, "lib", 3) != 0 && strncmp(base, "ld-", 3) != 0)
        return 0;
    if (strstr(base, ".so") == NULL)
        return 0;
    /* ldconfig skips gdb's auto-load scripts (libfoo.so.1-gdb.py). */
    gdb = strstr(base, "-gdb.py");
    return gdb == NULL || gdb[7] != '\0';
}

/* ---- the ELF facts ldconfig reads ---- */

static uint64_t le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    while (n-- > 0)
        v = v << 8 | p[n];
    return v;
}

/* File offset of virtual address `va` through the PT_LOAD headers, or 0. */
static uint64_t va_to_offset(const unsigned char *d, size_t len, uint64_t phoff, uint64_t phnum,
                             uint64_t va)
{
    uint64_t i;
    for (i = 0; i < phnum; i++) {
        const unsigned char *ph = d + phoff + i * 56;
        uint64_t off = le(ph + 8, 8), vaddr = le(ph + 16, 8), filesz = le(ph + 32, 8);
        if (le(ph, 4) == 1 && va >= vaddr && va - vaddr < filesz && off <= len &&
            va - vaddr < len - off)
            return off + (va - vaddr);
    }
    return 0;
}

/* ldconfig's flags for a 64-bit little-endian machine it knows here, or 0. */
static int32_t machine_flags(uint64_t machine)
{
    switch (machine) {
    case 62: /* EM_X86_64 */
        return COPA__LDSO_FLAG_ELF_LIBC6 | COPA__LDSO_FLAG_X8664_LIB64;
    case 183: /* EM_AARCH64 */
        return COPA__LDSO_FLAG_ELF_LIBC6 | COPA__LDSO_FLAG_AARCH64_LIB64;
    default:
        return 0;
    }
}

/*
 * A 64-bit little-endian x86-64 or arm64 shared object: 1 with *soname (NULL when
 * it has none, ldconfig then uses the file name) and *flags; 0 when this
 * is not an ELF shared object (ldconfig ignores it); -1 for an ELF file
 * whose ldconfig flags are not known here.
 */
static int elf_soname(const unsigned char *d, size_t len, char **soname, int32_t *flags)
{
    uint64_t phoff, phnum, i, dyn = 0, dynsz = 0, strtab = 0, sonameoff = UINT64_MAX;
    *soname = NULL;
    if (len < 64 || memcmp(d, "\177ELF", 4) != 0)
        return 0;
    if (d[4] != 2 || d[5] != 1 || machine_flags(le(d + 18, 2)) == 0)
        return -1;
    if (le(d + 16, 2) != 3 /* ET_DYN */ || le(d + 54, 2) != 56)
        return 0;
    phoff = le(d + 32, 8);
    phnum = le(d + 56, 2);
    if (phoff > len || phnum > (len - phoff) / 56)
        return 0;
    for (i = 0; i < phnum; i++)
        if (le(d + phoff + i * 56, 4) == 2 /* PT_DYNAMIC */) {
            dyn = le(d + phoff + i * 56 + 8, 8);
            dynsz = le(d + phoff + i * 56 + 32, 8);
        }
    if (dyn > len || dynsz > len - dyn)
        return 0;
    for (i = 0; i + 16 <= dynsz; i += 16) {
        uint64_t tag = le(d + dyn + i, 8), val = le(d + dyn + i + 8, 8);
        if (tag == 0)
            break;
        if (tag == 5 /* DT_STRTAB */)
            strtab = val;
        else if (tag == 14 /* DT_SONAME */)
            sonameoff = val;
    }
    *flags = machine_flags(le(d + 18, 2));
    if (sonameoff != UINT64_MAX) {
        uint64_t at = va_to_offset(d, len, phoff, phnum, strtab);
        if (at == 0 || sonameoff >= len - at ||
            memchr(d + at + sonameoff, '\0', len - at - sonameoff) == NULL)
            return -1;
        if ((*soname = strdup((const char *)d + at + sonameoff)) == NULL)
            return copa__error_oom();
    }
    return 1;
}

static int refuse(copa__dp_ctx *c, const char *why, const char *what)
{
    copa__buf b = COPA__BUF_INIT;
    int rc;
    if (c->ldso_why != NULL)
        return 0;
    rc = copa__buf_appendf(&b, "%s%s", why, what != NULL ? what : "");
    if (rc == 0 && (c->ldso_why = copa__arena_strdup(&c->arena, b.data)) == NULL)
        rc = copa__error_oom();
    copa__buf_free(&b);
    return rc;
}

/*
 * Record what ldconfig would read of the library at `canon`. A file this
 * cannot judge (not an x86-64 ELF, too large to keep) is recorded with
 * flags -1: the effect refuses only if it lands in a directory the cache
 * covers.
 */
int copa__dp_ldso_seen(copa__dp_ctx *c, const char *canon, const void *data, size_t len,
                       int complete)
{
    copa__dp_ldso_lib *grown, *lib;
    char *soname = NULL;
    int32_t flags = -1;
    int kind = complete ? elf_soname(data, len, &soname, &flags) : -1;

    if (kind == 0 || kind < -1)
        return kind;
    if (kind == -1)
        flags = -1;
    grown = realloc(c->ldso_libs, (c->nldso_libs + 1) * sizeof(*grown));
    if (grown == NULL) {
        free(soname);
        return copa__error_oom();
    }
    c->ldso_libs = grown;
    lib = &grown[c->nldso_libs++];
    lib->soname = soname;
    lib->flags = flags;
    if ((lib->path = strdup(canon)) == NULL)
        return copa__error_oom();
    return 0;
}

void copa__dp_ldso_free(copa__dp_ctx *c)
{
    size_t i;
    for (i = 0; i < c->nldso_libs; i++) {
        free(c->ldso_libs[i].path);
        free(c->ldso_libs[i].soname);
    }
    free(c->ldso_libs);
    c->ldso_libs = NULL;
    c->nldso_libs = 0;
}

size_t copa__dp_ldso_keep_limit(void)
{
    return ELF_MAX_KEEP;
}

/* ---- the edit ---- */

static int exists(copa__dp_ctx *c, const char *path)
{
    char *canon = NULL;
    const char *link;
    copa__dp_kind k = COPA__DP_MISSING;
    if (copa__dp_canonical(&canon, &c->view, path, 1) == 0)
        k = copa__dp_view_kind(&c->view, canon, &link, NULL);
    copa_error_clear();
    free(canon);
    return k == COPA__DP_OTHER;
}

/* The directory of `path` as the cache spells it, when a cache entry lives
 * in canonical directory `dir`; NULL when the cache covers no such place. */
static char *spelled_dir(copa__dp_ctx *c, const copa__ldso_cache *cache, const char *dir)
{
    size_t i;
    for (i = 0; i < cache->count; i++) {
        const char *v = cache->entries[i].value, *slash = strrchr(v, '/');
        char *d, *canon = NULL;
        int same;
        if ((cache->entries[i].hwcap & COPA__LDSO_HWCAP_EXTENSION) != 0 || slash == NULL ||
            v[0] != '/')
            continue;
        if ((d = strndup(v, (size_t)(slash - v))) == NULL)
            return NULL;
        same = copa__dp_canonical(&canon, &c->view, d[0] != '\0' ? d : "/", 1) == 0 &&
               strcmp(canon, dir) == 0;
        copa_error_clear();
        free(canon);
        if (same)
            return d;
        free(d);
    }
    return NULL;
}

static int add_libraries(copa__dp_ctx *c, copa__ldso_cache *cache, int *changed)
{
    size_t i;
    int rc = 0;
    for (i = 0; rc == 0 && i < c->nldso_libs && c->ldso_why == NULL; i++) {
        const copa__dp_ldso_lib *lib = &c->ldso_libs[i];
        const char *slash = strrchr(lib->path, '/');
        const char *key = lib->soname != NULL ? lib->soname : (slash ? slash + 1 : lib->path);
        char *dir = strndup(lib->path, slash != NULL ? (size_t)(slash - lib->path) : 0), *spelled;
        copa__buf value = COPA__BUF_INIT;
        if (dir == NULL)
            return copa__error_oom();
        spelled = spelled_dir(c, cache, dir);
        if (spelled != NULL && lib->flags == -1) {
            rc = refuse(
                c,
                "a library that is not an x86-64 or arm64 ELF object of at most 256 MiB (its "
                "ldconfig flags are not known here): /",
                lib->path);
        } else if (spelled != NULL && strchr(key, '/') == NULL) {
            rc = copa__buf_appendf(&value, "%s/%s", spelled, key);
            if (rc == 0 && !exists(c, value.data))
                rc = refuse(
                    c, "no file at the soname path (ldconfig would make the link): ", value.data);
            else if (rc == 0 && (rc = copa__ldso_cache_put(cache, key, value.data, lib->flags)) > 0)
                *changed = 1, rc = 0;
        } else if (spelled == NULL && strstr(dir, "/glibc-hwcaps/") != NULL) {
            rc = refuse(c, "a library in a glibc-hwcaps subdirectory: /", lib->path);
        }
        copa__buf_free(&value);
        free(spelled);
        free(dir);
    }
    return rc;
}

/* Entries whose file this layer hid, or replaced by a link leading nowhere. */
static int drop_gone(copa__dp_ctx *c, copa__ldso_cache *cache, int *changed)
{
    size_t i = 0;
    while (i < cache->count) {
        const char *value = cache->entries[i].value, *link;
        char *canon = NULL;
        int layer = 0, gone = 0;
        if (copa__dp_canonical(&canon, &c->view, value, 0) == 0) {
            copa__dp_view_kind(&c->view, canon, &link, &layer);
            gone = layer == -1 || (layer == 1 && !exists(c, value));
        }
        copa_error_clear();
        free(canon);
        if (gone) {
            copa__ldso_cache_remove(cache, value);
            *changed = 1;
        } else {
            i++;
        }
    }
    return 0;
}

static int load(copa__dp_ctx *c, copa__ldso_cache *cache, int *have)
{
    char *text = NULL;
    size_t len = 0;
    const char *link;
    int rc;
    *have = 0;
    /* Written as a file in the layer: a link would be replaced, not followed. */
    if (copa__dp_view_kind(&c->view, &CACHE_PATH[1], &link, NULL) == COPA__DP_SYMLINK)
        return refuse(c, CACHE_PATH " is a symbolic link", NULL);
    rc = c->in->files->read(&text, &len, CACHE_PATH, c->in->files->payload);
    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return refuse(c, "the image has no " CACHE_PATH, NULL);
    }
    if (rc != 0 && rc != COPA_ENOMEM) {
        rc = refuse(c, copa_error_last(), NULL);
        copa_error_clear();
        return rc;
    }
    if (rc != 0)
        return rc;
    rc = copa__ldso_cache_parse(cache, text, len);
    free(text);
    if (rc == COPA_EINVALID) {
        rc = refuse(c, copa_error_last(), NULL);
        copa_error_clear();
        return rc;
    }
    *have = rc == 0;
    return rc;
}

int copa__dp_effect_ldso(copa__dp_ctx *c)
{
    copa__ldso_cache cache;
    copa__buf out = COPA__BUF_INIT;
    int rc, have = 0, changed = 0;

    if ((rc = load(c, &cache, &have)) != 0 || !have)
        return rc;
    rc = add_libraries(c, &cache, &changed);
    if (rc == 0 && c->ldso_why == NULL)
        rc = drop_gone(c, &cache, &changed);
    if (rc == 0 && c->ldso_why == NULL && changed) {
        free(cache.generator);
        cache.generator = strdup("copa (incremental update of the image's cache)");
        if (cache.generator == NULL)
            rc = copa__error_oom();
        if (rc == 0)
            rc = copa__ldso_cache_write(&out, &cache);
        if (rc == 0)
            rc = copa__dp_add_generated(c, CACHE_PATH, 0644, out.data, out.length);
    }
    if (rc == 0 && c->ldso_why == NULL)
        c->ldso_current = 1;
    copa__buf_free(&out);
    copa__ldso_cache_free(&cache);
    return rc;
}
