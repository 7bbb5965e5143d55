/*
 * The Packages filter: stanzas kept by Package and by Provides (folded
 * Provides included), the dropped count next to other_arch, following
 * kept stanzas' dependencies, the "late" names a rescan needs, and
 * malformed stanzas rejected with the messages an unfiltered parse gives,
 * whether the filter would keep them or not (pinned: a filter never
 * changes which files are accepted).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdlib.h>
#include <string.h>

#include "repo/packages.h"

static const char index_text[] =
    "Package: libfoo1\nVersion: 1\nArchitecture: amd64\n\n"
    "Package: foo-i386\nVersion: 1\nArchitecture: i386\n\n"
    "Package: postfix\nVersion: 3\nArchitecture: amd64\nDepends: libpost (>= 1)\n"
    "Provides: default-mta,\n mail-transport-agent (= 3)\n\n"
    "Package: exim4\nVersion: 4\nArchitecture: all\nProvides: mta-other\n\n"
    "Package: libpost\nVersion: 1\nArchitecture: amd64\n\n"
    "Package: unrelated\nVersion: 1\nArchitecture: amd64\nDepends: libfoo1\n\n"
    "Package: libfoo1\nVersion: 2\nArchitecture: amd64\n";

static void want(copa__apt_filter *f, const char *name)
{
    assert_int_equal(copa__apt_filter_want(f, name, strlen(name)), 0);
}

static void parse(copa__apt_packages *idx, copa__apt_filter *f, const char *text)
{
    assert_int_equal(copa__apt_packages_init(idx, "amd64"), 0);
    idx->filter = f;
    if (copa__apt_packages_parse(idx, "Packages", text, strlen(text)) != 0)
        fail_msg("%s", copa_error_last());
}

static void keeps_by_name_and_provides(void **state)
{
    copa__apt_filter f;
    copa__apt_packages idx;
    const copa__apt_package *p;
    (void)state;

    memset(&f, 0, sizeof(f));
    want(&f, "libfoo1");
    want(&f, "mail-transport-agent"); /* on Provides' continuation line */
    parse(&idx, &f, index_text);
    assert_int_equal(idx.count, 3); /* libfoo1 twice, postfix */
    assert_int_equal(idx.other_arch, 1);
    assert_int_equal(idx.unwanted, 3); /* exim4, libpost, unrelated */
    p = copa__apt_packages_find(&idx, "libfoo1");
    assert_non_null(p);
    assert_string_equal(p->version, "1");
    assert_string_equal(idx.items[p->next_same - 1].version, "2");
    p = copa__apt_packages_find(&idx, "postfix");
    assert_non_null(p);
    assert_string_equal(p->provides, "default-mta, mail-transport-agent (= 3)");
    assert_null(copa__apt_packages_find(&idx, "exim4"));
    assert_null(copa__apt_packages_find(&idx, "libpost")); /* not followed */
    /* Without follow, nothing learnt: a dropped name never wanted is "missed". */
    assert_true(copa__apt_filter_missed(&f, "libpost"));
    assert_true(copa__apt_filter_missed(&f, "mta-other"));
    assert_false(copa__apt_filter_missed(&f, "libfoo1"));
    assert_false(copa__apt_filter_missed(&f, "no-such-package"));
    copa__apt_packages_free(&idx);
    copa__apt_filter_free(&f);
}

static void empty_filter_keeps_nothing_unfiltered_keeps_all(void **state)
{
    copa__apt_filter f;
    copa__apt_packages idx;
    (void)state;

    memset(&f, 0, sizeof(f));
    parse(&idx, &f, index_text);
    assert_int_equal(idx.count, 0);
    assert_int_equal(idx.unwanted, 6);
    assert_int_equal(idx.other_arch, 1);
    copa__apt_packages_free(&idx);
    parse(&idx, NULL, index_text);
    assert_int_equal(idx.count, 6);
    assert_int_equal(idx.unwanted, 0);
    copa__apt_packages_free(&idx);
    copa__apt_filter_free(&f);
}

/* follow: postfix (kept by a Provides name) brings its own name and libpost;
 * libpost comes later and is kept, libfoo1's first stanza went by before
 * "unrelated"... which is not followed, being dropped itself. */
static void follow_and_late(void **state)
{
    static const char text[] = "Package: libpost\nVersion: 0\nArchitecture: amd64\n\n"
                               "Package: postfix\nVersion: 3\nArchitecture: amd64\n"
                               "Pre-Depends: libpre\nDepends: libpost (>= 1) | alt:any, libx\n"
                               "Provides: mail-transport-agent\n\n"
                               "Package: postfix\nVersion: 2\nArchitecture: amd64\n\n"
                               "Package: libpost\nVersion: 1\nArchitecture: amd64\n\n"
                               "Package: libx\nVersion: 1\nArchitecture: amd64\n\n"
                               "Package: libpre\nVersion: 1\nArchitecture: amd64\n";
    copa__apt_filter f;
    copa__apt_packages idx;
    const copa__apt_package *p;
    (void)state;

    memset(&f, 0, sizeof(f));
    f.follow = 1;
    want(&f, "mail-transport-agent");
    parse(&idx, &f, text);
    assert_int_equal(idx.count, 5); /* all but the first libpost */
    assert_int_equal(idx.unwanted, 1);
    p = copa__apt_packages_find(&idx, "libpost");
    assert_string_equal(p->version, "1");
    assert_non_null(copa__apt_packages_find(&idx, "libx"));
    assert_non_null(copa__apt_packages_find(&idx, "libpre"));
    assert_true(copa__names_has(&f.wanted, "alt", 3));
    /* libpost 0 went by before it was wanted: a rescan must get it. */
    assert_true(copa__apt_filter_missed(&f, "libpost"));
    assert_int_equal(f.late.count, 1);
    assert_false(copa__apt_filter_missed(&f, "libx"));
    assert_false(copa__apt_filter_missed(&f, "postfix"));
    copa__apt_packages_free(&idx);

    /* The rescan: wanted from the start, nothing late, everything kept. */
    copa__apt_filter_rescan(&f);
    parse(&idx, &f, text);
    assert_int_equal(idx.count, 6);
    assert_int_equal(idx.unwanted, 0);
    assert_int_equal(f.late.count, 0);
    assert_false(copa__apt_filter_missed(&f, "libpost"));
    copa__apt_packages_free(&idx);
    copa__apt_filter_free(&f);
}

