/*
 * The upgrade resolver, one case per rule: simple upgrade, fixed version
 * unavailable, held packages, new dependencies, versioned dependencies,
 * alternatives, Provides, arch qualifiers, Multi-Arch: same, lock-step
 * sources, Breaks, Conflicts, cycles, update-all, pins, determinism.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "resolve_helpers.h"
#include "test_support.h"

static int teardown(void **state)
{
    (void)state;
    cleanup();
    return 0;
}

#define ASSERT_STEP(n_, from_, to_, action_, why_)                                                 \
    do {                                                                                           \
        const copa__rs_step *st_ = step(n_);                                                       \
        if (st_ == NULL)                                                                           \
            fail_msg("no step for %s", n_);                                                        \
        if ((from_) == NULL)                                                                       \
            assert_null(st_->from);                                                                \
        else                                                                                       \
            assert_string_equal(st_->from, (const char *)(from_));                                 \
        assert_string_equal(st_->to, to_);                                                         \
        assert_int_equal(st_->action, action_);                                                    \
        assert_string_equal(st_->why_text, why_);                                                  \
    } while (0)

static void simple_upgrade(void **state)
{
    (void)state;
    world(INST("foo", "1.0", "") INST("other", "1", ""),
          CAND("foo", "1.0", "") CAND("foo", "1.1", "") CAND("other", "2", ""));
    assert_int_equal(want("foo", "1.1"), 0);
    assert_int_equal(P.nsteps, 1);
    ASSERT_STEP("foo", "1.0", "1.1", COPA__RS_UPGRADE, "CVE-2024-0001");
    assert_int_equal(P.steps[0].nids, 1);
    assert_string_equal(P.steps[0].pkg->url, "file:/repo/pool/foo_1.1_amd64.deb");
    assert_int_equal(P.steps[0].pkg->size, 1000);
    assert_int_equal(P.steps[0].pkg->scripts, COPA__RS_SCRIPTS_UNKNOWN);
    assert_int_equal(P.download_size, 1000);
    assert_int_equal(P.nfailures, 0);
}

static void already_fixed_is_no_step(void **state)
{
    (void)state;
    world(INST("foo", "1.2", ""), CAND("foo", "1.2", ""));
    assert_int_equal(want("foo", "1.1"), 0);
    assert_int_equal(P.nsteps, 0);
}

static void fixed_version_not_available(void **state)
{
    (void)state;
    world(INST("foo", "1.0", ""), CAND("foo", "1.0.5", ""));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_int_equal(P.nfailures, 1);
    assert_int_equal(P.failures[0].cause, COPA__RS_TOO_OLD);
    assert_string_equal(P.failures[0].best, "1.0.5");
    assert_string_equal(P.failures[0].required, ">= 1.1");
    assert_string_equal(P.failures[0].installed, "1.0");
    assert_string_equal(P.failures[0].message,
                        "foo 1.0 cannot reach >= 1.1 (CVE-2024-0001): the best available version "
                        "is 1.0.5");
    assert_string_equal(copa_error_last(), P.failures[0].message);
    assert_int_equal(P.nsteps, 0);

    world(INST("foo", "1.0", ""), CAND("foo", "1.0", ""));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_string_equal(P.failures[0].message,
                        "foo 1.0 cannot reach >= 1.1 (CVE-2024-0001): the best available version "
                        "is 1.0 (the installed one)");

    world(INST("foo", "1.0", ""), CAND("bar", "1.0", ""));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_int_equal(P.failures[0].cause, COPA__RS_NOT_IN_SOURCES);
    assert_null(P.failures[0].best);
    assert_string_equal(P.failures[0].message,
                        "foo 1.0 cannot reach >= 1.1 (CVE-2024-0001): it is not in the sources");

    assert_int_equal(want("nosuch", "1"), COPA_EUNSATISFIABLE);
    assert_int_equal(P.failures[0].cause, COPA__RS_NOT_INSTALLED);
    assert_string_equal(P.failures[0].message,
                        "nosuch cannot reach >= 1 (CVE-2024-0001): it is not installed");
}

static void held_package(void **state)
{
    (void)state;
    world(HELD("foo", "1.0", "") INST("bar", "1", ""), CAND("foo", "1.1", "") CAND("bar", "2", ""));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_int_equal(P.failures[0].cause, COPA__RS_HELD);
    assert_string_equal(P.failures[0].message, "foo 1.0 cannot reach >= 1.1 (CVE-2024-0001): foo "
                                               "is held (the sources have 1.1)");
    assert_int_equal(update_everything(), 0);
    assert_int_equal(P.nsteps, 1);
    ASSERT_STEP("bar", "1", "2", COPA__RS_UPGRADE, "update-all");
    assert_int_equal(P.nkept, 1);
    assert_int_equal(P.kept[0].cause, COPA__RS_HELD);
    assert_string_equal(P.kept[0].message, "foo 1.0 is kept back from 1.1: it is held");
}

static void dependency_on_held_package(void **state)
{
    (void)state;
    world(INST("foo", "1.0", "Depends: libbar (>= 1)") HELD("libbar", "1", ""),
          CAND("foo", "1.1", "Depends: libbar (>= 2)") CAND("libbar", "2", ""));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_int_equal(P.failures[0].cause, COPA__RS_HELD);
    assert_string_equal(P.failures[0].culprit, "libbar");
    assert_string_equal(P.failures[0].message,
                        "foo 1.0 cannot reach >= 1.1 (CVE-2024-0001): foo 1.1 depends on 'libbar "
                        "(>= 2)', and libbar is held at 1");
    assert_int_equal(P.nsteps, 0);
}

static void new_dependency_installed(void **state)
{
    (void)state;
    world(INST("foo", "1.0", ""),
          CAND("foo", "1.1", "Pre-Depends: libnew (>= 1)")
              CAND("libnew", "1.5", "Depends: libnew-data") CANDA("libnew-data", "all", "1", ""));
    assert_int_equal(want("foo", "1.1"), 0);
    assert_int_equal(P.nsteps, 3);
    ASSERT_STEP("libnew", NULL, "1.5", COPA__RS_NEW, "needed by foo (Pre-Depends: libnew (>= 1))");
    ASSERT_STEP("libnew-data", NULL, "1", COPA__RS_NEW, "needed by libnew (Depends: libnew-data)");
    assert_string_equal(step("libnew-data")->arch, "all");
}

static void versioned_dependency_forces_second_upgrade(void **state)
{
    (void)state;
    world(INST("foo", "1.0", "Depends: libbar (>= 1)") INST("libbar", "1", ""),
          CAND("foo", "1.1", "Depends: libbar (>= 2)") CAND("libbar", "2", ""));
    assert_int_equal(want("foo", "1.1"), 0);
    assert_int_equal(P.nsteps, 2);
    ASSERT_STEP("libbar", "1", "2", COPA__RS_UPGRADE, "needed by foo (Depends: libbar (>= 2))");

    world(INST("foo", "1.0", "Depends: libbar (>= 1)") INST("libbar", "1", ""),
          CAND("foo", "1.1", "Depends: libbar (>= 2)") CAND("libbar", "1.5", ""));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_int_equal(P.failures[0].cause, COPA__RS_DEPENDENCY);
    assert_string_equal(P.failures[0].best, "1.5");
    assert_string_equal(P.failures[0].message,
                        "foo 1.0 cannot reach >= 1.1 (CVE-2024-0001): foo 1.1 depends on 'libbar "
                        "(>= 2)', and the best available libbar is 1.5");
    assert_int_equal(P.nsteps, 0); /* libbar's upgrade was undone with foo's */
}

