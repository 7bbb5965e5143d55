/*
 * gzip members through ISA-L's stateful inflate.
 *
 * What ISA-L checks (isal_read_gzip_header + isal_inflate with crc_flag
 * ISAL_GZIP): the magic, CM = 8, the FEXTRA/FNAME/FCOMMENT fields (skipped),
 * the FHCRC header CRC-16, the deflate data, and the 8-byte trailer as one
 * 64-bit compare of CRC-32 and ISIZE (output size mod 2^32, counted from the
 * member's start because we reset the state per member). Any mismatch is
 * ISAL_INCORRECT_CHECKSUM. ISA-L consumes input exactly up to the end of a
 * member's trailer, so what is left in next_in starts the next member.
 *
 * What we add: the reserved FLG bits must be zero (as zlib and libarchive
 * require); the member sequence (several members, then only zero padding);
 * truncation (ISA-L just waits for more input); and, on a trailer mismatch,
 * which of CRC-32 and ISIZE is wrong, from the last 8 bytes consumed (the
 * trailer) against our own output count.
 */
#include "layer/gunzip.h"
#include "util/error.h"

#include <isa-l/igzip_lib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum phase { PHASE_HEADER, PHASE_BODY, PHASE_BETWEEN, PHASE_ZEROS, PHASE_DONE };

/* FLG bits 5-7 are reserved; RFC 1952 readers must reject them. */
enum { RESERVED_FLAGS = 0xe0, MAX_FEED = 1 << 30 };

struct copa__gunzip {
    struct inflate_state state;
    struct isal_gzip_header header;
    copa__gunzip_pull_fn pull;
    void *payload;
    const char *name;
    const unsigned char *pending; /* pulled input not yet handed to ISA-L */
    size_t pending_length;
    int input_end;
    enum phase phase;
    int error;
    unsigned long long member; /* 1-based number of the current member */
    uint32_t member_out;       /* this member's output size mod 2^32 */
    unsigned char tail[8];     /* the last 8 bytes ISA-L consumed */
};

int copa__gunzip_new(copa__gunzip **out, copa__gunzip_pull_fn pull, void *payload, const char *name)
{
    copa__gunzip *gz = calloc(1, sizeof(*gz));

    *out = NULL;
    if (gz == NULL)
        return copa__error_oom();
    isal_inflate_init(&gz->state);
    gz->state.crc_flag = ISAL_GZIP;
    isal_gzip_header_init(&gz->header);
    gz->pull = pull;
    gz->payload = payload;
    gz->name = name;
    gz->phase = PHASE_HEADER;
    gz->member = 1;
    *out = gz;
    return 0;
}

void copa__gunzip_free(copa__gunzip *gz)
{
    free(gz);
}

static int fail(copa__gunzip *gz, int error)
{
    gz->error = error;
    return error;
}

/* Make input available to ISA-L: 1, 0 at the end of the input, or < 0. */
static int feed(copa__gunzip *gz)
{
    size_t n;

    if (gz->state.avail_in > 0)
        return 1;
    if (gz->pending_length == 0) {
        ssize_t got;
        if (gz->input_end)
            return 0;
        got = gz->pull(gz->payload, &gz->pending);
        if (got < 0)
            return fail(gz, (int)got);
        if (got == 0) {
            gz->input_end = 1;
            return 0;
        }
        gz->pending_length = (size_t)got;
    }
    n = gz->pending_length < MAX_FEED ? gz->pending_length : MAX_FEED;
    gz->state.next_in = (uint8_t *)gz->pending; /* ISA-L does not write to it */
    gz->state.avail_in = (uint32_t)n;
    gz->pending += n;
    gz->pending_length -= n;
    return 1;
}

/* Remember the last 8 input bytes consumed since `from`. */
static void track_tail(copa__gunzip *gz, const uint8_t *from)
{
    size_t used;

    if (gz->state.next_in < from)
        return; /* ISA-L never rewinds past `from` today; if it did, keep the old tail */
    used = (size_t)(gz->state.next_in - from);
    if (used >= sizeof(gz->tail)) {
        memcpy(gz->tail, gz->state.next_in - sizeof(gz->tail), sizeof(gz->tail));
    } else if (used > 0) {
        memmove(gz->tail, gz->tail + used, sizeof(gz->tail) - used);
        memcpy(gz->tail + sizeof(gz->tail) - used, from, used);
    }
}

static uint32_t load_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int truncated(copa__gunzip *gz, const char *where)
{
    return fail(gz, copa__error_set(COPA_EINVALID,
                                    "%s: gzip data is truncated in the %s of member %llu", gz->name,
                                    where, gz->member));
}

static int isal_failure(copa__gunzip *gz, int rc)
{
    const char *what;

    switch (rc) {
    case ISAL_INVALID_BLOCK:
        what = "invalid deflate block";
        break;
    case ISAL_INVALID_SYMBOL:
        what = "invalid deflate symbol";
        break;
    case ISAL_INVALID_LOOKBACK:
        what = "deflate back-reference before the start of the data";
        break;
    case ISAL_UNSUPPORTED_METHOD:
        what = "compression method is not deflate";
        break;
    case ISAL_INVALID_WRAPPER:
        what = "bad gzip header";
        break;
    default:
        what = "ISA-L inflate error";
        break;
    }
    return fail(gz, copa__error_set(COPA_EINVALID, "%s: corrupt gzip data in member %llu: %s (%d)",
                                    gz->name, gz->member, what, rc));
}

