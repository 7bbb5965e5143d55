/* The .repo configuration: INI rules, options, defaults per tool, variables. */
#include "rpmrepo/repo_conf.h"
#include "copa/errors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rpmrepo_test.h"

static const copa__rpm_conf_options opts_el9 = {COPA_RPM_FLAVOR_AUTO, "9.4", "x86_64", NULL};

static copa__rpm_conf *read_root(const char *root, const copa__rpm_conf_options *o, int want)
{
    copa__image_files files;
    copa__rpm_conf *conf = NULL;

    assert_int_equal(copa__image_files_dir_open(&files, root), 0);
    assert_int_equal(copa__rpm_conf_read(&conf, &files, o), want);
    copa__image_files_dir_close(&files);
    return conf;
}

static void test_dnf_repo_files(void **state)
{
    char *root = root_new();
    copa__rpm_conf *conf;
    const copa__rpm_repo *r;
    (void)state;

    root_put(root, "/etc/dnf/dnf.conf",
             "[main]\ngpgcheck=1\ninstallonly_limit=3\n"
             "exclude=kernel* ,foo\n");
    root_put(root, "/etc/yum.repos.d/rocky.repo",
             "# Rocky\n[baseos]\nname=Rocky Linux $releasever - BaseOS\n"
             "mirrorlist=https://mirrors.example/?arch=$basearch&repo=BaseOS-$releasever\n"
             "#baseurl=http://commented.example/\n"
             "baseurl=https://a.example/$releasever/BaseOS/$basearch/os/\n"
             "        https://b.example/${releasever_major}/BaseOS/${basearch}/os/,"
             "https://c.example/$contentdir/\n"
             "gpgcheck=1\nenabled=1\ncountme=1\nmetadata_expire=6h\n"
             "gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9 https://keys.example/k.asc\n"
             "priority=10\nmodule_hotfixes = True\nincludepkgs=bash glibc*\n"
             "\n[extras]\nbaseurl=https://a.example/extras\nenabled=0\ngpgcheck=0\n"
             "repo_gpgcheck=yes\nskip_if_unavailable=on\nexcludepkgs=x\n");
    root_put(root, "/etc/yum.repos.d/ignored.repo.rpmsave", "[nope]\nbaseurl=x\n");
    root_put(root, "/etc/dnf/vars/contentdir", "pub/rocky\n");
    conf = read_root(root, &opts_el9, 0);
    assert_int_equal(conf->flavor, COPA_RPM_FLAVOR_DNF);
    assert_string_equal(conf->main_file, "/etc/dnf/dnf.conf");
    assert_int_equal(conf->repo_count, 2);
    assert_int_equal(conf->main_excludepkgs.count, 2);
    assert_string_equal(conf->main_excludepkgs.items[0], "kernel*");
    r = copa__rpm_conf_find(conf, "baseos");
    assert_non_null(r);
    assert_string_equal(r->name, "Rocky Linux 9.4 - BaseOS");
    assert_string_equal(r->mirrorlist, "https://mirrors.example/?arch=x86_64&repo=BaseOS-9.4");
    assert_null(r->metalink);
    assert_int_equal(r->baseurls.count, 3);
    assert_string_equal(r->baseurls.items[0], "https://a.example/9.4/BaseOS/x86_64/os/");
    assert_string_equal(r->baseurls.items[1], "https://b.example/9/BaseOS/x86_64/os/");
    assert_string_equal(r->baseurls.items[2], "https://c.example/pub/rocky/");
    assert_true(r->enabled);
    assert_true(r->gpgcheck);
    assert_false(r->repo_gpgcheck);
    assert_true(r->module_hotfixes);
    assert_int_equal(r->priority, 10);
    assert_int_equal(r->gpgkey_paths.count, 1);
    assert_string_equal(r->gpgkey_paths.items[0], "/etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9");
    assert_int_equal(r->gpgkey_urls.count, 1);
    assert_int_equal(r->includepkgs.count, 2);
    assert_string_equal(r->file, "/etc/yum.repos.d/rocky.repo");
    assert_int_equal(r->line, 2);
    r = copa__rpm_conf_find(conf, "extras");
    assert_non_null(r);
    assert_string_equal(r->name, "extras");
    assert_false(r->enabled);
    assert_false(r->gpgcheck);
    assert_true(r->repo_gpgcheck);
    assert_true(r->skip_if_unavailable);
    assert_int_equal(r->priority, 99);
    assert_int_equal(r->excludepkgs.count, 1);
    assert_null(copa__rpm_conf_find(conf, "nope"));
    assert_true(conf->note_count >= 1); /* the remote gpgkey */
    copa__rpm_conf_free(conf);
    root_remove(root);
}

