/*
 * Fuzz the ld.so.cache reader (the file comes from the image): any bytes
 * either are refused or parse; what parses is written back, and that must
 * parse again to the same bytes when written once more. Edits (insert a
 * library, drop it again) must keep the cache writable.
 */
#include "debpatch/ldso_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__ldso_cache c, back;
    copa__buf one = COPA__BUF_INIT, two = COPA__BUF_INIT;

    if (copa__ldso_cache_parse(&c, data, size) != 0)
        return 0;
    if (copa__ldso_cache_put(&c, "libfuzz.so.1", "/usr/lib/libfuzz.so.1",
                             COPA__LDSO_FLAG_ELF_LIBC6 | COPA__LDSO_FLAG_X8664_LIB64) < 0 ||
        copa__ldso_cache_write(&one, &c) != 0)
        abort();
    if (copa__ldso_cache_parse(&back, one.data, one.length) != 0)
        abort();
    if (copa__ldso_cache_remove(&back, "/usr/lib/libfuzz.so.1") < 1 ||
        copa__ldso_cache_write(&two, &back) != 0)
        abort();
    copa__ldso_cache_free(&back);
    copa__ldso_cache_remove(&c, "/usr/lib/libfuzz.so.1");
    copa__buf_clear(&one);
    if (copa__ldso_cache_write(&one, &c) != 0 || one.length != two.length ||
        memcmp(one.data, two.data, one.length) != 0)
        abort();
    copa__ldso_cache_free(&c);
    copa__buf_free(&one);
    copa__buf_free(&two);
    return 0;
}
