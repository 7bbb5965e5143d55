/*
 * PatchConfig parsing: a full valid config into the model, and bad
 * configs each refused with COPA_EINVALID and "FILE:LINE: KEY: ...".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulk/config.h"
#include "copa/errors.h"

static const char valid[] = "apiVersion: copa.sh/v1alpha1\n"
                            "kind: PatchConfig\n"
                            "target:\n"
                            "  registry: \"ghcr.io/myorg\"\n"
                            "  tag: \"{{ .SourceTag }}-fixed\"\n"
                            "images:\n"
                            "  - name: nginx\n"
                            "    image: docker.io/library/nginx\n"
                            "    tags:\n"
                            "      strategy: pattern\n"
                            "      pattern: \"^1\\\\.2[0-9]\\\\.\\\\d+$\"\n"
                            "      maxTags: 3\n"
                            "      exclude: [\"1.20.0\", \"1.20.1\"]\n"
                            "  - name: python\n"
                            "    image: 127.0.0.1:5000/lib/python\n"
                            "    tags:\n"
                            "      strategy: list\n"
                            "      list: [\"3.9.18\", \"3.10.13\"]\n"
                            "    platforms: [\"linux/amd64\", \"linux/arm64/v8\"]\n"
                            "    target:\n"
                            "      registry: quay.io/special\n"
                            "      tag: \"{{.SourceTag}}\"\n"
                            "  - name: alpine\n"
                            "    image: alpine\n"
                            "    tags: {strategy: latest}\n";

static void parses_valid_config(void **state)
{
    copa__bulk_config *c = NULL;
    (void)state;

    assert_int_equal(copa__bulk_config_parse(&c, "bulk.yaml", valid, strlen(valid)), 0);
    assert_string_equal(c->target.registry, "ghcr.io/myorg");
    assert_string_equal(c->target.tag, "{{ .SourceTag }}-fixed");
    assert_int_equal(c->image_count, 3);
    assert_string_equal(c->images[0].name, "nginx");
    assert_string_equal(c->images[0].registry, "docker.io");
    assert_string_equal(c->images[0].repository, "library/nginx");
    assert_int_equal(c->images[0].strategy, COPA__TAGS_PATTERN);
    assert_int_equal(c->images[0].max_tags, 3);
    assert_int_equal(c->images[0].exclude_count, 2);
    assert_int_equal(c->images[0].line, 7);
    /* \d was rewritten for POSIX: the pattern matches what Go's would */
    assert_int_equal(regexec(&c->images[0].regex, "1.25.3", 0, NULL, 0), 0);
    assert_int_not_equal(regexec(&c->images[0].regex, "1.25.x", 0, NULL, 0), 0);
    assert_int_not_equal(regexec(&c->images[0].regex, "1.19.3", 0, NULL, 0), 0);
    assert_string_equal(c->images[1].registry, "127.0.0.1:5000");
    assert_string_equal(c->images[1].repository, "lib/python");
    assert_int_equal(c->images[1].list_count, 2);
    assert_string_equal(c->images[1].list[1], "3.10.13");
    assert_int_equal(c->images[1].platform_count, 2);
    assert_string_equal(c->images[1].target.registry, "quay.io/special");
    assert_string_equal(c->images[2].repository, "library/alpine");
    assert_int_equal(c->images[2].strategy, COPA__TAGS_LATEST);
    assert_null(c->images[2].target.tag);
    copa__bulk_config_free(c);
}

typedef struct bad_case {
    const char *yaml;
    const char *message; /* expected substring of the error */
} bad_case;

#define HEAD "apiVersion: copa.sh/v1alpha1\nkind: PatchConfig\n"
#define IMG "images:\n  - name: a\n    image: reg.test/a\n"

