/*
 * /etc/ld.so.cache in glibc's "new format" (magic "glibc-ld.so.cache",
 * version "1.1", the only format glibc >= 2.32 writes by default), read
 * and written natively. Facts from glibc's sysdeps/generic/dl-cache.h
 * and elf/cache.c: a 48-byte header (nlibs, len_strings, flags whose low
 * two bits give the byte order, extension_offset), nlibs 24-byte entries
 * {int32 flags, uint32 key, uint32 value, uint32 osversion, uint64 hwcap},
 * a string table (offsets count from the start of the file), and an
 * extension directory (generator string, glibc-hwcaps subdirectory names).
 *
 * The file comes from the image: every offset is bounds-checked, and what
 * this does not understand (old format, unknown byte order or extension
 * tag) is refused rather than guessed.
 */
#ifndef COPA_LIB_DEBPATCH_LDSO_CACHE_H
#define COPA_LIB_DEBPATCH_LDSO_CACHE_H

#include "util/buffer.h"

#include <stddef.h>
#include <stdint.h>

/* Entry flags (dl-cache.h / ldconfig.h). */
#define COPA__LDSO_FLAG_ELF_LIBC6 0x0003
#define COPA__LDSO_FLAG_X8664_LIB64 0x0300
#define COPA__LDSO_FLAG_AARCH64_LIB64 0x0a00
/* hwcap bit 62: the low 32 bits index the glibc-hwcaps names. */
#define COPA__LDSO_HWCAP_EXTENSION (UINT64_C(1) << 62)

typedef struct copa__ldso_entry {
    int32_t flags;
    uint32_t osversion;
    uint64_t hwcap;
    char *key;   /* the soname */
    char *value; /* the path */
} copa__ldso_entry;

typedef struct copa__ldso_cache {
    int big_endian;
    copa__ldso_entry *entries; /* in file order (ldconfig's order) */
    size_t count, cap;
    char **hwcaps; /* glibc-hwcaps subdirectory names, by index */
    size_t nhwcaps;
    char *generator; /* NUL-terminated copy; NULL when the file has none */
} copa__ldso_cache;

/* Parse `data`; COPA_EINVALID with a message naming the problem. */
int copa__ldso_cache_parse(copa__ldso_cache *out, const void *data, size_t len);

/* Serialize in the cache's byte order, entries in their current order. */
int copa__ldso_cache_write(copa__buf *out, const copa__ldso_cache *c);

void copa__ldso_cache_free(copa__ldso_cache *c);

/* glibc's _dl_cache_libcmp: digit runs compare as numbers. */
int copa__ldso_libcmp(const char *a, const char *b);

/*
 * Add the entry `key` => `value` (no hwcaps): 0 when the cache has it
 * already, 1 when it was inserted where ldconfig's sorted insert puts it
 * (after the entries it ties with), or an error.
 */
int copa__ldso_cache_put(copa__ldso_cache *c, const char *key, const char *value, int32_t flags);

/* Drop every entry whose path is `value` (may be an entry's own string);
 * returns how many. */
size_t copa__ldso_cache_remove(copa__ldso_cache *c, const char *value);

#endif