static void deep_dependency_failure_names_the_chain(void **state)
{
    (void)state;
    world(INST("foo", "1.0", ""),
          CAND("foo", "1.1", "Depends: liba (>= 1)") CAND("liba", "1", "Depends: libz (>= 9)"));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_string_equal(P.failures[0].message,
                        "foo 1.0 cannot reach >= 1.1 (CVE-2024-0001): liba 1 depends on 'libz (>= "
                        "9)', and libz is not in the sources (liba 1 is needed by foo)");
}

static void alternatives(void **state)
{
    (void)state;
    /* Neither installed: the first alternative, as apt does. */
    world(INST("foo", "1.0", ""), CAND("foo", "1.1", "Depends: mta-a | mta-b")
                                      CAND("mta-a", "1", "") CAND("mta-b", "1", ""));
    assert_int_equal(want("foo", "1.1"), 0);
    assert_non_null(step("mta-a"));
    assert_null(step("mta-b"));
    /* The second one installed: already satisfied. */
    world(INST("foo", "1.0", "") INST("mta-b", "1", ""),
          CAND("foo", "1.1", "Depends: mta-a | mta-b") CAND("mta-a", "1", "")
              CAND("mta-b", "1", ""));
    assert_int_equal(want("foo", "1.1"), 0);
    assert_int_equal(P.nsteps, 1);
    /* The first cannot be met: the second is installed. */
    world(INST("foo", "1.0", ""), CAND("foo", "1.1", "Depends: mta-a (>= 5) | mta-b")
                                      CAND("mta-a", "1", "") CAND("mta-b", "1", ""));
    assert_int_equal(want("foo", "1.1"), 0);
    assert_null(step("mta-a"));
    ASSERT_STEP("mta-b", NULL, "1", COPA__RS_NEW, "needed by foo (Depends: mta-b)");
    /* None can: the message explains each alternative. */
    world(INST("foo", "1.0", ""),
          CAND("foo", "1.1", "Depends: mta-a (>= 5) | mta-c") CAND("mta-a", "1", ""));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_string_equal(P.failures[0].message,
                        "foo 1.0 cannot reach >= 1.1 (CVE-2024-0001): foo 1.1 depends on 'mta-a "
                        "(>= 5) | mta-c', and the best available mta-a is 1; mta-c is not in the "
                        "sources");
}