static const bad_case bad_cases[] = {
    {"", "bad.yaml: empty configuration"},
    {"apiVersion: [\n", "bad.yaml:2: invalid YAML"},
    {"apiVersion: copa.sh/v1\nkind: PatchConfig\n" IMG "    tags: {strategy: latest}\n",
     "bad.yaml:1: apiVersion: 'copa.sh/v1' is not supported"},
    {"kind: PatchConfig\n" IMG "    tags: {strategy: latest}\n", "bad.yaml:1: apiVersion: missing"},
    {"apiVersion: copa.sh/v1alpha1\nkind: Config\n" IMG "    tags: {strategy: latest}\n",
     "bad.yaml:2: kind: 'Config' is not PatchConfig"},
    {HEAD "images: []\n", "bad.yaml:3: images: must not be empty"},
    {HEAD, "bad.yaml:1: images: missing"},
    {HEAD "imagez: []\n", "bad.yaml:3: imagez: unknown key in PatchConfig"},
    {HEAD "charts: []\n", "bad.yaml:3: charts: unknown key in PatchConfig"},
    {HEAD IMG "    tags: {strategy: latest}\n    tag: x\n",
     "bad.yaml:7: tag: unknown key in images[]"},
    {HEAD IMG "    tags: {strategy: latest, maxtags: 2}\n",
     "bad.yaml:6: maxtags: unknown key in tags"},
    {HEAD "target: {registri: x.io}\n" IMG "    tags: {strategy: latest}\n",
     "bad.yaml:3: registri: unknown key in target"},
    {HEAD IMG "    tags: {strategy: pattern, pattern: \"^1.(2\"}\n",
     "bad.yaml:6: tags.pattern: '^1.(2': invalid regular expression"},
    {HEAD IMG "    tags: {strategy: pattern, pattern: \"(?i)^v1\"}\n",
     "bad.yaml:6: tags.pattern: '(?i)^v1': \"(?\" is Go regexp syntax"},
    {HEAD IMG "    tags: {strategy: pattern, pattern: \"^1.*?$\"}\n",
     "tags.pattern: '^1.*?$': a lazy quantifier"},
    {HEAD "target: {tag: \"{{ .SourceTag }}-{{ .Date }}\"}\n" IMG "    tags: {strategy: latest}\n",
     "bad.yaml:3: target.tag: '{{ .SourceTag }}-{{ .Date }}': unknown template field '{{ .Date "
     "}}'"},
    {HEAD IMG "    tags: {strategy: latest}\n    target: {tag: \"{{ .SourceTag\"}\n",
     "bad.yaml:7: target.tag: '{{ .SourceTag': '{{' without '}}'"},
    {HEAD IMG "    tags: {strategy: newest}\n",
     "bad.yaml:6: tags.strategy: 'newest' is not one of list, pattern, latest"},
    {HEAD IMG "    tags: {list: [a]}\n", "bad.yaml:6: tags.strategy: missing"},
    {HEAD IMG "    tags: {strategy: list}\n", "bad.yaml:6: tags.list: strategy list needs"},
    {HEAD IMG "    tags: {strategy: list, list: []}\n", "bad.yaml:6: tags.list: must not be empty"},
    {HEAD IMG "    tags: {strategy: pattern}\n", "tags.pattern: strategy pattern needs a pattern"},
    {HEAD IMG "    tags: {strategy: latest, list: [a]}\n",
     "tags.list: only allowed with strategy list"},
    {HEAD IMG "    tags: {strategy: pattern, pattern: x, maxTags: -1}\n",
     "bad.yaml:6: tags.maxTags: expected a non-negative integer"},
    {HEAD IMG "    tags: {strategy: pattern, pattern: x, maxTags: 0}\n",
     "tags.maxTags: must be at least 1"},
    {HEAD IMG "    tags: {strategy: pattern, pattern: x, exclude: a}\n",
     "bad.yaml:6: tags.exclude: expected a list"},
    {HEAD IMG "    tags: {strategy: latest}\n    platforms: [linux]\n",
     "bad.yaml:7: platforms: 'linux' is not os/arch[/variant]"},
    {HEAD IMG "    tags: {strategy: latest}\n    platforms: []\n",
     "bad.yaml:7: platforms: must not be empty"},
    {HEAD "images:\n  - name: a\n    image: reg.test/a:1.0\n    tags: {strategy: latest}\n",
     "bad.yaml:5: image: 'reg.test/a:1.0' names a tag or digest"},
    {HEAD "images:\n  - name: a\n    image: Reg.test/A\n    tags: {strategy: latest}\n",
     "bad.yaml:5: image: 'Reg.test/A' is not a repository reference"},
    {HEAD "images:\n  - image: reg.test/a\n    tags: {strategy: latest}\n",
     "bad.yaml:4: name: missing"},
    {HEAD "images:\n  - name: a\n    tags: {strategy: latest}\n", "bad.yaml:4: image: missing"},
    {HEAD IMG, "bad.yaml:4: tags: missing in images[] entry 'a'"},
    {HEAD IMG "    tags: {strategy: latest}\n  - name: a\n    image: reg.test/b\n"
              "    tags: {strategy: latest}\n",
     "bad.yaml:7: name: 'a' is used by two images[] entries"},
    {HEAD IMG "    tags: {strategy: latest}\n    name: b\n", "bad.yaml:7: name: key given twice"},
    {HEAD "target: {registry: \"ghcr.io/org:tag\"}\n" IMG "    tags: {strategy: latest}\n",
     "bad.yaml:3: target.registry: 'ghcr.io/org:tag' is not a registry"},
    {HEAD "target: [a]\n" IMG "    tags: {strategy: latest}\n",
     "bad.yaml:3: target: expected a mapping"},
    {HEAD IMG "    tags: {strategy: latest}\n---\nkind: x\n", "bad.yaml:8: more than one YAML"},
    {HEAD "images: {a: b}\n", "bad.yaml:3: images: expected a list"},
    {HEAD IMG "    tags: {strategy: [latest]}\n", "tags.strategy: '(not a string)'"},
};

