/* updateinfo.xml: advisories with their CVEs and fixed packages. */
#include "rpmrepo/updateinfo.h"
#include "copa/errors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The shape Fedora, Rocky and Azure Linux publish (ids and hosts changed). */
static const char updateinfo[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<updates>\n"
    "  <update from=\"errata@example.test\" status=\"stable\" type=\"security\" version=\"2.0\">\n"
    "    <id>RLSA-2026:0001</id>\n"
    "    <title>Important: openssl security update</title>\n"
    "    <issued date=\"2026-01-02 03:04:05\"/>\n"
    "    <severity>Important</severity>\n"
    "    <references>\n"
    "      <reference href=\"https://x.test/1\" id=\"CVE-2026-1111\" type=\"cve\" title=\"a\"/>\n"
    "      <reference href=\"https://x.test/2\" id=\"2222\" type=\"bugzilla\" title=\"b\"/>\n"
    "      <reference href=\"https://x.test/3\" id=\"CVE-2026-3333\" type=\"cve\" title=\"c\"/>\n"
    "    </references>\n"
    "    <pkglist><collection short=\"rocky-9\"><name>Rocky 9</name>\n"
    "      <package name=\"openssl\" version=\"3.0.7\" release=\"27.el9\" epoch=\"1\" "
    "arch=\"x86_64\" src=\"openssl-3.0.7-27.el9.src.rpm\"><filename>openssl-3.0.7-27.el9.x86_64.rpm"
    "</filename></package>\n"
    "      <package name=\"openssl-libs\" version=\"3.0.7\" release=\"27.el9\" arch=\"x86_64\">"
    "<filename>x</filename></package>\n"
    "    </collection></pkglist>\n"
    "  </update>\n"
    "  <update type=\"bugfix\"><id> FEDORA-2026-abc </id><pkglist/></update>\n"
    "</updates>\n";

static void test_advisories(void **state)
{
    copa__rpm_updateinfo *ui = NULL;
    const copa__rpm_advisory *a;
    (void)state;

    assert_int_equal(
        copa__rpm_updateinfo_parse(&ui, "updateinfo.xml", updateinfo, strlen(updateinfo)), 0);
    assert_int_equal(ui->count, 2);
    a = &ui->advisories[0];
    assert_string_equal(a->id, "RLSA-2026:0001");
    assert_string_equal(a->type, "security");
    assert_string_equal(a->severity, "Important");
    assert_string_equal(a->issued, "2026-01-02 03:04:05");
    assert_int_equal(a->cve_count, 2);
    assert_string_equal(a->cves[0], "CVE-2026-1111");
    assert_string_equal(a->cves[1], "CVE-2026-3333");
    assert_int_equal(a->pkg_count, 2);
    assert_string_equal(a->pkgs[0].name, "openssl");
    assert_string_equal(a->pkgs[0].epoch, "1");
    assert_string_equal(a->pkgs[0].release, "27.el9");
    assert_string_equal(a->pkgs[1].epoch, "0");
    a = &ui->advisories[1];
    assert_string_equal(a->id, "FEDORA-2026-abc");
    assert_string_equal(a->type, "bugfix");
    assert_null(a->severity);
    assert_int_equal(a->pkg_count, 0);
    copa__rpm_updateinfo_free(ui);
}

static int parse(const char *xml)
{
    copa__rpm_updateinfo *ui = NULL;
    int rc = copa__rpm_updateinfo_parse(&ui, "updateinfo.xml", xml, strlen(xml));

    copa__rpm_updateinfo_free(ui);
    return rc;
}

static void test_refused(void **state)
{
    (void)state;
    assert_int_equal(parse("<updates><update type=\"security\"></update></updates>"),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "without id"));
    assert_int_equal(parse("<updates><update><id>a</id><pkglist><collection><package "
                           "name=\"x\"/></collection></pkglist></update></updates>"),
                     COPA_EINVALID);
    assert_int_equal(parse("<metadata/>"), COPA_EINVALID);
    assert_int_equal(parse("<!DOCTYPE u [<!ENTITY e \"x\">]><updates>&e;</updates>"),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "DTD"));
    assert_int_equal(parse("<updates/>"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_advisories),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
