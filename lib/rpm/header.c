/*
 * Parsing and checking an rpm header blob: the index, the data store, the
 * region and its trailer. The rules are rpm's (lib/header.c hdrblobVerifyInfo
 * and hdrblobVerifyRegion) restated: data of consecutive entries may not
 * overlap or go backwards, numbers are aligned to their size, every string is
 * NUL-terminated inside the store, the region trailer points back at exactly
 * the entries the region covers.
 */
#include "rpm/header.h"
#include "rpm/rpm_tags.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static const unsigned char header_magic[COPA__RPM_HEADER_MAGIC_LEN] = {0x8e, 0xad, 0xe8, 0x01,
                                                                       0,    0,    0,    0};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint32_t type_size(uint32_t type)
{
    switch (type) {
    case COPA__RPM_TYPE_CHAR:
    case COPA__RPM_TYPE_INT8:
    case COPA__RPM_TYPE_BIN:
        return 1;
    case COPA__RPM_TYPE_INT16:
        return 2;
    case COPA__RPM_TYPE_INT32:
        return 4;
    case COPA__RPM_TYPE_INT64:
        return 8;
    default:
        return 0; /* strings: variable */
    }
}

/* Length of `count` NUL-terminated strings starting at `off`, or 0 when one runs off the store. */
static uint32_t strings_length(const unsigned char *data, uint32_t dl, uint32_t off, uint32_t count)
{
    uint32_t pos = off, i;
    for (i = 0; i < count; i++) {
        const unsigned char *nul;
        if (pos >= dl)
            return 0;
        nul = memchr(data + pos, '\0', dl - pos);
        if (nul == NULL)
            return 0;
        pos = (uint32_t)(nul - data) + 1;
    }
    return pos - off;
}

/* The size of an entry's data, checked against the store; -1 with the reason set. */
static int entry_length(const char *name, const copa__rpm_entry *e, const unsigned char *data,
                        uint32_t dl, uint32_t *length)
{
    uint32_t size = type_size(e->type);
    if (e->type < COPA__RPM_TYPE_CHAR || e->type > COPA__RPM_TYPE_I18NSTRING)
        return copa__error_set(COPA_EINVALID, "%s: tag %u has unknown type %u", name, e->tag,
                               e->type);
    if (e->count == 0 || e->count > dl)
        return copa__error_set(COPA_EINVALID, "%s: tag %u has count %u for %u data bytes", name,
                               e->tag, e->count, dl);
    if (e->offset >= dl)
        return copa__error_set(COPA_EINVALID,
                               "%s: tag %u data offset %u is outside the %u-byte store", name,
                               e->tag, e->offset, dl);
    if (size > 1 && e->offset % size != 0)
        return copa__error_set(COPA_EINVALID, "%s: tag %u data offset %u is not aligned to %u",
                               name, e->tag, e->offset, size);
    if (e->type == COPA__RPM_TYPE_STRING && e->count != 1)
        return copa__error_set(COPA_EINVALID, "%s: string tag %u has count %u", name, e->tag,
                               e->count);
    if (size > 0) {
        if ((uint64_t)e->count * size > (uint64_t)(dl - e->offset))
            return copa__error_set(COPA_EINVALID,
                                   "%s: tag %u data (%u x %u bytes) runs off the store", name,
                                   e->tag, e->count, size);
        *length = e->count * size;
        return 0;
    }
    *length = strings_length(data, dl, e->offset, e->count);
    if (*length == 0)
        return copa__error_set(COPA_EINVALID,
                               "%s: tag %u strings are not NUL-terminated inside the store", name,
                               e->tag);
    return 0;
}

