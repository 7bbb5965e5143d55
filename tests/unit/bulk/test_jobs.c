/*
 * Jobs: expansion into targets, the stable order, and shards (every
 * split's union is the whole list, no job twice, any input order).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bulk/config.h"
#include "bulk/jobs.h"
#include "copa/bulk.h"
#include "copa/errors.h"

static const char config_text[] =
    "apiVersion: copa.sh/v1alpha1\n"
    "kind: PatchConfig\n"
    "target: {registry: mirror.test/patched}\n"
    "images:\n"
    "  - name: zeta\n"
    "    image: src.test/lib/zeta\n"
    "    tags: {strategy: latest}\n"
    "  - name: alpha\n"
    "    image: src.test/alpha\n"
    "    tags: {strategy: list, list: [b, a]}\n"
    "    platforms: [linux/arm64]\n"
    "    target: {registry: other.test, tag: \"{{ .SourceTag }}-x\"}\n"
    "  - name: same\n"
    "    image: src.test/alpha\n"
    "    tags: {strategy: list, list: [c]}\n";

static copa__bulk_config *load(const char *text)
{
    copa__bulk_config *c = NULL;

    assert_int_equal(copa__bulk_config_parse(&c, "jobs.yaml", text, strlen(text)), 0);
    return c;
}

static void expand_all(copa__bulk_jobs *jobs, const copa__bulk_config *c, int reversed)
{
    char *zeta[] = {"1.0", "1.1", "2.0", "3.0", "4.0", "5.0", "6.0"};
    char *alpha[] = {"b", "a"};
    char *same[] = {"c"};
    size_t order[] = {0, 1, 2}, i;

    if (reversed) {
        order[0] = 2;
        order[2] = 0;
    }
    for (i = 0; i < 3; i++) {
        size_t k = order[i];
        char **tags = k == 0 ? zeta : k == 1 ? alpha : same;
        size_t n = k == 0 ? 7 : k == 1 ? 2 : 1;

        assert_int_equal(copa__bulk_jobs_expand(jobs, c, k, tags, n), 0);
    }
    assert_int_equal(copa__bulk_jobs_sort(jobs), 0);
}

static void targets_and_order(void **state)
{
    copa__bulk_config *c = load(config_text);
    copa__bulk_jobs jobs = {0};
    (void)state;

    expand_all(&jobs, c, 0);
    assert_int_equal(jobs.count, 10);
    /* src.test/alpha:a, :b, :c, then src.test/lib/zeta:1.0 ... */
    assert_string_equal(jobs.jobs[0].key, "alpha/a");
    assert_string_equal(jobs.jobs[0].source, "src.test/alpha:a");
    assert_string_equal(jobs.jobs[0].target, "other.test/alpha:a-x");
    assert_string_equal(jobs.jobs[0].target_tag, "a-x");
    assert_int_equal(jobs.jobs[0].platform_count, 1);
    assert_string_equal(jobs.jobs[0].platforms[0], "linux/arm64");
    assert_string_equal(jobs.jobs[1].key, "alpha/b");
    assert_string_equal(jobs.jobs[2].key, "same/c");
    assert_string_equal(jobs.jobs[2].target, "mirror.test/patched/alpha:c-patched");
    assert_int_equal(jobs.jobs[2].platform_count, 0);
    assert_string_equal(jobs.jobs[3].source, "src.test/lib/zeta:1.0");
    assert_string_equal(jobs.jobs[3].target, "mirror.test/patched/zeta:1.0-patched");
    assert_string_equal(jobs.jobs[3].error, "");
    copa__bulk_jobs_free(&jobs);
    copa__bulk_config_free(c);
}

static void shards_partition_the_jobs(void **state)
{
    copa__bulk_config *c = load(config_text);
    copa__bulk_jobs whole = {0};
    unsigned int count, index;
    (void)state;

    expand_all(&whole, c, 0);
    for (count = 1; count <= 12; count++) {
        int *seen = calloc(whole.count, sizeof(int));
        size_t i, j, total = 0;

        for (index = 0; index < count; index++) {
            copa__bulk_jobs part = {0};

            /* each shard expands on its own, entries in another order */
            expand_all(&part, c, (int)(index % 2));
            copa__bulk_jobs_shard(&part, index, count);
            total += part.count;
            for (i = 0; i < part.count; i++) {
                for (j = 0; j < whole.count && strcmp(whole.jobs[j].key, part.jobs[i].key); j++)
                    ;
                assert_true(j < whole.count);
                seen[j]++;
            }
            /* shards differ in size by at most one */
            assert_true(part.count == whole.count / count || part.count == whole.count / count + 1);
            copa__bulk_jobs_free(&part);
        }
        assert_int_equal(total, whole.count);
        for (j = 0; j < whole.count; j++)
            assert_int_equal(seen[j], 1);
        free(seen);
    }
    copa__bulk_jobs_free(&whole);
    copa__bulk_config_free(c);
}