static void refuses_bad_configs(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        copa__bulk_config *c = (copa__bulk_config *)1;
        const char *yaml = bad_cases[i].yaml;
        int rc = copa__bulk_config_parse(&c, "bad.yaml", yaml, strlen(yaml));

        if (rc != COPA_EINVALID || c != NULL ||
            strstr(copa_error_last(), bad_cases[i].message) == NULL)
            fail_msg("case %zu: rc %d, message '%s', expected '%s'", i, rc, copa_error_last(),
                     bad_cases[i].message);
    }
}

static void loads_file_and_names_missing_file(void **state)
{
    copa__bulk_config *c = NULL;
    (void)state;

    assert_int_equal(copa__bulk_config_load(&c, "/nonexistent/bulk.yaml"), COPA_ENOTFOUND);
    assert_null(c);
    assert_non_null(strstr(copa_error_last(), "/nonexistent/bulk.yaml"));
}

static void templates(void **state)
{
    char *s;
    (void)state;

    assert_int_equal(copa__bulk_template_check("{{ .SourceTag }}-patched"), 0);
    assert_int_equal(copa__bulk_template_check("fixed"), 0);
    assert_int_equal(copa__bulk_template_check("{{.SourceTag}}-{{ .SourceTag }}"), 0);
    assert_int_equal(copa__bulk_template_check("{{ .Tag }}"), COPA_EINVALID);
    assert_int_equal(copa__bulk_template_check("x}}"), COPA_EINVALID);
    s = copa__bulk_template_expand("{{ .SourceTag }}-p-{{.SourceTag}}", "1.2");
    assert_string_equal(s, "1.2-p-1.2");
    free(s);
}

static void patterns(void **state)
{
    regex_t re;
    (void)state;

    assert_int_equal(copa__bulk_pattern_compile(&re, "^[\\d.]+$"), 0);
    assert_int_equal(regexec(&re, "1.2.3", 0, NULL, 0), 0);
    assert_int_not_equal(regexec(&re, "1.2.3-alpine", 0, NULL, 0), 0);
    regfree(&re);
    assert_int_equal(copa__bulk_pattern_compile(&re, "^[^]a]+$"), 0);
    assert_int_equal(regexec(&re, "bcd", 0, NULL, 0), 0);
    assert_int_not_equal(regexec(&re, "b]", 0, NULL, 0), 0);
    regfree(&re);
    assert_int_equal(copa__bulk_pattern_compile(&re, "^\\D"), COPA_EINVALID);
}

/*
 * Patterns glibc would take ages over: a backreference makes regexec
 * exponential on a 100-character tag, and nested counted repetitions make
 * regcomp build their product. Go's regexp refuses both (no
 * backreferences; repeat counts up to 1000, nested ones included), so
 * refusing them loses no Copacetic config.
 */