static void provides(void **state)
{
    (void)state;
    /* Unversioned: an installed provider satisfies it. */
    world(INST("foo", "1.0", "") INST("mawk", "1", "Provides: awk"),
          CAND("foo", "1.1", "Depends: awk") CAND("gawk", "5", "Provides: awk"));
    assert_int_equal(want("foo", "1.1"), 0);
    assert_int_equal(P.nsteps, 1);
    /* Nothing installed provides it: a provider from the sources is installed. */
    world(INST("foo", "1.0", ""),
          CAND("foo", "1.1", "Depends: awk") CAND("mawk", "1", "Provides: awk"));
    assert_int_equal(want("foo", "1.1"), 0);
    ASSERT_STEP("mawk", NULL, "1", COPA__RS_NEW, "needed by foo (Depends: awk)");
    /* Versioned: the provider is upgraded to a version that provides enough. */
    world(INST("foo", "1.0", "") INST("libx", "1", "Provides: libx-abi (= 1)"),
          CAND("foo", "1.1", "Depends: libx-abi (>= 2)")
              CAND("libx", "2", "Provides: libx-abi (= 2)"));
    assert_int_equal(want("foo", "1.1"), 0);
    ASSERT_STEP("libx", "1", "2", COPA__RS_UPGRADE, "needed by foo (Depends: libx-abi (>= 2))");
    /* An unversioned Provides never meets a versioned dependency. */
    world(INST("foo", "1.0", "") INST("libx", "1", "Provides: libx-abi"),
          CAND("foo", "1.1", "Depends: libx-abi (>= 2)") CAND("libx", "2", "Provides: libx-abi"));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_string_equal(P.failures[0].message,
                        "foo 1.0 cannot reach >= 1.1 (CVE-2024-0001): foo 1.1 depends on "
                        "'libx-abi (>= 2)', and libx-abi is not in the sources (only provided by "
                        "packages that do not match)");
}

