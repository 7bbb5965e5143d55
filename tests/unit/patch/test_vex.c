/*
 * The VEX document of a patch (lib/patch/vex.c): only the vulnerability IDs
 * of the plan's steps are claimed, as `fixed`, for the patched image with
 * the new packages as subcomponents; a plan without IDs writes nothing. The
 * document validates against the OpenVEX schema (tests/unit/vex).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "copa/errors.h"
#include "copa/vex.h"
#include "patch/patch.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static copa__rs_pkg pkgs[3];
static copa__rs_step steps[3];
static const char *const libssl_ids[] = {"CVE-2024-0001", "CVE-2024-0002"};
static const char *const openssl_ids[] = {"CVE-2024-0001"};

static void make_plan(copa__rs_plan *plan, int with_ids)
{
    memset(plan, 0, sizeof(*plan));
    memset(steps, 0, sizeof(steps));
    steps[0].name = "libssl3";
    steps[0].arch = "amd64";
    steps[0].from = "3.0.11-1~deb12u2";
    steps[0].to = "3.0.15-1~deb12u1";
    steps[0].ids = with_ids ? libssl_ids : NULL;
    steps[0].nids = with_ids ? 2 : 0;
    steps[1] = steps[0];
    steps[1].name = "openssl";
    steps[1].ids = with_ids ? openssl_ids : NULL;
    steps[1].nids = with_ids ? 1 : 0;
    /* A dependency pulled in: no ID, nothing claimed for it. */
    steps[2].name = "libfoo";
    steps[2].arch = "all";
    steps[2].to = "1.0";
    steps[2].action = COPA__RS_NEW;
    steps[0].pkg = &pkgs[0];
    steps[1].pkg = &pkgs[1];
    steps[2].pkg = &pkgs[2];
    plan->steps = steps;
    plan->nsteps = 3;
}

static void input(copa__patch_vex_input *in, const char *path, const copa__rs_plan *plan)
{
    memset(in, 0, sizeof(*in));
    in->path = path;
    in->author = "Copa Tests <t@copa.test>";
    in->registry = "docker.io";
    in->repository = "library/debian";
    in->tag = "12-patched";
    in->digest = DIGEST;
    in->distro_id = "debian";
    in->distro_version = "12";
    in->format = COPA_PKG_DEB;
    in->plan = plan;
}

static void test_claims(void **state)
{
    char path[] = "/tmp/copa-patch-vex-XXXXXX", command[1024];
    copa__rs_plan plan;
    copa__patch_vex_input in;
    cJSON *doc, *st, *s;
    char *text;
    size_t len;
    int fd = mkstemp(path), written, status;
    char *image_purl;
    (void)state;
    assert_int_equal(
        copa_vex_purl_image(&image_purl, "docker.io", "library/debian", DIGEST, "12-patched"), 0);
    assert_non_null(strstr(image_purl, "pkg:oci/debian@sha256"));
    assert_true(fd >= 0);
    close(fd);
    make_plan(&plan, 1);
    input(&in, path, &plan);
    assert_int_equal(patch_write_vex(&written, &in), 0);
    assert_true(written);
    text = test_read_file(path, &len);
    assert_non_null(doc = cJSON_Parse(text));
    assert_string_equal(cJSON_GetObjectItem(doc, "@context")->valuestring,
                        "https://openvex.dev/ns/v0.2.0");
    assert_string_equal(cJSON_GetObjectItem(doc, "author")->valuestring, in.author);
    st = cJSON_GetObjectItem(doc, "statements");
    assert_int_equal(cJSON_GetArraySize(st), 2);
    cJSON_ArrayForEach(s, st)
    {
        cJSON *product = cJSON_GetArrayItem(cJSON_GetObjectItem(s, "products"), 0);
        const char *id =
            cJSON_GetObjectItem(cJSON_GetObjectItem(s, "vulnerability"), "name")->valuestring;
        cJSON *subs = cJSON_GetObjectItem(product, "subcomponents");
        assert_string_equal(cJSON_GetObjectItem(s, "status")->valuestring, "fixed");
        assert_string_equal(cJSON_GetObjectItem(product, "@id")->valuestring, image_purl);
        if (strcmp(id, "CVE-2024-0001") == 0) {
            /* Fixed by both packages. */
            assert_int_equal(cJSON_GetArraySize(subs), 2);
        } else {
            assert_string_equal(id, "CVE-2024-0002");
            assert_int_equal(cJSON_GetArraySize(subs), 1);
            assert_string_equal(
                cJSON_GetObjectItem(cJSON_GetArrayItem(subs, 0), "@id")->valuestring,
                "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro="
                "debian-12");
        }
    }
    assert_null(strstr(text, "libfoo"));
    snprintf(command, sizeof(command),
             "/usr/bin/python3 %s/tests/unit/vex/validate_openvex.py "
             "%s/tests/fixtures/vex/openvex_json_schema.json %s >/dev/null",
             COPA_TEST_SOURCE_DIR, COPA_TEST_SOURCE_DIR, path);
    status = system(command);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    cJSON_Delete(doc);
    copa_vex_string_free(image_purl);
    free(text);
    remove(path);
}

static void test_nothing_to_claim(void **state)
{
    copa__rs_plan plan;
    copa__patch_vex_input in;
    int written = 1;
    (void)state;
    make_plan(&plan, 0);
    input(&in, "/tmp/copa-patch-vex-never-written.json", &plan);
    remove(in.path);
    assert_int_equal(patch_write_vex(&written, &in), 0);
    assert_false(written);
    assert_int_equal(access(in.path, F_OK), -1);
}

static void test_bad_digest(void **state)
{
    copa__rs_plan plan;
    copa__patch_vex_input in;
    int written;
    (void)state;
    make_plan(&plan, 1);
    input(&in, "/tmp/copa-patch-vex-bad.json", &plan);
    in.digest = "";
    assert_int_equal(patch_write_vex(&written, &in), COPA_EINVALID);
    assert_false(written);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claims),
        cmocka_unit_test(test_nothing_to_claim),
        cmocka_unit_test(test_bad_digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