static void refuses_costly_patterns(void **state)
{
    regex_t re;
    (void)state;

    assert_int_equal(copa__bulk_pattern_compile(&re, "(a*)*\\1x$"), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "a backreference"));
    assert_int_equal(copa__bulk_pattern_compile(&re, "((a{1,200}){1,200}){1,200}"), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "more than 1000"));
    assert_int_equal(copa__bulk_pattern_compile(&re, "^a{1001}$"), COPA_EINVALID);
    assert_int_equal(copa__bulk_pattern_compile(&re, "^a{1000}{1000}$"), COPA_EINVALID);
    /* '+' doubles in glibc: 40 of them would ask for 2^40 copies */
    assert_int_equal(copa__bulk_pattern_compile(&re, "^b++++++++++++++++++++++++++++++++++++++++$"),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "more than 1000"));
    /* counts that stay within 1000, and a '{' that is no repetition */
    assert_int_equal(copa__bulk_pattern_compile(&re, "^([0-9]{1,3}\\.){3}[0-9]{1,3}(x{2}){500}$"),
                     0);
    assert_int_equal(regexec(&re, "1.22.333.4", 0, NULL, 0), REG_NOMATCH);
    regfree(&re);
    assert_int_equal(copa__bulk_pattern_compile(&re, "^(v[0-9]{1,3}){0,5}[{]$"), 0);
    assert_int_equal(regexec(&re, "v1v22{", 0, NULL, 0), 0);
    regfree(&re);
}

/*
 * YAML aliases share one node, so a few KiB can name a list thousands of
 * times: 1000 entries each aliasing 100 tags of 100 characters would copy
 * 10 MB of strings (and expand as many jobs) from a 12 KB file. The walk
 * has a budget of the bytes a file of CONFIG_MAX could hold without them.
 */
static void refuses_alias_amplification(void **state)
{
    char *yaml = malloc(200000), *p = yaml;
    copa__bulk_config *c = NULL;
    int i, rc;
    (void)state;

    assert_non_null(yaml);
    p += sprintf(p, "apiVersion: copa.sh/v1alpha1\nkind: PatchConfig\nimages:\n");
    for (i = 0; i < 1000; i++) {
        p += sprintf(p, "  - name: e%d\n    image: reg.test/a\n    tags:\n      strategy: list\n",
                     i);
        if (i > 0) {
            p += sprintf(p, "      list: *tags\n");
            continue;
        }
        p += sprintf(p, "      list: &tags\n");
        for (int t = 0; t < 100; t++)
            p += sprintf(p, "        - t%03d%0*d\n", t, 96, 0);
    }
    rc = copa__bulk_config_parse(&c, "big.yaml", yaml, (size_t)(p - yaml));
    if (rc != COPA_EINVALID || strstr(copa_error_last(), "big.yaml:") == NULL ||
        strstr(copa_error_last(), "expands") == NULL)
        fail_msg("rc %d, '%s'", rc, copa_error_last());
    copa__bulk_config_free(c);
    free(yaml);
}

/*
 * libyaml's scanner keeps a simple-key slot per flow level and walks all
 * of them for every token: time grows with the square of the nesting
 * (30000 levels took 7 s, 100000 over a minute). A PatchConfig is a few
 * levels deep, so deep nesting is refused after a bounded amount of work.
 */
static void refuses_deep_nesting(void **state)
{
    size_t depth = 50000, n = 0;
    char *yaml = malloc(2 * depth + 100);
    copa__bulk_config *c = NULL;
    int rc;
    (void)state;

    assert_non_null(yaml);
    n += (size_t)sprintf(yaml, "apiVersion: copa.sh/v1alpha1\nkind: PatchConfig\nimages: ");
    memset(yaml + n, '[', depth);
    memset(yaml + n + depth, ']', depth);
    n += 2 * depth;
    rc = copa__bulk_config_parse(&c, "deep.yaml", yaml, n);
    if (rc != COPA_EINVALID || strstr(copa_error_last(), "deep.yaml:3: nested deeper than") == NULL)
        fail_msg("rc %d, '%s'", rc, copa_error_last());
    free(yaml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_valid_config),
        cmocka_unit_test(refuses_bad_configs),
        cmocka_unit_test(loads_file_and_names_missing_file),
        cmocka_unit_test(templates),
        cmocka_unit_test(patterns),
        cmocka_unit_test(refuses_costly_patterns),
        cmocka_unit_test(refuses_alias_amplification),
        cmocka_unit_test(refuses_deep_nesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
