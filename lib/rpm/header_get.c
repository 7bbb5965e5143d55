/*
 * Typed access to the entries of a parsed header. The parser has checked
 * every entry's bounds and strings, so these only check the types.
 */
#include "rpm/header.h"
#include "rpm/rpm_tags.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

const copa__rpm_entry *copa__rpm_header_find(const copa__rpm_header *h, uint32_t tag)
{
    uint32_t i = h->count;
    while (i-- > 0)
        if (h->entries[i].tag == tag)
            return &h->entries[i];
    return NULL;
}

static int absent(uint32_t tag)
{
    (void)tag;
    return COPA_ENOTFOUND; /* not recorded as a failure: absence is a normal answer */
}

static int wrong_type(const copa__rpm_entry *e, const char *want)
{
    return copa__error_set(COPA_EINVALID, "rpm header tag %u has type %u, %s expected", e->tag,
                           e->type, want);
}

int copa__rpm_header_string(const copa__rpm_header *h, uint32_t tag, const char **out)
{
    const copa__rpm_entry *e = copa__rpm_header_find(h, tag);
    *out = NULL;
    if (e == NULL)
        return absent(tag);
    if (e->type != COPA__RPM_TYPE_STRING && e->type != COPA__RPM_TYPE_I18NSTRING)
        return wrong_type(e, "a string");
    *out = (const char *)h->data + e->offset;
    return 0;
}

int copa__rpm_header_strings(const copa__rpm_header *h, uint32_t tag, const char ***out,
                             uint32_t *count)
{
    const copa__rpm_entry *e = copa__rpm_header_find(h, tag);
    const char *p;
    uint32_t i;

    *out = NULL;
    *count = 0;
    if (e == NULL)
        return absent(tag);
    if (e->type != COPA__RPM_TYPE_STRING_ARRAY && e->type != COPA__RPM_TYPE_STRING &&
        e->type != COPA__RPM_TYPE_I18NSTRING)
        return wrong_type(e, "a string array");
    /* Translations of one I18NSTRING are one value, not a list. */
    *count = e->type == COPA__RPM_TYPE_STRING_ARRAY ? e->count : 1;
    if ((*out = malloc((size_t)*count * sizeof(**out))) == NULL)
        return copa__error_oom();
    p = (const char *)h->data + e->offset;
    for (i = 0; i < *count; i++) {
        (*out)[i] = p;
        p += strlen(p) + 1;
    }
    return 0;
}

static uint64_t read_be(const unsigned char *p, uint32_t size)
{
    uint64_t v = 0;
    uint32_t i;
    for (i = 0; i < size; i++)
        v = v << 8 | p[i];
    return v;
}

int copa__rpm_header_ints(const copa__rpm_header *h, uint32_t tag, uint64_t **out, uint32_t *count)
{
    const copa__rpm_entry *e = copa__rpm_header_find(h, tag);
    uint32_t size, i;

    *out = NULL;
    *count = 0;
    if (e == NULL)
        return absent(tag);
    switch (e->type) {
    case COPA__RPM_TYPE_CHAR:
    case COPA__RPM_TYPE_INT8:
        size = 1;
        break;
    case COPA__RPM_TYPE_INT16:
        size = 2;
        break;
    case COPA__RPM_TYPE_INT32:
        size = 4;
        break;
    case COPA__RPM_TYPE_INT64:
        size = 8;
        break;
    default:
        return wrong_type(e, "an integer");
    }
    if ((*out = malloc((size_t)e->count * sizeof(**out))) == NULL)
        return copa__error_oom();
    for (i = 0; i < e->count; i++)
        (*out)[i] = read_be(h->data + e->offset + (size_t)i * size, size);
    *count = e->count;
    return 0;
}

int copa__rpm_header_int(const copa__rpm_header *h, uint32_t tag, uint64_t *out)
{
    uint64_t *values;
    uint32_t n;
    int rc = copa__rpm_header_ints(h, tag, &values, &n);
    *out = 0;
    if (rc < 0)
        return rc;
    *out = values[0];
    free(values);
    return 0;
}

int copa__rpm_header_binary(const copa__rpm_header *h, uint32_t tag, const unsigned char **out,
                            uint32_t *length)
{
    const copa__rpm_entry *e = copa__rpm_header_find(h, tag);
    *out = NULL;
    *length = 0;
    if (e == NULL)
        return absent(tag);
    if (e->type != COPA__RPM_TYPE_BIN)
        return wrong_type(e, "binary");
    *out = h->data + e->offset;
    *length = e->count;
    return 0;
}
