/*
 * Crafting rpm header blobs for the unit tests: entries are added with
 * their data, which is placed at the given alignment; the blob is written
 * with or without the magic and with or without a region whose trailer
 * the test may spoil.
 */
#ifndef COPA_TESTS_RPM_HEADER_BUILDER_H
#define COPA_TESTS_RPM_HEADER_BUILDER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct hb_entry {
    uint32_t tag, type, offset, count;
} hb_entry;

typedef struct hb {
    hb_entry e[64];
    unsigned n;
    unsigned char data[8192];
    uint32_t dl;
    unsigned char out[16384];
    size_t len;
} hb;

static inline void hb_put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Add an entry whose data is `len` bytes, aligned to `align`. */
static inline void hb_add(hb *b, uint32_t tag, uint32_t type, uint32_t count, const void *data,
                          size_t len, uint32_t align)
{
    while (align > 1 && b->dl % align != 0)
        b->data[b->dl++] = 0;
    b->e[b->n].tag = tag;
    b->e[b->n].type = type;
    b->e[b->n].offset = b->dl;
    b->e[b->n].count = count;
    b->n++;
    memcpy(b->data + b->dl, data, len);
    b->dl += (uint32_t)len;
}

static inline void hb_string(hb *b, uint32_t tag, const char *s)
{
    hb_add(b, tag, 6, 1, s, strlen(s) + 1, 1);
}

/* `n` strings given as one buffer of NUL-separated strings of total length `len`. */
static inline void hb_strings(hb *b, uint32_t tag, uint32_t type, uint32_t n, const char *s,
                              size_t len)
{
    hb_add(b, tag, type, n, s, len, 1);
}

static inline void hb_int32(hb *b, uint32_t tag, const uint32_t *v, uint32_t n)
{
    unsigned char buf[256];
    uint32_t i;
    for (i = 0; i < n; i++)
        hb_put32(buf + 4 * i, v[i]);
    hb_add(b, tag, 4, n, buf, 4 * n, 4);
}

static inline void hb_int16(hb *b, uint32_t tag, const uint16_t *v, uint32_t n)
{
    unsigned char buf[256];
    uint32_t i;
    for (i = 0; i < n; i++) {
        buf[2 * i] = (unsigned char)(v[i] >> 8);
        buf[2 * i + 1] = (unsigned char)v[i];
    }
    hb_add(b, tag, 3, n, buf, 2 * n, 2);
}

/*
 * Write the blob. region_tag 0: none; else the region entry goes first,
 * its trailer after the data, covering every entry (trailer_offset 0
 * means the right value -16 * (n + 1)).
 */
static inline void hb_finish(hb *b, int magic, uint32_t region_tag, int32_t trailer_offset)
{
    unsigned char *p = b->out;
    uint32_t il = b->n + (region_tag ? 1 : 0), dl = b->dl, i;
    static const unsigned char m[8] = {0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0};

    if (region_tag) {
        unsigned char *t = b->data + b->dl;
        hb_put32(t, region_tag);
        hb_put32(t + 4, 7);
        hb_put32(t + 8, (uint32_t)(trailer_offset ? trailer_offset : -(int32_t)(16 * il)));
        hb_put32(t + 12, 16);
        dl += 16;
    }
    if (magic) {
        memcpy(p, m, 8);
        p += 8;
    }
    hb_put32(p, il);
    hb_put32(p + 4, dl);
    p += 8;
    if (region_tag) {
        hb_put32(p, region_tag);
        hb_put32(p + 4, 7);
        hb_put32(p + 8, b->dl);
        hb_put32(p + 12, 16);
        p += 16;
    }
    for (i = 0; i < b->n; i++, p += 16) {
        hb_put32(p, b->e[i].tag);
        hb_put32(p + 4, b->e[i].type);
        hb_put32(p + 8, b->e[i].offset);
        hb_put32(p + 12, b->e[i].count);
    }
    memcpy(p, b->data, dl);
    p += dl;
    b->len = (size_t)(p - b->out);
}

#endif
