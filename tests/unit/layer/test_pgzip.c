/*
 * The parallel deterministic gzip: round trips through zlib's inflate and
 * the gzip tool (empty, 1 byte, one block, block + 1, many blocks of random
 * and of repetitive data, ~20 MB), identical bytes for 1, 2, 3 and 8
 * threads and for any write chunking, the size against one zlib stream and
 * against blocks without dictionaries, COPA_THREADS, and errors of the
 * output propagating with the threads joined.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <zlib.h>

#include "layer/pgzip.h"
#include "util/threads.h"
#include "util/error.h"
#include "layer_helpers.h"

enum { BLOCK = COPA__PGZIP_BLOCK };

typedef struct buf {
    unsigned char *data;
    size_t length, capacity;
    size_t fail_after; /* 0: never; else fail once this many bytes were taken */
} buf;

static int collect(void *payload, const void *data, size_t length)
{
    buf *b = payload;

    if (b->fail_after != 0 && b->length + length > b->fail_after)
        return copa__error_set(COPA_ERROR, "test output is full");
    if (b->length + length > b->capacity) {
        b->capacity = (b->length + length) * 2;
        b->data = realloc(b->data, b->capacity);
        assert_non_null(b->data);
    }
    memcpy(b->data + b->length, data, length);
    b->length += length;
    return 0;
}

/* Compress `in` with `threads`, fed in writes of `chunk` bytes (and a 1-byte one). */
static buf pg(const unsigned char *in, size_t n, int level, int threads, size_t chunk)
{
    buf out = {NULL, 0, 0, 0};
    copa__pgzip *p;
    size_t done = 0;

    assert_int_equal(copa__pgzip_new(&p, level, threads, collect, &out), 0);
    while (done < n) {
        size_t take = n - done < chunk ? n - done : chunk;
        if (done == 3 && take > 1)
            take = 1; /* an odd write size early on */
        assert_int_equal(copa__pgzip_write(p, in + done, take), 0);
        done += take;
    }
    assert_int_equal(copa__pgzip_finish(p), 0);
    assert_int_equal(copa__pgzip_write(p, "x", 1), COPA_EINVALID);
    assert_int_equal(copa__pgzip_finish(p), COPA_EINVALID);
    copa__pgzip_free(p);
    return out;
}

static unsigned char *random_bytes(size_t n, uint32_t seed)
{
    unsigned char *data = malloc(n + 1);
    size_t i;

    assert_non_null(data);
    for (i = 0; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        data[i] = (unsigned char)seed;
    }
    return data;
}

/* One random 20,000-byte piece over and over: back-references cross every block boundary. */
static unsigned char *repetitive(size_t n)
{
    unsigned char *piece = random_bytes(20000, 7), *data = malloc(n + 1);
    size_t i;

    assert_non_null(data);
    for (i = 0; i < n; i++)
        data[i] = piece[i % 20000];
    free(piece);
    return data;
}

/* Words from a small vocabulary and some hex: compresses about like text or a tar. */
static unsigned char *text(size_t n)
{
    static const char *words[] = {"usr", "lib",     "share",   "doc",    "copyright",
                                  "the", "package", "version", "debian", "license",
                                  "GNU", "of",      "and",     "to",     "\n",
                                  "/",   " ",       "libc6",   "amd64",  "2.36-9+deb12u4"};
    static const char hex[] = "0123456789abcdef";
    size_t m = n / 4 + 2, i = 0, k = 0;
    unsigned char *data = malloc(n + 1), *noise = random_bytes(m, 99);

    assert_non_null(data);
    while (i < n) {
        unsigned char pick = noise[k++ % m];
        const char *w = pick < 240 ? words[pick % 20] : hex + pick % 12;
        size_t len = pick < 240 ? strlen(w) : 4;
        if (len > n - i)
            len = n - i;
        memcpy(data + i, w, len);
        i += len;
    }
    free(noise);
    return data;
}

/* zlib's inflate gives back exactly `in`, and the gzip member ends where the buffer ends. */
static void assert_inflates(const buf *gz, const unsigned char *in, size_t n)
{
    unsigned char *out = malloc(n + 1);
    z_stream z;

    assert_non_null(out);
    memset(&z, 0, sizeof(z));
    assert_int_equal(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
    z.next_in = gz->data;
    z.avail_in = (uInt)gz->length;
    z.next_out = out;
    z.avail_out = (uInt)n + 1;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.avail_in, 0);
    assert_int_equal(z.total_out, n);
    assert_memory_equal(out, in, n);
    inflateEnd(&z);
    free(out);
}

