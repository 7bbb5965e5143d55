/*
 * The rpm header: an index of (tag, type, offset, count) entries over a data
 * store, optionally led by a region (HEADERIMMUTABLE in a package's header,
 * HEADERSIGNATURES in its signature header) whose trailer says how many
 * entries and bytes the signed part covers. Every bound is checked when the
 * header is parsed, so the accessors below never read outside the store and
 * every string they hand out is NUL-terminated. See docs/rpm.md.
 */
#ifndef COPA_LIB_RPM_HEADER_H
#define COPA_LIB_RPM_HEADER_H

#include <stddef.h>
#include <stdint.h>

/* Caps on what one header may claim (rpm itself allows 256 MiB of data). */
enum {
    COPA__RPM_HEADER_MAX_ENTRIES = 65535,
    COPA__RPM_HEADER_MAX_DATA = 64 * 1024 * 1024,
    COPA__RPM_HEADER_MAGIC_LEN = 8
};

typedef struct copa__rpm_entry {
    uint32_t tag;
    uint32_t type;
    uint32_t offset; /* into the data store */
    uint32_t count;
    uint32_t length; /* bytes of data, checked to lie inside the store */
} copa__rpm_entry;

typedef struct copa__rpm_header {
    unsigned char *blob; /* owned copy: il, dl, index, data (no magic) */
    size_t blob_len;
    const unsigned char *data; /* the data store inside blob */
    uint32_t data_len;
    copa__rpm_entry *entries; /* in index order */
    uint32_t count;
    uint32_t region_tag;      /* 0: no region (a legacy header) */
    uint32_t region_entries;  /* entries the region covers, its own included */
    uint32_t region_data_len; /* data bytes it covers, its trailer included */
} copa__rpm_header;

typedef struct copa__rpm_header_options {
    int with_magic;      /* the blob starts with the 8-byte header magic (.rpm files) */
    uint32_t region_tag; /* this region is required (0: a region is optional) */
    int region_is_whole; /* the region must cover every entry and byte (.rpm files) */
    uint32_t max_data;   /* cap on the data store (0: COPA__RPM_HEADER_MAX_DATA) */
} copa__rpm_header_options;

/*
 * Parse and check a header blob. `len` may be larger than the header; its
 * size (with the magic when present) is stored in *used (may be NULL). With
 * no magic this is the form rpmdb stores (rpm's headerExport). `name` is for
 * messages. COPA_EINVALID naming `name` and the fault; COPA_ENOMEM.
 */
int copa__rpm_header_parse(copa__rpm_header **out, const char *name, const void *blob, size_t len,
                           const copa__rpm_header_options *opts, size_t *used);

void copa__rpm_header_free(copa__rpm_header *h);

/* The entry for `tag` (the last one when an rpmdb header appended it again), or NULL. */
const copa__rpm_entry *copa__rpm_header_find(const copa__rpm_header *h, uint32_t tag);

/*
 * Accessors: 0, COPA_ENOTFOUND when the tag is absent, COPA_EINVALID when
 * its type does not fit (the message names the tag). What they return
 * points into the header (borrowed) unless said otherwise.
 */

/* A STRING, or the first (C locale) string of an I18NSTRING. */
int copa__rpm_header_string(const copa__rpm_header *h, uint32_t tag, const char **out);

/* A STRING_ARRAY (or a STRING/I18NSTRING as one item): *out is a malloc'd
 * array of `*count` borrowed strings, freed by the caller. */
int copa__rpm_header_strings(const copa__rpm_header *h, uint32_t tag, const char ***out,
                             uint32_t *count);

/* Any CHAR/INT8/INT16/INT32/INT64 array widened to uint64_t; *out malloc'd. */
int copa__rpm_header_ints(const copa__rpm_header *h, uint32_t tag, uint64_t **out, uint32_t *count);

/* The first value of an integer entry. */
int copa__rpm_header_int(const copa__rpm_header *h, uint32_t tag, uint64_t *out);

/* The bytes of a BIN entry. */
int copa__rpm_header_binary(const copa__rpm_header *h, uint32_t tag, const unsigned char **out,
                            uint32_t *length);

#endif