static void arch_qualifiers(void **state)
{
    (void)state;
    /* :any is met by a Multi-Arch: allowed package of another architecture. */
    world(INST("foo", "1.0", "") INSTA("python3", "i386", "3.11", "Multi-Arch: allowed"),
          CAND("foo", "1.1", "Depends: python3:any"));
    assert_int_equal(want("foo", "1.1"), 0);
    assert_int_equal(P.nsteps, 1);
    /* ... but not by one that is not Multi-Arch: allowed (python3 then comes new). */
    world(INST("foo", "1.0", "") INSTA("python3", "i386", "3.11", ""),
          CAND("foo", "1.1", "Depends: python3:any")
              CAND("python3", "3.11", "Multi-Arch: allowed"));
    assert_int_equal(want("foo", "1.1"), 0);
    assert_non_null(step_arch("python3", "amd64"));
    /* An explicit architecture installs that architecture. */
    world(INST("foo", "1.0", ""), CAND("foo", "1.1", "Depends: libfoo:i386")
                                      CANDA("libfoo", "i386", "1", "") CAND("libfoo", "1", ""));
    assert_int_equal(want("foo", "1.1"), 0);
    assert_non_null(step_arch("libfoo", "i386"));
    assert_null(step_arch("libfoo", "amd64"));
    /* Unqualified from a foreign package: its own architecture, unless Multi-Arch: foreign. */
    world(INSTA("bar", "i386", "1.0", "") INST("libz", "2", "")
              INST("tool", "1", "Multi-Arch: foreign"),
          CANDA("bar", "i386", "1.1", "Depends: libz (>= 2), tool") CANDA("libz", "i386", "2", ""));
    assert_int_equal(want("bar", "1.1"), 0);
    assert_int_equal(P.nsteps, 2);
    ASSERT_STEP("libz", NULL, "2", COPA__RS_NEW, "needed by bar:i386 (Depends: libz (>= 2))");
    assert_string_equal(step("libz")->arch, "i386");
    /* :native */
    world(INSTA("bar", "i386", "1.0", "") INSTA("libn", "i386", "1", ""),
          CANDA("bar", "i386", "1.1", "Depends: libn:native") CAND("libn", "1", ""));
    assert_int_equal(want("bar", "1.1"), 0);
    assert_string_equal(step("libn")->arch, "amd64");
}

static void multi_arch_same_siblings(void **state)
{
    (void)state;
    world(INST("openssl", "1.0", "Depends: libssl3 (>= 1.0)")
              INST("libssl3", "1.0", "Multi-Arch: same")
                  INSTA("libssl3", "i386", "1.0", "Multi-Arch: same"),
          CAND("openssl", "1.1", "Depends: libssl3 (>= 1.1)")
              CAND("libssl3", "1.1", "Multi-Arch: same")
                  CANDA("libssl3", "i386", "1.1", "Multi-Arch: same"));
    assert_int_equal(want("openssl", "1.1"), 0);
    assert_int_equal(P.nsteps, 3);
    ASSERT_STEP("libssl3", "1.0", "1.1", COPA__RS_UPGRADE,
                "needed by openssl (Depends: libssl3 (>= 1.1))");
    assert_string_equal(P.steps[0].arch, "amd64"); /* sorted by name then arch */
    assert_string_equal(P.steps[1].arch, "i386");
    assert_string_equal(P.steps[1].why_text, "needed by libssl3:amd64 (Multi-Arch: same)");
    /* Asking for the package itself moves every installed architecture. */
    assert_int_equal(want("libssl3", "1.1"), 0);
    assert_int_equal(P.nsteps, 2);
    assert_string_equal(P.steps[1].why_text, "CVE-2024-0001");
    /* The sibling cannot follow. */
    world(INST("libssl3", "1.0", "Multi-Arch: same")
              INSTA("libssl3", "i386", "1.0", "Multi-Arch: same"),
          CAND("libssl3", "1.1", "Multi-Arch: same")
              CANDA("libssl3", "i386", "1.0", "Multi-Arch: same"));
    assert_int_equal(update_everything(), 0);
    assert_int_equal(P.nsteps, 0);
    assert_int_equal(P.nkept, 1);
    assert_int_equal(P.kept[0].cause, COPA__RS_SIBLING);
    assert_string_equal(P.kept[0].culprit, "libssl3:i386");
    assert_string_equal(
        P.kept[0].message,
        "libssl3 1.0 is kept back from 1.1: libssl3 1.1 is Multi-Arch: same and its "
        "sibling libssl3:i386 has no version 1.1 in the sources (best available 1.0)");
}