/* The gzip tool accepts the file and decompresses it to `in`. */
static void assert_gzip_tool(const buf *gz, const unsigned char *in, size_t n, const char *name)
{
    char raw[64], packed[64];
    FILE *f;

    snprintf(raw, sizeof(raw), "%s.raw", name);
    snprintf(packed, sizeof(packed), "%s.gz", name);
    f = fopen(lh_path(raw), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(in, 1, n, f), n);
    fclose(f);
    f = fopen(lh_path(packed), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(gz->data, 1, gz->length, f), gz->length);
    fclose(f);
    assert_int_equal(lh_run("gzip -t '%s'", lh_path(packed)), 0);
    assert_int_equal(lh_run("gzip -dc '%s' | cmp -s - '%s'", lh_path(packed), lh_path(raw)), 0);
}

static void round_trip(const unsigned char *in, size_t n, const char *name)
{
    static const unsigned char header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
    buf one = pg(in, n, 6, 1, 65536), two = pg(in, n, 6, 2, 65536);
    uLong crc = crc32(crc32(0L, Z_NULL, 0), in, (uInt)n);
    const unsigned char *t = one.data + one.length - 8;

    assert_true(one.length >= 18);
    assert_memory_equal(one.data, header, 10);
    assert_int_equal(t[0] | t[1] << 8 | t[2] << 16 | (uLong)t[3] << 24, crc);
    assert_int_equal(t[4] | t[5] << 8 | t[6] << 16 | (uLong)t[7] << 24, n & 0xffffffffu);
    assert_int_equal(one.length, two.length);
    assert_memory_equal(one.data, two.data, one.length);
    assert_inflates(&one, in, n);
    assert_gzip_tool(&one, in, n, name);
    free(one.data);
    free(two.data);
}

static void small_inputs_round_trip(void **state)
{
    unsigned char *data = random_bytes(BLOCK + 1, 1);

    (void)state;
    round_trip(data, 0, "empty");
    round_trip(data, 1, "one");
    round_trip(data, BLOCK, "block");
    round_trip(data, BLOCK + 1, "block1");
    free(data);
}

static void many_blocks_round_trip(void **state)
{
    size_t n = 9 * BLOCK + 12345;
    unsigned char *noise = random_bytes(n, 2), *rep = repetitive(n), *words = text(n);

    (void)state;
    round_trip(noise, n, "random");
    round_trip(rep, n, "repetitive");
    round_trip(words, n, "text");
    free(noise);
    free(rep);
    free(words);
}

static void twenty_megabytes_round_trip(void **state)
{
    size_t n = 20 * 1000 * 1000 + 17;
    unsigned char *words = text(n);
    buf one, eight;

    (void)state;
    one = pg(words, n, 6, 1, 1 << 20);
    eight = pg(words, n, 6, 8, 10240); /* the tar writer's record size */
    assert_int_equal(one.length, eight.length);
    assert_memory_equal(one.data, eight.data, one.length);
    assert_inflates(&one, words, n);
    assert_gzip_tool(&one, words, n, "twenty");
    free(one.data);
    free(eight.data);
    free(words);
}

/* The promise users rely on: the bytes never depend on the thread count or the writes. */
static void same_bytes_for_any_thread_count(void **state)
{
    static const int threads[] = {1, 2, 3, 8};
    size_t n = 23 * BLOCK + 999, chunks[] = {BLOCK, 1000, 3 * BLOCK + 5};
    unsigned char *words = text(n);
    buf first = pg(words, n, 6, 1, 4096);
    int level, i;

    (void)state;
    for (i = 0; i < 4; i++) {
        buf other = pg(words, n, 6, threads[i], chunks[i % 3]);
        assert_int_equal(other.length, first.length);
        assert_memory_equal(other.data, first.data, first.length);
        free(other.data);
    }
    free(first.data);
    for (level = 1; level <= 9; level += 8) {
        buf a = pg(words, n, level, 1, 65536), b = pg(words, n, level, 3, 777);
        assert_int_equal(a.length, b.length);
        assert_memory_equal(a.data, b.data, a.length);
        free(a.data);
        free(b.data);
    }
    free(words);
}

/* Raw deflate of `in` at level 6, as one stream or as independent blocks without dictionary. */
static size_t zlib_size(const unsigned char *in, size_t n, size_t block)
{
    size_t total = 0, done = 0, cap = compressBound((uLong)n) + 64;
    unsigned char *out = malloc(cap);
    z_stream z;

    assert_non_null(out);
    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    while (done < n) {
        size_t take = n - done < block ? n - done : block;
        assert_int_equal(deflateReset(&z), Z_OK);
        z.next_in = (Bytef *)(uintptr_t)(in + done);
        z.avail_in = (uInt)take;
        z.next_out = out;
        z.avail_out = (uInt)cap;
        assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
        total += cap - z.avail_out;
        done += take;
    }
    deflateEnd(&z);
    free(out);
    return total + 18; /* gzip header and trailer, as ours */
}