/* The trailer did not match: say whether the length or the CRC is wrong. */
static int trailer_mismatch(copa__gunzip *gz)
{
    uint32_t crc = load_le32(gz->tail), isize = load_le32(gz->tail + 4);

    if (isize != gz->member_out)
        return fail(gz, copa__error_set(COPA_EINVALID,
                                        "%s: gzip member %llu: length mismatch: the trailer "
                                        "says %lu bytes (ISIZE), the data has %lu",
                                        gz->name, gz->member, (unsigned long)isize,
                                        (unsigned long)gz->member_out));
    return fail(gz, copa__error_set(COPA_EINVALID,
                                    "%s: gzip member %llu: CRC-32 mismatch: the trailer says "
                                    "%08lx, the data has %08lx",
                                    gz->name, gz->member, (unsigned long)crc,
                                    (unsigned long)gz->state.crc));
}

/* What follows member `gz->member` is neither a member nor zero padding. */
static int not_a_member(copa__gunzip *gz)
{
    return fail(gz, copa__error_set(COPA_EINVALID,
                                    "%s: the bytes after gzip member %llu are neither a gzip "
                                    "member nor zero padding",
                                    gz->name, gz->member));
}

static int read_header(copa__gunzip *gz)
{
    int rc, more;

    for (;;) {
        if ((more = feed(gz)) < 0)
            return more;
        if (more == 0)
            return truncated(gz, "header");
        rc = isal_read_gzip_header(&gz->state, &gz->header);
        if (rc == ISAL_END_INPUT)
            continue;
        if (rc == ISAL_INCORRECT_CHECKSUM)
            return fail(gz, copa__error_set(COPA_EINVALID,
                                            "%s: gzip member %llu: header CRC-16 mismatch",
                                            gz->name, gz->member));
        if (rc == ISAL_INVALID_WRAPPER && gz->member > 1) {
            gz->member--;
            return not_a_member(gz);
        }
        if (rc != ISAL_DECOMP_OK)
            return isal_failure(gz, rc);
        if (gz->header.flags & RESERVED_FLAGS)
            return fail(gz, copa__error_set(COPA_EINVALID,
                                            "%s: gzip member %llu has reserved header flags "
                                            "set (0x%02x)",
                                            gz->name, gz->member, (unsigned)gz->header.flags));
        gz->phase = PHASE_BODY;
        gz->member_out = 0;
        return 0;
    }
}

/* Inflate into buf until some output, the member's end, or an error. */
static ssize_t read_body(copa__gunzip *gz, unsigned char *buf, size_t length)
{
    uint32_t room = length < MAX_FEED ? (uint32_t)length : MAX_FEED;
    int rc, more;

    for (;;) {
        const uint8_t *from = gz->state.next_in;
        uint32_t produced;

        gz->state.next_out = buf;
        gz->state.avail_out = room;
        rc = isal_inflate(&gz->state);
        track_tail(gz, from);
        produced = room - gz->state.avail_out;
        gz->member_out += produced;
        if (rc == ISAL_INCORRECT_CHECKSUM)
            return trailer_mismatch(gz);
        if (rc != ISAL_DECOMP_OK)
            return isal_failure(gz, rc);
        if (gz->state.block_state == ISAL_BLOCK_FINISH)
            gz->phase = PHASE_BETWEEN;
        if (produced > 0 || gz->phase != PHASE_BODY)
            return (ssize_t)produced;
        if (gz->state.avail_in > 0 && gz->state.next_in == from)
            return fail(gz,
                        copa__error_set(COPA_ERROR, "%s: ISA-L inflate stalled in gzip member %llu",
                                        gz->name, gz->member));
        if ((more = feed(gz)) < 0)
            return more;
        if (more == 0)
            return truncated(gz, gz->state.block_state == ISAL_CHECKSUM_CHECK ||
                                         gz->state.block_state == ISAL_BLOCK_INPUT_DONE
                                     ? "trailer"
                                     : "deflate data");
    }
}

/* After a member: another member, zero padding to the end, or the end. */
static int next_member(copa__gunzip *gz)
{
    int more = feed(gz);

    if (more <= 0) {
        if (more == 0)
            gz->phase = PHASE_DONE;
        return more;
    }
    if (gz->state.next_in[0] == 0) {
        gz->phase = PHASE_ZEROS;
        return 0;
    }
    if (gz->state.next_in[0] != 0x1f)
        return not_a_member(gz);
    isal_inflate_reset(&gz->state);
    isal_gzip_header_init(&gz->header);
    gz->member++;
    gz->phase = PHASE_HEADER;
    return 0;
}

/* Zero padding after the last member: skipped, like GNU gzip does. */
static int skip_zeros(copa__gunzip *gz)
{
    int more;

    while ((more = feed(gz)) > 0) {
        while (gz->state.avail_in > 0 && gz->state.next_in[0] == 0) {
            gz->state.next_in++;
            gz->state.avail_in--;
        }
        if (gz->state.avail_in > 0)
            return fail(gz, copa__error_set(COPA_EINVALID,
                                            "%s: non-zero bytes after the zero padding that "
                                            "follows gzip member %llu",
                                            gz->name, gz->member));
    }
    if (more == 0)
        gz->phase = PHASE_DONE;
    return more;
}

ssize_t copa__gunzip_read(copa__gunzip *gz, void *buf, size_t length)
{
    int error = 0;

    if (gz->error != 0)
        return gz->error;
    while (error == 0) {
        switch (gz->phase) {
        case PHASE_HEADER:
            error = read_header(gz);
            break;
        case PHASE_BODY: {
            ssize_t n = read_body(gz, buf, length);
            if (n != 0)
                return n;
            break;
        }
        case PHASE_BETWEEN:
            error = next_member(gz);
            break;
        case PHASE_ZEROS:
            error = skip_zeros(gz);
            break;
        case PHASE_DONE:
            return 0;
        }
    }
    return error;
}