static void lock_step_source(void **state)
{
    (void)state;
    world(INST("libc6", "2.36-9", "Source: glibc")
              INST("libc-bin", "2.36-9", "Source: glibc\nDepends: libc6 (>> 2.36), libc6 (<< 2.37)")
                  INST("libc6-dev", "2.36-9", "Source: glibc\nDepends: libc6 (= 2.36-9)"),
          CAND("libc6", "2.36-9+deb12u1", "Source: glibc")
              CAND("libc-bin", "2.36-9+deb12u1", "Source: glibc\nDepends: libc6 (>> 2.36)")
                  CAND("libc6-dev", "2.36-9+deb12u1",
                       "Source: glibc\nDepends: libc6 (= 2.36-9+deb12u1)"));
    assert_int_equal(want("libc6", "2.36-9+deb12u1"), 0);
    assert_int_equal(P.nsteps, 3);
    ASSERT_STEP("libc6-dev", "2.36-9", "2.36-9+deb12u1", COPA__RS_UPGRADE,
                "needed by libc6 (same source glibc; Depends: libc6 (= 2.36-9))");
    /* libc-bin's range still holds, but apt moves binaries of one source together. */
    ASSERT_STEP("libc-bin", "2.36-9", "2.36-9+deb12u1", COPA__RS_UPGRADE,
                "same source as libc6 (glibc 2.36-9+deb12u1)");
    /* ... only when that is possible: it is a bonus, not a requirement. */
    world(INST("libc6", "2.36-9", "Source: glibc") INST("libc-bin", "2.36-9", "Source: glibc"),
          CAND("libc6", "2.36-9+deb12u1", "Source: glibc")
              CAND("libc-bin", "2.36-9+deb12u1", "Source: glibc\nDepends: nothere"));
    assert_int_equal(want("libc6", "2.36-9+deb12u1"), 0);
    assert_int_equal(P.nsteps, 1);
    /* ... and only to the same source version. */
    world(INST("libc6", "2.36-9", "Source: glibc") INST("libc-bin", "2.36-9", "Source: glibc"),
          CAND("libc6", "2.36-9+deb12u1", "Source: glibc")
              CAND("libc-bin", "2.36-9+deb12u2", "Source: glibc"));
    assert_int_equal(want("libc6", "2.36-9+deb12u1"), 0);
    assert_int_equal(P.nsteps, 1);
    /* The strict partner cannot follow: the fix fails and names it. */
    world(INST("libc6", "2.36-9", "Source: glibc")
              INST("libc6-dev", "2.36-9", "Source: glibc\nDepends: libc6 (= 2.36-9)"),
          CAND("libc6", "2.36-9+deb12u1", "Source: glibc"));
    assert_int_equal(want("libc6", "2.36-9+deb12u1"), COPA_EUNSATISFIABLE);
    assert_int_equal(P.failures[0].cause, COPA__RS_DEPENDENCY);
    assert_string_equal(P.failures[0].message,
                        "libc6 2.36-9 cannot reach >= 2.36-9+deb12u1 (CVE-2024-0001): libc6-dev "
                        "2.36-9 (installed) depends on 'libc6 (= 2.36-9)', and the best available "
                        "libc6 is 2.36-9+deb12u1");
}

static void breaks_fixed_by_upgrading(void **state)
{
    (void)state;
    world(INST("foo", "1.0", "") INST("bar", "1", ""),
          CAND("foo", "1.1", "Breaks: bar (<< 2)") CAND("bar", "2", ""));
    assert_int_equal(want("foo", "1.1"), 0);
    ASSERT_STEP("bar", "1", "2", COPA__RS_UPGRADE, "needed by foo (Breaks: bar (<< 2))");
    /* The installed package breaks the new version: it moves on too. */
    world(INST("foo", "1.0", "") INST("bar", "1", "Breaks: foo (>= 1.1)"),
          CAND("foo", "1.1", "") CAND("bar", "2", ""));
    assert_int_equal(want("foo", "1.1"), 0);
    ASSERT_STEP("bar", "1", "2", COPA__RS_UPGRADE, "needed by foo (its Breaks: foo (>= 1.1))");
}

static void breaks_without_fix_fails_naming_both(void **state)
{
    (void)state;
    world(INST("foo", "1.0", "") INST("bar", "1", ""),
          CAND("foo", "1.1", "Breaks: bar (<< 2)") CAND("bar", "1.5", ""));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_int_equal(P.failures[0].cause, COPA__RS_CONFLICT);
    assert_string_equal(P.failures[0].culprit, "bar");
    assert_string_equal(P.failures[0].message,
                        "foo 1.0 cannot reach >= 1.1 (CVE-2024-0001): foo 1.1 breaks bar 1 "
                        "(installed) ('bar (<< 2)'), and bar has no version outside that range in "
                        "the sources");
    world(INST("foo", "1.0", "") HELD("bar", "1", "Breaks: foo (>= 1.1)"),
          CAND("foo", "1.1", "") CAND("bar", "2", ""));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_int_equal(P.failures[0].cause, COPA__RS_HELD);
    assert_string_equal(P.failures[0].message,
                        "foo 1.0 cannot reach >= 1.1 (CVE-2024-0001): bar 1 (installed) breaks foo "
                        "1.1 ('foo (>= 1.1)'), and bar is held");
}