/* The same text fails with the same message with no filter, a filter that
 * keeps the stanza, and one that drops it. */
static void expect_bad(const char *text, const char *message)
{
    copa__apt_filter keep, drop;
    copa__apt_filter *filters[3];
    size_t i;

    memset(&keep, 0, sizeof(keep));
    memset(&drop, 0, sizeof(drop));
    want(&keep, "a");
    want(&drop, "zzz");
    filters[0] = NULL;
    filters[1] = &keep;
    filters[2] = &drop;
    for (i = 0; i < 3; i++) {
        copa__apt_packages idx;
        assert_int_equal(copa__apt_packages_init(&idx, "amd64"), 0);
        idx.filter = filters[i];
        if (copa__apt_packages_parse(&idx, "Packages", text, strlen(text)) != COPA_EINVALID)
            fail_msg("filter %zu accepts '%s'", i, text);
        if (strcmp(copa_error_last(), message) != 0)
            fail_msg("filter %zu: '%s', expected '%s'", i, copa_error_last(), message);
        copa__apt_packages_free(&idx);
    }
    copa__apt_filter_free(&keep);
    copa__apt_filter_free(&drop);
}

static void malformed_same_messages(void **state)
{
    (void)state;
    expect_bad("Package: a\nArchitecture: all\n", "Packages:1: stanza without Version");
    expect_bad("Version: 2\nArchitecture: all\n", "Packages:1: stanza without Package");
    expect_bad("Package: a\nVersion: 1\n", "Packages:1: stanza without Architecture");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nSize: 12k\n",
               "Packages:4: malformed Size value '12k'");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nSHA256: abc\n",
               "Packages:4: malformed SHA256 value 'abc'");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nSHA256: "
               "zaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
               "Packages:4: malformed SHA256 value "
               "'zaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nSource: b (1.0\n",
               "Packages:4: malformed Source value 'b (1.0'");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nSource: (1.0)\n",
               "Packages:4: malformed Source value '(1.0)'");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nInstalled-Size: 99999999999999999999\n",
               "Packages:4: malformed Installed-Size value '99999999999999999999'");
    expect_bad("Package: a\nVersion:\nArchitecture: all\n",
               "Packages:1: empty Package, Version or Architecture");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nFilename: pool/../../etc/x.deb\n",
               "Packages:1: unsafe Filename 'pool/../../etc/x.deb'");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nFilename: /etc/x.deb\n",
               "Packages:1: unsafe Filename '/etc/x.deb'");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nFilename: pool/x\n /../x.deb\n",
               "Packages:1: unsafe Filename 'pool/x /../x.deb'");
    /* deb822 syntax errors come before any filter sees the stanza. */
    expect_bad("Package: a\nno colon here\n",
               "Packages:2: expected 'Field: value', got a line without ':'");
    expect_bad("Package: zzz\nVersion: 1\nArchitecture: all\nversion: 2\n",
               "Packages:4: duplicate field 'version'");
}

/* A Package value with a NUL byte is stored cut there; the filter keeps it
 * (it cannot tell the name from the raw bytes) and wants the stored name. */
static void nul_in_package(void **state)
{
    static const char text[] = "Package: post\0fix\nVersion: 1\nArchitecture: amd64\n\n"
                               "Package: post\nVersion: 2\nArchitecture: amd64\n";
    copa__apt_filter f;
    copa__apt_packages idx;
    (void)state;

    memset(&f, 0, sizeof(f));
    f.follow = 1;
    assert_int_equal(copa__apt_packages_init(&idx, "amd64"), 0);
    idx.filter = &f;
    assert_int_equal(copa__apt_packages_parse(&idx, "Packages", text, sizeof(text) - 1), 0);
    assert_int_equal(idx.count, 2);
    assert_string_equal(idx.items[0].name, "post");
    assert_true(copa__names_has(&f.wanted, "post", 4));
    copa__apt_packages_free(&idx);
    copa__apt_filter_free(&f);
}

/* A stanza of another architecture is never checked, filtered or not. */
static void other_arch_unchecked(void **state)
{
    static const char text[] = "Package: a\nVersion: 1\nArchitecture: i386\nSize: 12k\n";
    copa__apt_filter f;
    copa__apt_packages idx;
    (void)state;

    memset(&f, 0, sizeof(f));
    parse(&idx, &f, text);
    assert_int_equal(idx.other_arch, 1);
    assert_int_equal(idx.unwanted, 0);
    copa__apt_packages_free(&idx);
    copa__apt_filter_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keeps_by_name_and_provides),
        cmocka_unit_test(empty_filter_keeps_nothing_unfiltered_keeps_all),
        cmocka_unit_test(follow_and_late),
        cmocka_unit_test(malformed_same_messages),
        cmocka_unit_test(nul_in_package),
        cmocka_unit_test(other_arch_unchecked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
