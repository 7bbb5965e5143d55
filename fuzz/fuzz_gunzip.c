/*
 * Fuzz the ISA-L gzip stage (lib/layer/gunzip.c) with arbitrary bytes, in
 * input chunks and output sizes chosen by the first byte, and compare it
 * with zlib under the same rules (members back to back, then only zeros):
 * whenever either accepts the input, both must, with the same bytes.
 */
#include <copa.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "layer/gunzip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_OUT = 4 << 20 };

typedef struct chunks {
    const uint8_t *data;
    size_t size, pos, step;
} chunks;

static ssize_t pull(void *payload, const unsigned char **out)
{
    chunks *c = payload;
    size_t n = c->size - c->pos < c->step ? c->size - c->pos : c->step;

    *out = c->data + c->pos;
    c->pos += n;
    return (ssize_t)n;
}

/* 1 ok, 0 rejected, -1 output too large to compare. */
static int ours(const uint8_t *data, size_t size, size_t step, size_t room, uint8_t *out,
                size_t *length)
{
    chunks c = {data, size, 0, step};
    copa__gunzip *gz;
    ssize_t n = 0;

    *length = 0;
    if (copa__gunzip_new(&gz, pull, &c, "fuzz") != 0)
        return -1;
    while (*length < MAX_OUT &&
           (n = copa__gunzip_read(gz, out + *length,
                                  room < MAX_OUT - *length ? room : MAX_OUT - *length)) > 0)
        *length += (size_t)n;
    copa__gunzip_free(gz);
    if (*length >= MAX_OUT)
        return -1;
    return n == 0;
}

/* zlib, member by member; 1 ok, 0 rejected, -1 too large. */
static int reference(const uint8_t *data, size_t size, uint8_t *out, size_t *length)
{
    z_stream z;
    size_t pos = 0;
    int rc;

    *length = 0;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return -1;
    do {
        inflateReset(&z);
        z.next_in = (Bytef *)(data + pos);
        z.avail_in = (uInt)(size - pos);
        do {
            z.next_out = out + *length;
            z.avail_out = (uInt)(MAX_OUT - *length);
            rc = inflate(&z, Z_NO_FLUSH);
            *length = MAX_OUT - z.avail_out;
        } while (rc == Z_OK && z.avail_out > 0 && z.avail_in > 0);
        pos = size - z.avail_in;
        if (rc != Z_STREAM_END) {
            inflateEnd(&z);
            return z.avail_out == 0 ? -1 : 0;
        }
    } while (pos < size && data[pos] != 0);
    inflateEnd(&z);
    for (; pos < size; pos++)
        if (data[pos] != 0)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t steps[] = {1, 3, 64, 4096};
    static const size_t rooms[] = {1, 100, 65536, MAX_OUT};
    static uint8_t *a, *b;
    size_t step, room, length_a, length_b;
    int got, want;

    if (size < 1)
        return 0;
    if (a == NULL && ((a = malloc(MAX_OUT)) == NULL || (b = malloc(MAX_OUT)) == NULL))
        abort();
    step = steps[data[0] & 3];
    room = rooms[(data[0] >> 2) & 3];
    data++;
    size--;
    got = ours(data, size, step, room, a, &length_a);
    want = reference(data, size, b, &length_b);
    if (got < 0 || want < 0)
        return 0;
    if (got != want || (got == 1 && (length_a != length_b || memcmp(a, b, length_a) != 0)))
        abort();
    return 0;
}