static void conflicts(void **state)
{
    (void)state;
    world(INST("foo", "1.0", "") INST("baz", "1", ""), CAND("foo", "1.1", "Conflicts: baz"));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_string_equal(P.failures[0].message,
                        "foo 1.0 cannot reach >= 1.1 (CVE-2024-0001): foo 1.1 conflicts with baz 1 "
                        "(installed) ('baz'), and baz has no version outside that range in the "
                        "sources");
    /* Conflicts through a provided name; a package never conflicts with itself. */
    world(INST("foo", "1.0", "Provides: mta\nConflicts: mta") INST("exim", "1", "Provides: mta"),
          CAND("foo", "1.1", "Provides: mta\nConflicts: mta"));
    assert_int_equal(want("foo", "1.1"), COPA_EUNSATISFIABLE);
    assert_string_equal(P.failures[0].culprit, "exim");
    world(INST("foo", "1.0", "Provides: mta\nConflicts: mta"),
          CAND("foo", "1.1", "Provides: mta\nConflicts: mta"));
    assert_int_equal(want("foo", "1.1"), 0);
}

static void dependency_cycle(void **state)
{
    (void)state;
    world(INST("a", "1", "Depends: b (>= 1)") INST("b", "1", "Depends: a (>= 1)"),
          CAND("a", "2", "Depends: b (>= 2)") CAND("b", "2", "Depends: a (>= 2)"));
    assert_int_equal(want("a", "2"), 0);
    assert_int_equal(P.nsteps, 2);
    ASSERT_STEP("b", "1", "2", COPA__RS_UPGRADE, "needed by a (Depends: b (>= 2))");
    assert_int_equal(update_everything(), 0);
    assert_int_equal(P.nsteps, 2);
    assert_string_equal(P.steps[0].why_text, "update-all");
    assert_string_equal(P.steps[1].why_text, "update-all");
}

static void update_all_mode(void **state)
{
    (void)state;
    world(INST("a", "1", "") INST("b", "1", "") INST("c", "1", "") INST("d", "1", ""),
          CAND("a", "2", "") CAND("b", "1", "") CAND("c", "0.5", "")
              CAND("d", "2", "Depends: missing") CAND("a", "1.5", ""));
    assert_int_equal(update_everything(), 0);
    assert_int_equal(P.nsteps, 1);
    ASSERT_STEP("a", "1", "2", COPA__RS_UPGRADE, "update-all");
    assert_int_equal(P.nkept, 1);
    assert_int_equal(P.kept[0].cause, COPA__RS_DEPENDENCY);
    assert_string_equal(P.kept[0].message, "d 1 is kept back from 2: d 2 depends on 'missing', and "
                                           "missing is not in the sources");
}

static void pin_priorities(void **state)
{
    copa__rs_pkg_text t;
    (void)state;
    world(INST("foo", "1.0", ""), CAND("foo", "1.2", ""));
    /* A second source pinned higher wins over a higher version. */
    memset(&t, 0, sizeof(t));
    t.name = "foo";
    t.version = "1.1";
    t.arch = "amd64";
    t.priority = 990;
    t.repo = 2;
    assert_int_equal(copa__rs_world_add(&W, NULL, 0, &t), 0);
    assert_int_equal(update_everything(), 0);
    assert_string_equal(step("foo")->to, "1.1");
    assert_int_equal(step("foo")->pkg->repo, 2);
    /* A source pinned below 100 never upgrades an installed package. */
    world(INST("foo", "1.0", ""), "");
    t.priority = 50;
    assert_int_equal(copa__rs_world_add(&W, NULL, 0, &t), 0);
    assert_int_equal(update_everything(), 0);
    assert_int_equal(P.nsteps, 0);
}

static char *render(int json)
{
    char *s = NULL;
    assert_int_equal(json ? copa__rs_plan_render_json(&s, &P) : copa__rs_plan_render_text(&s, &P),
                     0);
    return s;
}

