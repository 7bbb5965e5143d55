/*
 * The name set (insertion order, lookups by length inside a larger
 * buffer, growth past the first table) and the hash set beside it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/hash_set.h"
#include "util/names.h"

static void add_has_order(void **state)
{
    copa__names n;
    const char *buf = "libc6 (>= 2.36)";
    (void)state;

    copa__names_init(&n);
    assert_false(copa__names_has(&n, "a", 1)); /* empty: no table yet */
    assert_int_equal(copa__names_add(&n, buf, 5), 1);
    assert_int_equal(copa__names_add(&n, "libc6", 5), 0);
    assert_int_equal(copa__names_add(&n, "x", 0), 0); /* empty names are not added */
    assert_int_equal(copa__names_add(&n, "libc", 4), 1);
    assert_true(copa__names_has(&n, "libc6", 5));
    assert_true(copa__names_has(&n, buf, 4)); /* "libc" */
    assert_false(copa__names_has(&n, buf, 3));
    assert_false(copa__names_has(&n, buf, 6));
    assert_int_equal(n.count, 2);
    assert_string_equal(n.order[0], "libc6");
    assert_string_equal(n.order[1], "libc");
    /* A NUL byte ends a name, as it ends the C string it is compared with. */
    assert_int_equal(copa__names_add(&n, "libc\0x", 6), 0);
    assert_true(copa__names_has(&n, "libc6\0zzzz", 10));
    copa__names_free(&n);
    copa__names_free(&n); /* freed twice: still fine */
}

static void grows(void **state)
{
    copa__names n;
    char name[32];
    size_t i;
    (void)state;

    copa__names_init(&n);
    for (i = 0; i < 5000; i++) {
        snprintf(name, sizeof(name), "pkg-%zu", i);
        assert_int_equal(copa__names_add(&n, name, strlen(name)), 1);
    }
    for (i = 0; i < 5000; i++) {
        snprintf(name, sizeof(name), "pkg-%zu", i);
        assert_true(copa__names_has(&n, name, strlen(name)));
        assert_string_equal(n.order[i], name);
    }
    assert_false(copa__names_has(&n, "pkg-5000", 8));
    copa__names_free(&n);
}

static void hash_set(void **state)
{
    copa__hash_set s;
    uint64_t i;
    (void)state;

    memset(&s, 0, sizeof(s));
    assert_false(copa__hash_set_has(&s, 7));
    for (i = 0; i < 10000; i++)
        assert_int_equal(copa__hash_set_add(&s, copa__names_hash((const char *)&i, sizeof(i))), 0);
    for (i = 0; i < 10000; i++)
        assert_true(copa__hash_set_has(&s, copa__names_hash((const char *)&i, sizeof(i))));
    assert_int_equal(s.count, 10000);
    assert_int_equal(copa__hash_set_add(&s, 0), 0); /* 0 is stored (as 1) */
    assert_true(copa__hash_set_has(&s, 0));
    assert_int_equal(copa__names_hash("", 0), 1469598103934665603u);
    copa__hash_set_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_has_order),
        cmocka_unit_test(grows),
        cmocka_unit_test(hash_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