/* dnf's default is gpgcheck=False: a [main] without it leaves repos unchecked. */
static void test_dnf_defaults(void **state)
{
    char *root = root_new();
    copa__rpm_conf *conf;
    (void)state;

    root_put(root, "/etc/dnf/dnf.conf", "[main]\nbest=True\n");
    root_put(root, "/etc/yum.repos.d/a.repo", "[a]\nbaseurl=http://x/\n");
    conf = read_root(root, &opts_el9, 0);
    assert_int_equal(conf->repo_count, 1);
    assert_true(conf->repos[0].enabled);
    assert_false(conf->repos[0].gpgcheck);
    assert_int_equal(conf->repos[0].priority, 99);
    copa__rpm_conf_free(conf);
    root_remove(root);
}

/* tdnf: repositories default to enabled=0, gpgcheck=1, priority 50, whatever [main] says. */
static void test_tdnf_defaults(void **state)
{
    char *root = root_new();
    copa__rpm_conf_options o = {COPA_RPM_FLAVOR_AUTO, "3.0", "aarch64", NULL};
    copa__rpm_conf *conf;
    (void)state;

    root_put(root, "/etc/tdnf/tdnf.conf",
             "[main]\ngpgcheck=0\ninstallonly_limit=3\nrepodir=/etc/yum.repos.d\n");
    root_put(root, "/etc/dnf/dnf.conf", "[main]\n");
    root_put(root, "/etc/yum.repos.d/azurelinux-official-base.repo",
             "[azurelinux-official-base]\nname=Azure Linux Official Base $releasever $basearch\n"
             "baseurl=https://packages.example/azurelinux/$releasever/prod/base/$basearch\n"
             "gpgkey=file:///etc/pki/rpm-gpg/MICROSOFT-RPM-GPG-KEY\nenabled=1\n"
             "[disabled-by-default]\nbaseurl=https://x/\n");
    conf = read_root(root, &o, 0);
    assert_int_equal(conf->flavor, COPA_RPM_FLAVOR_TDNF);
    assert_int_equal(conf->repo_count, 2);
    assert_true(conf->repos[0].enabled);
    assert_true(conf->repos[0].gpgcheck);
    assert_int_equal(conf->repos[0].priority, 50);
    assert_string_equal(conf->repos[0].baseurls.items[0],
                        "https://packages.example/azurelinux/3.0/prod/base/aarch64");
    assert_string_equal(conf->repos[0].name, "Azure Linux Official Base 3.0 aarch64");
    assert_false(conf->repos[1].enabled);
    assert_true(conf->repos[1].gpgcheck);
    copa__rpm_conf_free(conf);
    root_remove(root);
}

/* /etc/dnf/vars/releasever (Amazon Linux 2023 pins it) wins; arch cannot be overridden. */
static void test_vars_files(void **state)
{
    char *root = root_new();
    copa__rpm_conf *conf;
    (void)state;

    root_put(root, "/etc/dnf/dnf.conf", "[main]\n");
    root_put(root, "/etc/dnf/vars/releasever", "2023.6.20241010\n");
    root_put(root, "/etc/dnf/vars/basearch", "sparc\n");
    root_put(root, "/etc/dnf/vars/awsregion", "default\n");
    root_put(root, "/etc/yum.repos.d/amazonlinux.repo",
             "[amazonlinux]\nmirrorlist=https://al2023-repos-$awsregion.example/core/mirrors/"
             "$releasever/$basearch/mirror.list\nbaseurl=http://x/$releasever_major/$nosuch/"
             "${nosuch:-dflt}/${basearch:+set}/$\n");
    conf = read_root(root, &opts_el9, 0);
    assert_string_equal(conf->repos[0].mirrorlist, "https://al2023-repos-default.example/core/"
                                                   "mirrors/2023.6.20241010/x86_64/mirror.list");
    assert_string_equal(conf->repos[0].baseurls.items[0], "http://x/2023/$nosuch/dflt/set/$");
    copa__rpm_conf_free(conf);
    root_remove(root);
}

/* A value is expanded once: a variable whose value names another stays literal. */
static void test_vars_not_recursive(void **state)
{
    const char *names[] = {"a", "b"}, *values[] = {"$b$b", "x"};
    copa__rpm_vars vars = {names, values, 2};
    copa__arena arena;
    char *out;
    (void)state;

    copa__arena_init(&arena);
    assert_int_equal(copa__rpm_vars_expand(&out, &arena, &vars, "$a-${a}-$b", "t"), 0);
    assert_string_equal(out, "$b$b-$b$b-x");
    assert_int_equal(copa__rpm_vars_expand(&out, &arena, &vars, "${a", "t"), 0);
    assert_string_equal(out, "${a");
    assert_int_equal(copa__rpm_vars_expand(&out, &arena, &vars, "${b:-${a:-${b}}}", "t"), 0);
    assert_string_equal(out, "x");
    copa__arena_free(&arena);
}

