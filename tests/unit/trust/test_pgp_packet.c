/*
 * Packet framing: every length encoding, partial bodies, and truncated or
 * oversized inputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdlib.h>
#include <string.h>

#include "trust/pgp_packet.h"

static int one(const uint8_t *buf, size_t len, copa__pgp_packet *pkt, size_t *pos)
{
    *pos = 0;
    return copa__pgp_packet_next(pkt, buf, len, pos);
}

static void new_format_lengths(void **state)
{
    uint8_t buf[70000];
    copa__pgp_packet pkt;
    size_t pos;
    (void)state;
    memset(buf, 'x', sizeof(buf));
    buf[0] = 0xC2; /* new format, tag 2 */
    buf[1] = 100;  /* one-octet length */
    assert_int_equal(one(buf, 102, &pkt, &pos), 0);
    assert_int_equal(pkt.tag, 2);
    assert_int_equal(pkt.len, 100);
    assert_int_equal(pos, 102);
    buf[1] = 0xC5; /* two-octet: (0xC5 - 192) << 8 + 0x10 + 192 = 1488 */
    buf[2] = 0x10;
    assert_int_equal(one(buf, 3 + 1488, &pkt, &pos), 0);
    assert_int_equal(pkt.len, 1488);
    buf[1] = 0xFF; /* five-octet */
    buf[2] = 0;
    buf[3] = 1;
    buf[4] = 0;
    buf[5] = 0;
    assert_int_equal(one(buf, 6 + 65536, &pkt, &pos), 0);
    assert_int_equal(pkt.len, 65536);
    assert_int_equal(pkt.body, buf + 6);
}

static void old_format_lengths(void **state)
{
    uint8_t buf[300] = {0x98, 3, 'a', 'b', 'c'}; /* old format, tag 6, 1-octet length */
    copa__pgp_packet pkt;
    size_t pos;
    (void)state;
    assert_int_equal(one(buf, 5, &pkt, &pos), 0);
    assert_int_equal(pkt.tag, 6);
    assert_int_equal(pkt.len, 3);
    buf[0] = 0x89; /* tag 2, 2-octet length */
    buf[1] = 0x01;
    buf[2] = 0x00;
    assert_int_equal(one(buf, 3 + 256, &pkt, &pos), 0);
    assert_int_equal(pkt.tag, 2);
    assert_int_equal(pkt.len, 256);
    buf[0] = 0x8B; /* tag 2, indeterminate: the rest */
    assert_int_equal(one(buf, 50, &pkt, &pos), 0);
    assert_int_equal(pkt.len, 49);
}

static void partial_bodies_are_joined(void **state)
{
    /* tag 11; chunk of 2 (0xE1), chunk of 1 (0xE0), final 3. */
    const uint8_t buf[] = {0xCB, 0xE1, 'a', 'b', 0xE0, 'c', 3, 'd', 'e', 'f', 0xC2, 0};
    copa__pgp_packet pkt;
    size_t pos;
    (void)state;
    assert_int_equal(one(buf, sizeof(buf), &pkt, &pos), 0);
    assert_int_equal(pkt.tag, 11);
    assert_int_equal(pkt.len, 6);
    assert_memory_equal(pkt.body, "abcdef", 6);
    assert_int_equal(pos, 10);
    copa__pgp_packet_clear(&pkt);
    assert_int_equal(copa__pgp_packet_next(&pkt, buf, sizeof(buf), &pos), 0);
    assert_int_equal(pkt.len, 0);
    assert_int_equal(copa__pgp_packet_next(&pkt, buf, sizeof(buf), &pos), 1);
}

static void malformed_headers(void **state)
{
    static const struct {
        uint8_t bytes[8];
        size_t len;
    } bad[] = {
        {{0x42, 0}, 2},                            /* bit 7 clear */
        {{0xC2}, 1},                               /* no length */
        {{0xC2, 0xC5}, 2},                         /* two-octet length cut */
        {{0xC2, 0xFF, 0, 0}, 4},                   /* five-octet length cut */
        {{0xC2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, 6}, /* 4 GiB body in 6 bytes */
        {{0xC2, 5, 1, 2}, 4},                      /* body exceeds input */
        {{0x89, 0x01}, 2},                         /* old two-octet length cut */
        {{0xCB, 0xE3, 'a'}, 3},                    /* partial chunk of 8, input of 1 */
        {{0xCB, 0xE0, 'a'}, 3},                    /* partial without a final length */
        {{0xCB, 0xE0, 'a', 9, 'b'}, 5},            /* final chunk exceeds input */
        {{0x80, 0}, 2},                            /* reserved tag 0 */
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        copa__pgp_packet pkt;
        size_t pos;
        assert_int_equal(one(bad[i].bytes, bad[i].len, &pkt, &pos), COPA_EINVALID);
        assert_null(pkt.owned);
        assert_true(strstr(copa_error_last(), "packet") != NULL);
    }
}

static void mpi_and_subpacket_lengths(void **state)
{
    const uint8_t mpi[] = {0x00, 0x09, 0x01, 0xFF, 0x00, 0x11, 0x01};
    copa__pgp_reader r = {mpi, sizeof(mpi), 0};
    const uint8_t *p;
    size_t n, hdr;
    const uint8_t sub2[] = {0xC0, 0x00}, sub5[] = {0xFF, 0, 0, 0, 1, 7};
    (void)state;
    assert_int_equal(copa__pgp_read_mpi(&r, &p, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(p[1], 0xFF);
    assert_int_equal(copa__pgp_read_mpi(&r, &p, &n), -1);                /* 17 bits need 3 octets */
    assert_int_equal(copa__pgp_subpacket_length(sub2, 2, &hdr, &n), -1); /* 192 > 0 left */
    assert_int_equal(copa__pgp_subpacket_length(sub5, 6, &hdr, &n), 0);
    assert_int_equal(hdr, 5);
    assert_int_equal(n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_format_lengths),        cmocka_unit_test(old_format_lengths),
        cmocka_unit_test(partial_bodies_are_joined), cmocka_unit_test(malformed_headers),
        cmocka_unit_test(mpi_and_subpacket_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
