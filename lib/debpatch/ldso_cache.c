/*
 * Reading and writing /etc/ld.so.cache (see ldso_cache.h for the format).
 */
#include "debpatch/ldso_cache.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define MAGIC "glibc-ld.so.cache1.1"
enum {
    MAGIC_LEN = 20,
    HEADER_SIZE = 48,
    ENTRY_SIZE = 24,
    ENDIAN_MASK = 3,
    ENDIAN_LITTLE = 2,
    ENDIAN_BIG = 3,
    TAG_GENERATOR = 0,
    TAG_HWCAPS = 1,
    SECTION_SIZE = 16
};
#define EXTENSION_MAGIC UINT32_C(0xeaa42174)

typedef struct reader {
    const unsigned char *data;
    size_t len;
    int big;
} reader;

static uint32_t get32(const reader *r, size_t off)
{
    const unsigned char *p = r->data + off;
    if (r->big)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t get64(const reader *r, size_t off)
{
    uint64_t a = get32(r, off), b = get32(r, off + 4);
    return r->big ? a << 32 | b : b << 32 | a;
}

static int bad(const char *what)
{
    return copa__error_set(COPA_EINVALID, "ld.so.cache: %s", what);
}

/* A copy of the NUL-terminated string at `off`, which must end in the file. */
static int string_at(char **out, const reader *r, uint32_t off)
{
    const unsigned char *end;
    if (off >= r->len || (end = memchr(r->data + off, '\0', r->len - off)) == NULL)
        return bad("a string offset points outside the file");
    if ((*out = strdup((const char *)r->data + off)) == NULL)
        return copa__error_oom();
    return 0;
}

static int read_hwcaps(copa__ldso_cache *c, const reader *r, uint32_t off, uint32_t size)
{
    size_t i;
    int rc = 0;
    if (size % 4 != 0 || off % 4 != 0)
        return bad("the glibc-hwcaps section is misaligned");
    if (c->hwcaps != NULL)
        return bad("two glibc-hwcaps sections");
    if ((c->hwcaps = calloc(size / 4 + 1, sizeof(char *))) == NULL)
        return copa__error_oom();
    for (i = 0; rc == 0 && i < size / 4; i++) {
        rc = string_at(&c->hwcaps[i], r, get32(r, off + 4 * i));
        c->nhwcaps += rc == 0;
    }
    return rc;
}

static int read_extensions(copa__ldso_cache *c, const reader *r, uint32_t off)
{
    uint32_t count, i;
    int rc = 0;
    if (off == 0)
        return 0;
    if (off % 4 != 0 || (uint64_t)off + 8 > r->len)
        return bad("the extension directory is outside the file");
    if (get32(r, off) != EXTENSION_MAGIC)
        return bad("the extension directory has a wrong magic number");
    count = get32(r, off + 4);
    if ((uint64_t)off + 8 + (uint64_t)count * SECTION_SIZE > r->len)
        return bad("the extension directory is outside the file");
    for (i = 0; rc == 0 && i < count; i++) {
        size_t s = off + 8 + (size_t)i * SECTION_SIZE;
        uint32_t tag = get32(r, s), soff = get32(r, s + 8), size = get32(r, s + 12);
        if ((uint64_t)soff + size > r->len)
            return bad("an extension section is outside the file");
        if (tag == TAG_GENERATOR) {
            free(c->generator);
            if ((c->generator = calloc(size + 1, 1)) == NULL)
                return copa__error_oom();
            memcpy(c->generator, r->data + soff, size);
        } else if (tag == TAG_HWCAPS) {
            rc = read_hwcaps(c, r, soff, size);
        } else {
            rc = bad("unknown extension section");
        }
    }
    return rc;
}

static int read_entry(copa__ldso_cache *c, const reader *r, size_t off)
{
    copa__ldso_entry *e = &c->entries[c->count];
    int rc;
    memset(e, 0, sizeof(*e));
    e->flags = (int32_t)get32(r, off);
    e->osversion = get32(r, off + 12);
    e->hwcap = get64(r, off + 16);
    if ((rc = string_at(&e->key, r, get32(r, off + 4))) == 0)
        rc = string_at(&e->value, r, get32(r, off + 8));
    c->count++;
    return rc;
}

static int check_hwcap_indices(const copa__ldso_cache *c)
{
    size_t i;
    for (i = 0; i < c->count; i++)
        if ((c->entries[i].hwcap & COPA__LDSO_HWCAP_EXTENSION) != 0 &&
            (c->entries[i].hwcap & UINT32_MAX) >= c->nhwcaps)
            return bad("an entry names a glibc-hwcaps subdirectory that is not listed");
    return 0;
}

int copa__ldso_cache_parse(copa__ldso_cache *out, const void *data, size_t len)
{
    reader r = {data, len, 0};
    uint32_t nlibs, i;
    int endian, rc = 0;

    memset(out, 0, sizeof(*out));
    if (len < HEADER_SIZE || memcmp(data, MAGIC, MAGIC_LEN) != 0)
        return bad("not a glibc-ld.so.cache 1.1 file (the old format is not handled)");
    endian = r.data[28] & ENDIAN_MASK;
    if (endian != ENDIAN_LITTLE && endian != ENDIAN_BIG)
        return bad("the header does not say its byte order");
    r.big = out->big_endian = endian == ENDIAN_BIG;
    nlibs = get32(&r, 20);
    if ((uint64_t)nlibs * ENTRY_SIZE > len - HEADER_SIZE)
        return bad("more entries than the file holds");
    if ((out->entries = calloc((size_t)nlibs + 1, sizeof(*out->entries))) == NULL)
        return copa__error_oom();
    out->cap = (size_t)nlibs + 1;
    for (i = 0; rc == 0 && i < nlibs; i++)
        rc = read_entry(out, &r, HEADER_SIZE + (size_t)i * ENTRY_SIZE);
    if (rc == 0)
        rc = read_extensions(out, &r, get32(&r, 32));
    if (rc == 0)
        rc = check_hwcap_indices(out);
    if (rc != 0)
        copa__ldso_cache_free(out);
    return rc;
}

void copa__ldso_cache_free(copa__ldso_cache *c)
{
    size_t i;
    for (i = 0; i < c->count; i++) {
        free(c->entries[i].key);
        free(c->entries[i].value);
    }
    for (i = 0; i < c->nhwcaps; i++)
        free(c->hwcaps[i]);
    free(c->hwcaps);
    free(c->entries);
    free(c->generator);
    memset(c, 0, sizeof(*c));
}

/* ---- writing ---- */

static int put32(copa__buf *b, int big, size_t off, uint32_t v)
{
    unsigned char *p = (unsigned char *)b->data + off;
    int k;
    for (k = 0; k < 4; k++)
        p[big ? 3 - k : k] = (unsigned char)(v >> (8 * k));
    return 0;
}

static int zeros(copa__buf *b, size_t n)
{
    static const char z[64];
    int rc = 0;
    while (rc == 0 && n > 0) {
        size_t k = n < sizeof(z) ? n : sizeof(z);
        rc = copa__buf_append(b, z, k);
        n -= k;
    }
    return rc;
}

/* Append `s` (with its NUL) to the string table; its file offset. */
static int intern(copa__buf *b, uint32_t *off, const char *s)
{
    if (b->length > UINT32_MAX)
        return bad("the cache would exceed 4 GiB");
    *off = (uint32_t)b->length;
    return copa__buf_append(b, s, strlen(s) + 1);
}

static int write_entries(copa__buf *b, const copa__ldso_cache *c, uint32_t *hwcap_offs)
{
    size_t i;
    int rc = 0, big = c->big_endian;
    for (i = 0; rc == 0 && i < c->nhwcaps; i++)
        rc = intern(b, &hwcap_offs[i], c->hwcaps[i]);
    for (i = 0; rc == 0 && i < c->count; i++) {
        const copa__ldso_entry *e = &c->entries[i];
        size_t at = HEADER_SIZE + i * ENTRY_SIZE;
        uint32_t key = 0, value = 0;
        if ((rc = intern(b, &key, e->key)) == 0 && (rc = intern(b, &value, e->value)) == 0) {
            put32(b, big, at, (uint32_t)e->flags);
            put32(b, big, at + 4, key);
            put32(b, big, at + 8, value);
            put32(b, big, at + 12, e->osversion);
            put32(b, big, at + 16, (uint32_t)(big ? e->hwcap >> 32 : e->hwcap));
            put32(b, big, at + 20, (uint32_t)(big ? e->hwcap : e->hwcap >> 32));
        }
    }
    return rc;
}

/* The extension directory: generator, then glibc-hwcaps (as ldconfig does). */
static int write_extensions(copa__buf *b, const copa__ldso_cache *c, const uint32_t *hwcap_offs)
{
    size_t dir = b->length, nsec = (c->generator != NULL) + (c->nhwcaps > 0), i, data, s = 0;
    size_t hw_size = c->nhwcaps * 4, gen_size = c->generator != NULL ? strlen(c->generator) : 0;
    int rc = zeros(b, 8 + nsec * SECTION_SIZE + hw_size);
    data = dir + 8 + nsec * SECTION_SIZE;
    if (rc == 0 && c->generator != NULL)
        rc = copa__buf_append(b, c->generator, gen_size);
    if (rc != 0)
        return rc;
    if (b->length > UINT32_MAX)
        return bad("the cache would exceed 4 GiB");
    put32(b, c->big_endian, dir, EXTENSION_MAGIC);
    put32(b, c->big_endian, dir + 4, (uint32_t)nsec);
    if (c->generator != NULL) {
        put32(b, c->big_endian, dir + 8, TAG_GENERATOR);
        put32(b, c->big_endian, dir + 16, (uint32_t)(data + hw_size));
        put32(b, c->big_endian, dir + 20, (uint32_t)gen_size);
        s++;
    }
    if (c->nhwcaps > 0) {
        put32(b, c->big_endian, dir + 8 + s * SECTION_SIZE, TAG_HWCAPS);
        put32(b, c->big_endian, dir + 16 + s * SECTION_SIZE, (uint32_t)data);
        put32(b, c->big_endian, dir + 20 + s * SECTION_SIZE, (uint32_t)hw_size);
    }
    for (i = 0; i < c->nhwcaps; i++)
        put32(b, c->big_endian, data + 4 * i, hwcap_offs[i]);
    return 0;
}

int copa__ldso_cache_write(copa__buf *out, const copa__ldso_cache *c)
{
    uint32_t *hwcap_offs = calloc(c->nhwcaps + 1, sizeof(uint32_t));
    size_t strings;
    int rc;

    if (hwcap_offs == NULL)
        return copa__error_oom();
    out->length = 0;
    rc = copa__buf_append(out, MAGIC, MAGIC_LEN);
    if (rc == 0)
        rc = zeros(out, HEADER_SIZE - MAGIC_LEN + c->count * ENTRY_SIZE);
    strings = out->length;
    if (rc == 0)
        rc = write_entries(out, c, hwcap_offs);
    if (rc == 0 && out->length > UINT32_MAX - 8)
        rc = bad("the cache would exceed 4 GiB");
    if (rc == 0) {
        size_t ext = (out->length + 3) & ~(size_t)3;
        put32(out, c->big_endian, 20, (uint32_t)c->count);
        put32(out, c->big_endian, 24, (uint32_t)(out->length - strings));
        ((unsigned char *)out->data)[28] = c->big_endian ? ENDIAN_BIG : ENDIAN_LITTLE;
        put32(out, c->big_endian, 32, (uint32_t)ext);
        rc = zeros(out, ext - out->length);
    }
    if (rc == 0)
        rc = write_extensions(out, c, hwcap_offs);
    free(hwcap_offs);
    return rc;
}

/* ---- ordering and edits ---- */

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

int copa__ldso_libcmp(const char *a, const char *b)
{
    while (*a != '\0') {
        if (is_digit(*a) && is_digit(*b)) {
            uint64_t va = 0, vb = 0;
            /* Saturate: hostile names only need a consistent order. */
            for (; is_digit(*a); a++)
                va = va > UINT64_MAX / 16 ? va : va * 10 + (uint64_t)(*a - '0');
            for (; is_digit(*b); b++)
                vb = vb > UINT64_MAX / 16 ? vb : vb * 10 + (uint64_t)(*b - '0');
            if (va != vb)
                return va < vb ? -1 : 1;
        } else if (is_digit(*a)) {
            return 1;
        } else if (is_digit(*b)) {
            return -1;
        } else if (*a != *b) {
            return (signed char)*a - (signed char)*b;
        } else {
            a++;
            b++;
        }
    }
    return -(signed char)*b;
}

static int popcount64(uint64_t v)
{
    int n = 0;
    for (; v != 0; v &= v - 1)
        n++;
    return n;
}

/* ldconfig's compare(): < 0 when `x` comes before `y` in the file. */
static int order(const copa__ldso_cache *c, const copa__ldso_entry *x, const copa__ldso_entry *y)
{
    int res = copa__ldso_libcmp(y->key, x->key), xh, yh;
    if (res != 0)
        return res;
    if (x->flags != y->flags)
        return x->flags < y->flags ? 1 : -1;
    xh = (x->hwcap & COPA__LDSO_HWCAP_EXTENSION) != 0;
    yh = (y->hwcap & COPA__LDSO_HWCAP_EXTENSION) != 0;
    if (xh != yh)
        return xh ? -1 : 1;
    if (xh) {
        res = strcmp(c->hwcaps[x->hwcap & UINT32_MAX], c->hwcaps[y->hwcap & UINT32_MAX]);
        if (res != 0)
            return res;
    } else if (x->hwcap != y->hwcap) {
        int xb = popcount64(x->hwcap), yb = popcount64(y->hwcap);
        if (xb != yb)
            return yb > xb ? 1 : -1;
        return y->hwcap > x->hwcap ? 1 : -1;
    }
    if (x->osversion != y->osversion)
        return y->osversion > x->osversion ? 1 : -1;
    return 0;
}

int copa__ldso_cache_put(copa__ldso_cache *c, const char *key, const char *value, int32_t flags)
{
    copa__ldso_entry fresh;
    size_t i, at;

    memset(&fresh, 0, sizeof(fresh));
    fresh.flags = flags;
    if ((fresh.key = strdup(key)) == NULL || (fresh.value = strdup(value)) == NULL) {
        free(fresh.key);
        return copa__error_oom();
    }
    for (i = 0; i < c->count; i++) {
        copa__ldso_entry *e = &c->entries[i];
        if (e->flags == flags && e->hwcap == 0 && strcmp(e->value, value) == 0 &&
            strcmp(e->key, key) == 0) {
            free(fresh.key);
            free(fresh.value);
            return 0;
        }
    }
    if (c->count + 1 >= c->cap) {
        size_t cap = c->cap * 2 + 8;
        copa__ldso_entry *grown = realloc(c->entries, cap * sizeof(*grown));
        if (grown == NULL) {
            free(fresh.key);
            free(fresh.value);
            return copa__error_oom();
        }
        c->entries = grown;
        c->cap = cap;
    }
    for (at = 0; at < c->count && order(c, &c->entries[at], &fresh) <= 0; at++)
        ;
    memmove(&c->entries[at + 1], &c->entries[at], (c->count - at) * sizeof(*c->entries));
    c->entries[at] = fresh;
    c->count++;
    return 1;
}

size_t copa__ldso_cache_remove(copa__ldso_cache *c, const char *value)
{
    size_t i, kept = 0, removed;
    /* Swap, free at the end: `value` may be one of the entries' own strings. */
    for (i = 0; i < c->count; i++)
        if (strcmp(c->entries[i].value, value) != 0) {
            copa__ldso_entry e = c->entries[kept];
            c->entries[kept++] = c->entries[i];
            c->entries[i] = e;
        }
    removed = c->count - kept;
    for (i = kept; i < c->count; i++) {
        free(c->entries[i].key);
        free(c->entries[i].value);
    }
    c->count = kept;
    return removed;
}