static int parse_text(const char *text, int is_main, copa__rpm_conf **conf_out)
{
    copa__rpm_conf *conf;
    int rc;

    assert_int_equal(copa__rpm_conf_new(&conf, COPA_RPM_FLAVOR_DNF), 0);
    rc = copa__rpm_conf_parse(conf, NULL, "/etc/yum.repos.d/t.repo", text, strlen(text), is_main);
    if (conf_out != NULL)
        *conf_out = conf;
    else
        copa__rpm_conf_free(conf);
    return rc;
}

static void test_malformed(void **state)
{
    copa__rpm_conf *conf;
    (void)state;

    assert_int_equal(parse_text("baseurl=x\n", 0, NULL), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "t.repo:1"));
    assert_int_equal(parse_text("[a]\nbaseurl=x\njunk line\n", 0, NULL), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "t.repo:3"));
    assert_int_equal(parse_text("[a\n", 0, NULL), COPA_EINVALID);
    /* Tolerated like dnf: bad booleans and bad ids are notes, duplicates keep the first. */
    assert_int_equal(parse_text("[a]\nenabled=maybe\n[b/c]\nbaseurl=x\n[a]\nenabled=0\n", 0, &conf),
                     0);
    assert_int_equal(conf->repo_count, 1);
    assert_true(conf->repos[0].enabled);
    assert_int_equal(conf->note_count, 3);
    copa__rpm_conf_free(conf);
    /* [main] in a .repo file is not the defaults. */
    assert_int_equal(parse_text("[main]\ngpgcheck=1\n[r]\n", 0, &conf), 0);
    assert_false(conf->repos[0].gpgcheck);
    copa__rpm_conf_free(conf);
}

static void test_caps(void **state)
{
    size_t n = 70 * 1024, i;
    char *text = malloc(n + 32);
    copa__rpm_conf *conf;
    (void)state;

    strcpy(text, "[a]\nbaseurl=");
    for (i = strlen(text); i < n; i++)
        text[i] = 'x';
    text[n] = '\0';
    assert_int_equal(parse_text(text, 0, NULL), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "longer than"));
    /* 2000 list items */
    strcpy(text, "[a]\nbaseurl=");
    for (i = 0; i < 2000; i++)
        strcat(text, "u ");
    assert_int_equal(parse_text(text, 0, NULL), COPA_EINVALID);
    free(text);
    /* a variable bomb stays bounded */
    {
        const char *names[] = {"a"};
        static char big[40000];
        const char *values[] = {big};
        copa__rpm_vars vars = {names, values, 1};
        copa__arena arena;
        char *out;

        memset(big, 'y', sizeof(big) - 1);
        copa__arena_init(&arena);
        assert_int_equal(copa__rpm_vars_expand(&out, &arena, &vars, "$a$a$a", "t:1"),
                         COPA_EINVALID);
        copa__arena_free(&arena);
    }
    (void)conf;
}

static void test_no_config(void **state)
{
    char *root = root_new();
    copa__rpm_conf *conf;
    copa__rpm_conf_options bad = {COPA_RPM_FLAVOR_AUTO, NULL, "x86_64", NULL};
    (void)state;

    conf = read_root(root, &opts_el9, 0);
    assert_int_equal(conf->repo_count, 0);
    assert_null(conf->main_file);
    copa__rpm_conf_free(conf);
    assert_null(read_root(root, &bad, COPA_EINVALID));
    /* A forced tool whose main file is missing: its defaults, no main file. */
    {
        copa__rpm_conf_options tdnf = {COPA_RPM_FLAVOR_TDNF, "3.0", "x86_64", NULL};
        root_put(root, "/etc/yum.repos.d/a.repo", "[a]\nbaseurl=http://x/\n");
        conf = read_root(root, &tdnf, 0);
        assert_null(conf->main_file);
        assert_int_equal(conf->repo_count, 1);
        assert_false(conf->repos[0].enabled);
        assert_true(conf->repos[0].gpgcheck);
        copa__rpm_conf_free(conf);
    }
    root_remove(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dnf_repo_files),
        cmocka_unit_test(test_dnf_defaults),
        cmocka_unit_test(test_tdnf_defaults),
        cmocka_unit_test(test_vars_files),
        cmocka_unit_test(test_vars_not_recursive),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_no_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
