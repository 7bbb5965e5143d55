/*
 * Progress events: the JSON line format of `--progress json` (public
 * copa_progress_to_json), and cancellation: a callback's non-zero value
 * stops the run and is what the caller gets back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "copa/errors.h"
#include "patch/patch.h"

#include <stdlib.h>
#include <string.h>

static void json_of(const copa_progress *e, const char *want)
{
    char *json;
    assert_int_equal(copa_progress_to_json(&json, e), 0);
    assert_string_equal(json, want);
    assert_null(strchr(json, '\n'));
    copa_progress_json_free(json);
}

static void test_json_lines(void **state)
{
    copa_progress e;
    (void)state;
    memset(&e, 0, sizeof(e));
    e.kind = COPA_PROGRESS_STAGE_BEGIN;
    e.stage = "read";
    e.item = "";
    e.message = "reading \"layers\"";
    e.elapsed = 1.2345;
    json_of(&e, "{\"event\":\"stage-begin\",\"stage\":\"read\",\"message\":\"reading "
                "\\\"layers\\\"\",\"elapsed_ms\":1234}");
    e.kind = COPA_PROGRESS_BYTES;
    e.item = "sha256:ab";
    e.done = 1048576;
    e.total = 31457280;
    e.message = "";
    json_of(&e, "{\"event\":\"bytes\",\"stage\":\"read\",\"item\":\"sha256:ab\",\"done\":1048576,"
                "\"total\":31457280,\"elapsed_ms\":1234}");
    e.kind = COPA_PROGRESS_STAGE_END;
    e.elapsed = 0.5;
    json_of(&e, "{\"event\":\"stage-end\",\"stage\":\"read\",\"duration_ms\":500}");
    e.kind = COPA_PROGRESS_NOTE;
    e.message = "ca-certificates: bundle not regenerated";
    json_of(&e, "{\"event\":\"note\",\"stage\":\"read\",\"message\":\"ca-certificates: bundle "
                "not regenerated\",\"elapsed_ms\":500}");
    assert_int_equal(copa_progress_to_json(NULL, &e), COPA_EINVALID);
}

typedef struct seen {
    int events, cancel_at;
    copa_progress_kind kinds[8];
} seen;

static int record(const copa_progress *e, void *payload)
{
    seen *s = payload;
    if (s->events < 8)
        s->kinds[s->events] = e->kind;
    s->events++;
    return s->events == s->cancel_at ? 42 : 0;
}

static void test_cancel(void **state)
{
    copa__progress p;
    seen s;
    (void)state;
    memset(&s, 0, sizeof(s));
    s.cancel_at = 3;
    copa__progress_init(&p, record, &s);
    assert_int_equal(copa__progress_begin(&p, "open", "x"), 0);
    assert_int_equal(copa__progress_end(&p), 0);
    assert_int_equal(copa__progress_bytes(&p, "blob", 1, 2), 42);
    assert_int_equal(copa_error_last_code(), COPA_ECANCELLED);
    /* Once cancelled, nothing more is delivered and the value sticks. */
    assert_int_equal(copa__progress_note(&p, "late"), 42);
    assert_int_equal(s.events, 3);
    assert_int_equal(s.kinds[0], COPA_PROGRESS_STAGE_BEGIN);
    assert_int_equal(s.kinds[2], COPA_PROGRESS_BYTES);
}

static void test_cancel_copa_patch(void **state)
{
    copa_patch_options o = COPA_PATCH_OPTIONS_INIT;
    copa_patch_result *r = NULL;
    seen s;
    (void)state;
    memset(&s, 0, sizeof(s));
    s.cancel_at = 1;
    o.image = "oci:/nonexistent-copa-test:x";
    o.progress = record;
    o.progress_payload = &s;
    o.dry_run = 1;
    /* The first event (stage "open" begins) cancels: 42 comes back unchanged. */
    assert_int_equal(copa_patch(&r, &o), 42);
    assert_null(r); /* cancelled before anything was learned */
    assert_int_equal(s.events, 1);
}

static void test_options(void **state)
{
    copa_patch_options o, init = COPA_PATCH_OPTIONS_INIT;
    copa_patch_result *r = NULL;
    (void)state;
    memset(&o, 0xff, sizeof(o));
    copa_patch_options_init(&o, COPA_PATCH_OPTIONS_VERSION);
    assert_memory_equal(&o, &init, sizeof(o));
    assert_int_equal(o.version, COPA_PATCH_OPTIONS_VERSION);
    assert_int_equal(copa_patch(&r, &o), COPA_EINVALID); /* no image */
    assert_null(r);
    o.image = "nginx";
    o.tag = "x";
    o.tag_suffix = "y";
    assert_int_equal(copa_patch(&r, &o), COPA_EINVALID);
    o.version = 99;
    assert_int_equal(copa_patch(&r, &o), COPA_EINVALID);
    copa_patch_result_free(NULL);
    assert_int_equal(copa_patch_result_update_count(NULL), 0);
    assert_null(copa_patch_result_update(NULL, 0));
    assert_string_equal(copa_patch_result_digest(NULL), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_lines),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_cancel_copa_patch),
        cmocka_unit_test(test_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