/* The region entry and its trailer (rpm's hdrblobVerifyRegion). */
static int check_region(const char *name, copa__rpm_header *h)
{
    const copa__rpm_entry *r = &h->entries[0];
    const unsigned char *t;
    uint32_t ttag, ttype, tcount, back;
    int32_t toff;

    if (r->type != COPA__RPM_TYPE_BIN || r->count != 16)
        return copa__error_set(COPA_EINVALID,
                               "%s: region tag %u has type %u count %u (want BIN, 16)", name,
                               r->tag, r->type, r->count);
    if (r->offset > h->data_len || h->data_len - r->offset < 16)
        return copa__error_set(COPA_EINVALID, "%s: region trailer at %u is outside the store", name,
                               r->offset);
    t = h->data + r->offset;
    ttag = be32(t);
    ttype = be32(t + 4);
    toff = (int32_t)be32(t + 8);
    tcount = be32(t + 12);
    /* Old packages name HEADERIMAGE in their signature region's trailer; rpm accepts that. */
    if (r->tag == COPA__RPM_TAG_HEADERSIGNATURES && ttag == COPA__RPM_TAG_HEADERIMAGE)
        ttag = COPA__RPM_TAG_HEADERSIGNATURES;
    if (ttag != r->tag || ttype != COPA__RPM_TYPE_BIN || tcount != 16)
        return copa__error_set(COPA_EINVALID, "%s: region %u has an invalid trailer", name, r->tag);
    if (toff >= 0 || toff == INT32_MIN)
        return copa__error_set(COPA_EINVALID, "%s: region %u trailer offset %d is not negative",
                               name, r->tag, toff);
    back = (uint32_t)-toff;
    if (back % 16 != 0 || back / 16 > h->count)
        return copa__error_set(COPA_EINVALID, "%s: region %u claims %u index bytes of %u entries",
                               name, r->tag, back, h->count);
    h->region_tag = r->tag;
    h->region_entries = back / 16;
    h->region_data_len = r->offset + 16;
    h->entries[0].length = 16;
    return 0;
}

/* Every non-region entry: type, bounds, alignment, order, and no overlap with the trailer. */
static int check_entries(const char *name, copa__rpm_header *h)
{
    uint32_t i, first = h->region_tag != 0 ? 1 : 0;
    uint64_t end = 0;
    int rc;

    for (i = first; i < h->count; i++) {
        copa__rpm_entry *e = &h->entries[i];
        if (e->tag < COPA__RPM_TAG_I18NTABLE)
            return copa__error_set(COPA_EINVALID, "%s: entry %u has reserved tag %u", name, i,
                                   e->tag);
        if ((rc = entry_length(name, e, h->data, h->data_len, &e->length)) < 0)
            return rc;
        if (e->offset < end)
            return copa__error_set(COPA_EINVALID, "%s: tag %u data overlaps the previous entry's",
                                   name, e->tag);
        end = (uint64_t)e->offset + e->length;
        if (h->region_tag != 0 && end > h->region_data_len - 16 && e->offset < h->region_data_len)
            return copa__error_set(COPA_EINVALID, "%s: tag %u data overlaps the region trailer",
                                   name, e->tag);
        if (h->region_tag != 0 && i < h->region_entries && end > h->region_data_len)
            return copa__error_set(COPA_EINVALID,
                                   "%s: tag %u lies inside the region's index but not its data",
                                   name, e->tag);
    }
    return 0;
}

