/*
 * What the ld.so.cache effect reads from a library while it is unpacked:
 * this host's libz.so.1 gives its soname and ldconfig's x86-64 flags (as
 * `ldconfig -p` shows them); the file's bytes come from a package, so
 * truncations and offsets pointing anywhere are ignored or refused, never
 * read out of bounds (the ASan build runs this too).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "debpatch/internal.h"
#include "debpatch/ldso_cache.h"
#include "test_support.h"

#define LIBZ "/lib/x86_64-linux-gnu/libz.so.1"

static void see(copa__dp_ctx *c, const void *data, size_t len)
{
    assert_int_equal(copa__dp_ldso_seen(c, "usr/lib/x86_64-linux-gnu/libz.so.1", data, len, 1), 0);
}

static void put64(unsigned char *p, uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void host_library_soname_and_flags(void **state)
{
    copa__dp_ctx c;
    size_t len;
    char *data = test_read_file(LIBZ, &len);
    (void)state;
    if (data == NULL)
        skip();
    memset(&c, 0, sizeof(c));
    see(&c, data, len);
    assert_int_equal(c.nldso_libs, 1);
    assert_string_equal(c.ldso_libs[0].soname, "libz.so.1");
    assert_int_equal(c.ldso_libs[0].flags, COPA__LDSO_FLAG_ELF_LIBC6 | COPA__LDSO_FLAG_X8664_LIB64);
    /* Not ELF (a linker script such as libc.so): ignored, as ldconfig does. */
    see(&c, "/* GNU ld script */", 19);
    assert_int_equal(c.nldso_libs, 1);
    /* Too large to keep: recorded as not judged. */
    assert_int_equal(copa__dp_ldso_seen(&c, "usr/lib/libbig.so.1", data, 10, 0), 0);
    assert_int_equal(c.ldso_libs[1].flags, -1);
    copa__dp_ldso_free(&c);
    free(data);
}

static void damaged_headers_stay_in_bounds(void **state)
{
    copa__dp_ctx c;
    size_t len, cut, i;
    char *data = test_read_file(LIBZ, &len);
    unsigned char *d;
    (void)state;
    if (data == NULL)
        skip();
    memset(&c, 0, sizeof(c));
    d = malloc(len);
    assert_non_null(d);
    /* Every truncation of the first pages and near the end. */
    for (cut = 0; cut < 4096 && cut < len; cut += 7) {
        memcpy(d, data, cut);
        see(&c, d, cut);
    }
    for (cut = len > 4096 ? len - 4096 : 0; cut < len; cut += 13) {
        memcpy(d, data, cut);
        see(&c, d, cut);
    }
    /* Huge program header offset and count. */
    memcpy(d, data, len);
    put64(d + 32, UINT64_MAX - 8);
    see(&c, d, len);
    memcpy(d, data, len);
    d[56] = 0xff;
    d[57] = 0xff;
    see(&c, d, len);
    /* Every 8-byte word of the dynamic section's neighbourhood set to huge
     * values: offsets, sizes, string table and soname indices. */
    for (i = 0; i + 8 <= len && i < 65536; i += 8) {
        memcpy(d, data, len);
        put64(d + i, UINT64_MAX - i);
        see(&c, d, len);
    }
    /* arm64 gets ldconfig's AArch64 flags (glibc's FLAG_AARCH64_LIB64)... */
    memcpy(d, data, len);
    d[18] = 183; /* EM_AARCH64 */
    assert_int_equal(copa__dp_ldso_seen(&c, "usr/lib/libarm.so.1", d, len, 1), 0);
    assert_int_equal(c.ldso_libs[c.nldso_libs - 1].flags,
                     COPA__LDSO_FLAG_ELF_LIBC6 | COPA__LDSO_FLAG_AARCH64_LIB64);
    /* ... and another machine is not judged (-1), never guessed. */
    d[18] = 243; /* EM_RISCV */
    assert_int_equal(copa__dp_ldso_seen(&c, "usr/lib/libriscv.so.1", d, len, 1), 0);
    assert_int_equal(c.ldso_libs[c.nldso_libs - 1].flags, -1);
    copa__dp_ldso_free(&c);
    free(d);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_library_soname_and_flags),
        cmocka_unit_test(damaged_headers_stay_in_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