static void determinism(void **state)
{
    char *a, *b, *ta, *tb;
    (void)state;
    world(INST("z", "1", "") INST("m", "1", "") INSTA("m", "i386", "1", "Multi-Arch: same")
              INST("a", "1", ""),
          CAND("z", "2", "Depends: new2 | new1") CAND("new1", "1", "") CAND("new2", "1", "")
              CAND("m", "2", "") CANDA("m", "i386", "2", "") CAND("a", "2", ""));
    assert_int_equal(update_everything(), 0);
    a = render(1);
    ta = render(0);
    world(INST("a", "1", "") INSTA("m", "i386", "1", "Multi-Arch: same") INST("m", "1", "")
              INST("z", "1", ""),
          CAND("a", "2", "") CANDA("m", "i386", "2", "") CAND("m", "2", "") CAND("new2", "1", "")
              CAND("new1", "1", "") CAND("z", "2", "Depends: new2 | new1"));
    assert_int_equal(update_everything(), 0);
    b = render(1);
    tb = render(0);
    assert_string_equal(a, b);
    assert_string_equal(ta, tb);
    free(a);
    free(b);
    free(ta);
    free(tb);
}

static void renderings(void **state)
{
    char *text, *json;
    (void)state;
    world(INST("foo", "1.0", "") HELD("h", "1", ""),
          CAND("foo", "1.1", "Depends: libnew") CAND("libnew", "3", "") CAND("h", "2", ""));
    assert_int_equal(want("foo", "1.1"), 0);
    text = render(0);
    assert_string_equal(
        text, "PACKAGE  ARCH   INSTALLED  TARGET  ACTION         SIZE  SCRIPTS  WHY\n"
              "foo      amd64  1.0        1.1     upgrade        1000  unknown  CVE-2024-0001\n"
              "libnew   amd64  -          3       new            1000  unknown  needed by foo "
              "(Depends: libnew)\n"
              "2 package(s), 2000 bytes to download.\n");
    free(text);
    json = render(1);
    assert_non_null(strstr(json, "\"mode\":\t\"report\""));
    assert_non_null(strstr(json, "\"installedVersion\":\tnull"));
    assert_non_null(strstr(json, "\"action\":\t\"new\""));
    assert_non_null(strstr(json, "\"maintainerScripts\":\t\"unknown\""));
    assert_non_null(strstr(json, "\"url\":\t\"file:/repo/pool/libnew_3_amd64.deb\""));
    assert_non_null(strstr(json, "\"downloadSize\":\t2000"));
    free(json);
    assert_int_equal(want("h", "2"), COPA_EUNSATISFIABLE);
    text = render(0);
    assert_string_equal(text, "Nothing to update.\n\nCannot fix:\n  h 1 cannot reach >= 2 "
                              "(CVE-2024-0001): h is held (the sources have 2)\n");
    free(text);
    json = render(1);
    assert_non_null(strstr(json, "\"cause\":\t\"held\""));
    assert_non_null(strstr(json, "\"bestAvailable\":\t\"2\""));
    assert_non_null(strstr(json, "\"vulnerabilityIDs\":\t[\"CVE-2024-0001\"]"));
    free(json);
}

/* A real scanner report (Trivy) through lib/report into the resolver. */
static void report_driven_plan(void **state)
{
    copa_report *report = NULL;
    copa__rs_request *reqs = NULL;
    size_t n = 0;
    char *text = NULL;
    (void)state;
    assert_int_equal(
        copa_report_parse_file(&report, test_fixture_path("report/trivy-debian.json"), NULL), 0);
    assert_int_equal(copa__rs_requests_from_report(&reqs, &n, report), 0);
    assert_int_equal(n, 4); /* the Go packages are not requests */
    world(INST("libssl3", "3.0.11-1~deb12u2", "Source: openssl\nMulti-Arch: same")
              INST("openssl", "3.0.11-1~deb12u2", "Depends: libssl3 (>= 3.0.9)")
                  INST("bsdutils", "1:2.38.1-5+b1", "Source: util-linux (2.38.1-5)")
                      INST("libexample", "1.0-1", "") INST("libpam0g", "1.5.2-6+deb12u1", ""),
          CAND("libssl3", "3.0.13-1~deb12u1", "Source: openssl\nMulti-Arch: same")
              CAND("openssl", "3.0.13-1~deb12u1", "Depends: libssl3 (>= 3.0.13)")
                  CAND("bsdutils", "1:2.38.1-5+deb12u1", "Source: util-linux (2.38.1-5+deb12u1)")
                      CAND("libexample", "1.9-1", "") CAND("libpam0g", "1.5.2-6+deb12u1", ""));
    assert_int_equal(copa__resolve(&P, &W, reqs, n, 0), COPA_EUNSATISFIABLE);
    assert_int_equal(P.nsteps, 3);
    ASSERT_STEP("bsdutils", "1:2.38.1-5+b1", "1:2.38.1-5+deb12u1", COPA__RS_UPGRADE,
                "CVE-2024-28085");
    ASSERT_STEP("libssl3", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1", COPA__RS_UPGRADE,
                "CVE-2023-6129, CVE-2024-0727");
    ASSERT_STEP("openssl", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1", COPA__RS_UPGRADE,
                "same source as libssl3 (openssl 3.0.13-1~deb12u1)");
    assert_int_equal(P.nfailures, 2);
    assert_string_equal(P.failures[0].message,
                        "libexample 1.0-1 cannot reach >= 1:1.2-1 (CVE-2023-50387, "
                        "CVE-2023-50868): the best available version is 1.9-1");
    assert_string_equal(
        P.failures[1].message,
        "libpam0g 1.5.2-6+deb12u1 cannot reach >= 1.5.2-6+deb12u2 (CVE-2024-22365): "
        "the best available version is 1.5.2-6+deb12u1 (the installed one)");
    assert_non_null(strstr(copa_error_last(), "(and 1 more)"));
    assert_int_equal(copa__rs_plan_render_text(&text, &P), 0);
    assert_non_null(strstr(text, "Cannot fix:\n  libexample 1.0-1 cannot reach"));
    free(text);
    free(reqs);
    copa__rs_plan_free(&P);
    copa_report_free(report);
}