static int compare_tags(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* A tag may be repeated only after the region (rpmdb appends install tags there). */
static int check_duplicates(const char *name, const copa__rpm_header *h)
{
    uint32_t n = h->region_tag != 0 ? h->region_entries : h->count, i;
    uint32_t *tags = malloc((size_t)n * sizeof(*tags));
    int rc = 0;

    if (tags == NULL)
        return copa__error_oom();
    for (i = 0; i < n; i++)
        tags[i] = h->entries[i].tag;
    qsort(tags, n, sizeof(*tags), compare_tags);
    for (i = 1; i < n && rc == 0; i++)
        if (tags[i] == tags[i - 1])
            rc = copa__error_set(COPA_EINVALID, "%s: tag %u appears twice", name, tags[i]);
    free(tags);
    return rc;
}

static int check_options(const char *name, const copa__rpm_header *h,
                         const copa__rpm_header_options *opts)
{
    if (opts->region_tag != 0 && h->region_tag != opts->region_tag)
        return copa__error_set(COPA_EINVALID, "%s: header has no region tag %u (found %u)", name,
                               opts->region_tag, h->region_tag);
    if (opts->region_is_whole && h->region_tag != 0 &&
        (h->region_entries != h->count || h->region_data_len != h->data_len))
        return copa__error_set(
            COPA_EINVALID, "%s: region %u covers %u of %u entries and %u of %u bytes", name,
            h->region_tag, h->region_entries, h->count, h->region_data_len, h->data_len);
    return 0;
}

static int read_index(const char *name, copa__rpm_header *h)
{
    const unsigned char *p = h->blob + 8;
    uint32_t i;
    h->entries = calloc(h->count, sizeof(*h->entries));
    if (h->entries == NULL)
        return copa__error_oom();
    for (i = 0; i < h->count; i++, p += 16) {
        h->entries[i].tag = be32(p);
        h->entries[i].type = be32(p + 4);
        h->entries[i].offset = be32(p + 8);
        h->entries[i].count = be32(p + 12);
    }
    if (h->entries[0].tag == COPA__RPM_TAG_HEADERIMMUTABLE ||
        h->entries[0].tag == COPA__RPM_TAG_HEADERSIGNATURES ||
        h->entries[0].tag == COPA__RPM_TAG_HEADERIMAGE)
        return check_region(name, h);
    return 0;
}

/* The sizes in the preamble; the header's total size into *total. */
static int read_sizes(const char *name, const unsigned char *p, size_t len, uint32_t max_data,
                      uint32_t *il, uint32_t *dl, size_t *total)
{
    if (len < 8)
        return copa__error_set(COPA_EINVALID, "%s: header is truncated (%zu bytes)", name, len);
    *il = be32(p);
    *dl = be32(p + 4);
    if (*il == 0 || *il > COPA__RPM_HEADER_MAX_ENTRIES)
        return copa__error_set(COPA_EINVALID, "%s: header has %u index entries (1 to %u allowed)",
                               name, *il, (unsigned)COPA__RPM_HEADER_MAX_ENTRIES);
    if (*dl == 0 || *dl > max_data)
        return copa__error_set(COPA_EINVALID, "%s: header data store of %u bytes (1 to %u allowed)",
                               name, *dl, max_data);
    *total = 8 + (size_t)*il * 16 + *dl;
    if (*total > len)
        return copa__error_set(COPA_EINVALID, "%s: header needs %zu bytes, %zu present", name,
                               *total, len);
    return 0;
}

int copa__rpm_header_parse(copa__rpm_header **out, const char *name, const void *blob, size_t len,
                           const copa__rpm_header_options *opts, size_t *used)
{
    static const copa__rpm_header_options defaults = {0, 0, 0, 0};
    const unsigned char *p = blob;
    copa__rpm_header *h;
    uint32_t il = 0, dl = 0, max;
    size_t total = 0, skip = 0;
    int rc;

    *out = NULL;
    if (opts == NULL)
        opts = &defaults;
    max = opts->max_data != 0 ? opts->max_data : COPA__RPM_HEADER_MAX_DATA;
    if (opts->with_magic) {
        if (len < COPA__RPM_HEADER_MAGIC_LEN || memcmp(p, header_magic, sizeof(header_magic)) != 0)
            return copa__error_set(COPA_EINVALID, "%s: no rpm header magic", name);
        skip = COPA__RPM_HEADER_MAGIC_LEN;
    }
    if ((rc = read_sizes(name, p + skip, len - skip, max, &il, &dl, &total)) < 0)
        return rc;
    if ((h = calloc(1, sizeof(*h))) == NULL || (h->blob = malloc(total)) == NULL) {
        free(h);
        return copa__error_oom();
    }
    memcpy(h->blob, p + skip, total);
    h->blob_len = total;
    h->count = il;
    h->data_len = dl;
    h->data = h->blob + 8 + (size_t)il * 16;
    if ((rc = read_index(name, h)) < 0 || (rc = check_entries(name, h)) < 0 ||
        (rc = check_duplicates(name, h)) < 0 || (rc = check_options(name, h, opts)) < 0) {
        copa__rpm_header_free(h);
        return rc;
    }
    if (used != NULL)
        *used = skip + total;
    *out = h;
    return 0;
}

void copa__rpm_header_free(copa__rpm_header *h)
{
    if (h == NULL)
        return;
    free(h->entries);
    free(h->blob);
    free(h);
}