static void refuses_bad_targets(void **state)
{
    copa__bulk_jobs jobs = {0};
    copa__bulk_config *c;
    char *tags[] = {"1.0"};
    char *bad_tag[] = {"-x"};
    (void)state;

    c = load(
        "apiVersion: copa.sh/v1alpha1\nkind: PatchConfig\ntarget: {tag: \"{{ .SourceTag }}\"}\n"
        "images:\n  - name: a\n    image: r.test/a\n    tags: {strategy: latest}\n");
    assert_int_equal(copa__bulk_jobs_expand(&jobs, c, 0, tags, 1), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "a: target r.test/a:1.0 is the source image itself"));
    copa__bulk_jobs_free(&jobs);
    copa__bulk_config_free(c);

    c = load("apiVersion: copa.sh/v1alpha1\nkind: PatchConfig\n"
             "target: {tag: \"{{ .SourceTag }}/x\"}\n"
             "images:\n  - name: a\n    image: r.test/a\n    tags: {strategy: latest}\n");
    assert_int_equal(copa__bulk_jobs_expand(&jobs, c, 0, tags, 1), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "target tag '1.0/x'"));
    copa__bulk_jobs_free(&jobs);
    assert_int_equal(copa__bulk_jobs_expand(&jobs, c, 0, bad_tag, 1), COPA_EINVALID);
    copa__bulk_jobs_free(&jobs);
    copa__bulk_config_free(c);

    /* two entries writing the same target */
    c = load("apiVersion: copa.sh/v1alpha1\nkind: PatchConfig\n"
             "images:\n  - name: a\n    image: r.test/a\n    tags: {strategy: latest}\n"
             "  - name: b\n    image: r.test/a\n    tags: {strategy: latest}\n");
    assert_int_equal(copa__bulk_jobs_expand(&jobs, c, 0, tags, 1), 0);
    assert_int_equal(copa__bulk_jobs_expand(&jobs, c, 1, tags, 1), 0);
    assert_int_equal(copa__bulk_jobs_sort(&jobs), COPA_EINVALID);
    assert_non_null(
        strstr(copa_error_last(), "a/1.0 and b/1.0 would both write r.test/a:1.0-patched"));
    copa__bulk_jobs_free(&jobs);
    copa__bulk_config_free(c);
}

static void shard_parse(void **state)
{
    unsigned int i = 9, n = 9;
    (void)state;

    assert_int_equal(copa_bulk_shard_parse(&i, &n, "1/3", NULL), 0);
    assert_int_equal(i, 1);
    assert_int_equal(n, 3);
    assert_int_equal(copa_bulk_shard_parse(&i, &n, "auto/4", "3"), 0);
    assert_int_equal(i, 3);
    assert_int_equal(n, 4);
    assert_int_equal(copa_bulk_shard_parse(&i, &n, "auto/4", "4"), COPA_EINVALID);
    assert_int_equal(copa_bulk_shard_parse(&i, &n, "auto/4", NULL), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "JOB_COMPLETION_INDEX"));
    assert_int_equal(copa_bulk_shard_parse(&i, &n, "3/3", NULL), COPA_EINVALID);
    assert_int_equal(copa_bulk_shard_parse(&i, &n, "0/0", NULL), COPA_EINVALID);
    assert_int_equal(copa_bulk_shard_parse(&i, &n, "-1/3", NULL), COPA_EINVALID);
    assert_int_equal(copa_bulk_shard_parse(&i, &n, "1/3x", NULL), COPA_EINVALID);
    assert_int_equal(copa_bulk_shard_parse(&i, &n, "13", NULL), COPA_EINVALID);
    assert_int_equal(copa_bulk_shard_parse(&i, &n, "/3", NULL), COPA_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(targets_and_order),
        cmocka_unit_test(shards_partition_the_jobs),
        cmocka_unit_test(refuses_bad_targets),
        cmocka_unit_test(shard_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