static void bad_input(void **state)
{
    static const char bad_dep[] = CAND("foo", "1.1", "Depends: bar (>= !!)");
    static const char bad_ver[] = CAND("foo", "x:1", "");
    copa__rs_request r = {"foo", "1.0 x", ID2, 2};
    copa__rs_world w;
    (void)state;
    assert_int_equal(copa__rs_world_init(&w, COPA_PKG_DEB, "amd64"), 0);
    assert_int_equal(
        copa__rs_world_add_deb822(&w, 0, "Packages", bad_dep, strlen(bad_dep), 0, 0, NULL),
        COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "foo 1.1: Depends: "));
    assert_int_equal(
        copa__rs_world_add_deb822(&w, 0, "Packages", bad_ver, strlen(bad_ver), 0, 0, NULL),
        COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "foo: "));
    copa__rs_world_free(&w);
    world(INST("foo", "1.0", ""), CAND("foo", "1.1", ""));
    assert_int_equal(copa__resolve(&P, &W, &r, 1, 0), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "fixed version of foo: "));
    copa__rs_plan_free(&P);
    assert_int_equal(copa__resolve(&P, &W, &r, 1, 1), COPA_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(simple_upgrade, teardown),
        cmocka_unit_test_teardown(already_fixed_is_no_step, teardown),
        cmocka_unit_test_teardown(fixed_version_not_available, teardown),
        cmocka_unit_test_teardown(held_package, teardown),
        cmocka_unit_test_teardown(dependency_on_held_package, teardown),
        cmocka_unit_test_teardown(new_dependency_installed, teardown),
        cmocka_unit_test_teardown(versioned_dependency_forces_second_upgrade, teardown),
        cmocka_unit_test_teardown(deep_dependency_failure_names_the_chain, teardown),
        cmocka_unit_test_teardown(alternatives, teardown),
        cmocka_unit_test_teardown(provides, teardown),
        cmocka_unit_test_teardown(arch_qualifiers, teardown),
        cmocka_unit_test_teardown(multi_arch_same_siblings, teardown),
        cmocka_unit_test_teardown(lock_step_source, teardown),
        cmocka_unit_test_teardown(breaks_fixed_by_upgrading, teardown),
        cmocka_unit_test_teardown(breaks_without_fix_fails_naming_both, teardown),
        cmocka_unit_test_teardown(conflicts, teardown),
        cmocka_unit_test_teardown(dependency_cycle, teardown),
        cmocka_unit_test_teardown(update_all_mode, teardown),
        cmocka_unit_test_teardown(pin_priorities, teardown),
        cmocka_unit_test_teardown(determinism, teardown),
        cmocka_unit_test_teardown(renderings, teardown),
        cmocka_unit_test_teardown(report_driven_plan, teardown),
        cmocka_unit_test_teardown(bad_input, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