static void dictionaries_keep_the_ratio(void **state)
{
    size_t n = 8 * 1000 * 1000;
    unsigned char *words = text(n), *rep = repetitive(n);
    buf a = pg(words, n, 6, 2, 65536), b = pg(rep, n, 6, 2, 65536);
    size_t single = zlib_size(words, n, n), rep_single = zlib_size(rep, n, n);
    size_t rep_nodict = zlib_size(rep, n, BLOCK);

    (void)state;
    print_message("text: %zu single stream, %zu blocked (%+.2f%%)\n", single, a.length,
                  100.0 * ((double)a.length - (double)single) / (double)single);
    print_message("repetitive: %zu single stream, %zu blocked, %zu blocks without dictionary\n",
                  rep_single, b.length, rep_nodict);
    assert_true(a.length <= single + single / 100);
    assert_true(b.length <= rep_single + rep_single / 50);
    /* Without the dictionary every block would restate the 20,000-byte piece. */
    assert_true(b.length * 10 < rep_nodict);
    free(a.data);
    free(b.data);
    free(words);
    free(rep);
}

static void thread_count_sources(void **state)
{
    int threads = 0;

    (void)state;
    unsetenv("COPA_THREADS");
    assert_int_equal(copa__threads_count(&threads, 0), 0);
    assert_true(threads >= 1 && threads <= COPA__THREADS_AUTO_MAX);
    setenv("COPA_THREADS", "3", 1);
    assert_int_equal(copa__threads_count(&threads, 0), 0);
    assert_int_equal(threads, 3);
    assert_int_equal(copa__threads_count(&threads, 5), 0); /* the option wins */
    assert_int_equal(threads, 5);
    setenv("COPA_THREADS", "zero", 1);
    assert_int_equal(copa__threads_count(&threads, 0), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "COPA_THREADS"));
    setenv("COPA_THREADS", "0", 1);
    assert_int_equal(copa__threads_count(&threads, 0), COPA_EINVALID);
    assert_int_equal(copa__threads_count(&threads, COPA__THREADS_MAX + 1), COPA_EINVALID);
    unsetenv("COPA_THREADS");
}

/* The output fails midway: the error comes back, stays, and free joins everything. */
static void output_errors_propagate(void **state)
{
    static const int threads[] = {1, 2, 8};
    size_t n = 40 * BLOCK;
    unsigned char *words = text(n);
    int i;

    (void)state;
    for (i = 0; i < 3; i++) {
        buf out = {NULL, 0, 0, 100000};
        copa__pgzip *p;
        size_t done;
        int rc = 0;
        assert_int_equal(copa__pgzip_new(&p, 6, threads[i], collect, &out), 0);
        for (done = 0; done < n && rc == 0; done += 10240)
            rc = copa__pgzip_write(p, words + done, 10240);
        if (rc == 0)
            rc = copa__pgzip_finish(p);
        assert_int_equal(rc, COPA_ERROR);
        assert_string_equal(copa_error_last(), "test output is full");
        copa_error_clear();
        assert_int_equal(copa__pgzip_write(p, words, 10), COPA_ERROR);
        assert_string_equal(copa_error_last(), "test output is full");
        assert_int_equal(copa__pgzip_finish(p), COPA_ERROR);
        copa__pgzip_free(p);
        free(out.data);
    }
    free(words);
}

/* Through the layer sink: a full disk is an error of write or finish, then free is safe. */
static void sink_reports_a_full_disk(void **state)
{
    size_t n = 4 * 1000 * 1000;
    unsigned char *noise = random_bytes(n, 5);
    copa__layer_sink *sink;
    copa__layer_result result;
    int fd = open("/dev/full", O_WRONLY), rc = 0;
    size_t done;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(copa__layer_sink_new(&sink, COPA__COMPRESSION_GZIP, 0, 2, fd), 0);
    for (done = 0; done < n && rc == 0; done += 10240)
        rc = copa__layer_sink_write(sink, noise + done, n - done < 10240 ? n - done : 10240);
    if (rc == 0)
        rc = copa__layer_sink_finish(sink, &result);
    assert_int_equal(rc, COPA_ERROR);
    assert_non_null(strstr(copa_error_last(), "No space left"));
    copa__layer_sink_free(sink);
    close(fd);
    setenv("COPA_THREADS", "many", 1);
    assert_int_equal(copa__layer_sink_new(&sink, COPA__COMPRESSION_GZIP, 0, 0, 1), COPA_EINVALID);
    unsetenv("COPA_THREADS");
    free(noise);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_inputs_round_trip),
        cmocka_unit_test(many_blocks_round_trip),
        cmocka_unit_test(twenty_megabytes_round_trip),
        cmocka_unit_test(same_bytes_for_any_thread_count),
        cmocka_unit_test(dictionaries_keep_the_ratio),
        cmocka_unit_test(thread_count_sources),
        cmocka_unit_test(output_errors_propagate),
        cmocka_unit_test(sink_reports_a_full_disk),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    lh_cleanup();
    return failed;
}
