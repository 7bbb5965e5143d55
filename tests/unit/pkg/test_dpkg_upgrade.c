/*
 * An upgrade computed by us and performed by the real dpkg must agree:
 * a package is installed with `dpkg --root` into a scratch root, the
 * administrator edits conffiles, then the new version is installed with
 * --force-confdef --force-confold. Our status stanza (new control fields,
 * Conffiles with new md5s and the obsolete one) must be byte-identical to
 * the status file dpkg wrote; our conffile decisions must match what dpkg
 * did on disk; our dropped-files list must be exactly what disappeared.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkg/deb_file.h"
#include "pkg/dpkg_conffile.h"
#include "pkg/dpkg_info.h"
#include "pkg/dpkg_status.h"
#include "pkg/dpkg_write.h"
#include "test_support.h"
#include "util/digest.h"

#include "pkg_test_helpers.h"

static void md5_hex(char out[33], const void *data, size_t len)
{
    unsigned char d[16];
    unsigned int n = 0;
    assert_int_equal(EVP_Digest(data, len, d, &n, EVP_md5(), NULL), 1);
    copa__hex_encode(out, d, 16);
}

static char *file_md5(const char *root, const char *path)
{
    char full[1024], *data, *hex = malloc(33);
    size_t len;
    snprintf(full, sizeof(full), "%s%s", root, path);
    if (access(full, F_OK) != 0) {
        free(hex);
        return NULL;
    }
    data = test_read_file(full, &len);
    md5_hex(hex, data, len);
    free(data);
    return hex;
}

static const char setup_script[] =
    "set -e; cd '%s'\n"
    "mkdir -p v1/DEBIAN v1/etc/demo v1/usr/bin v1/usr/share/demo v1/usr/lib/demo\n"
    "printf 'Package: demo\\nVersion: 1.0-1\\nArchitecture: all\\nMaintainer: D <d@e.org>\\n"
    "Description: demo\\n' > v1/DEBIAN/control\n"
    "printf '/etc/demo/a.conf\\n/etc/demo/b.conf\\n/etc/demo/c.conf\\n/etc/demo/d.conf\\n' "
    "> v1/DEBIAN/conffiles\n"
    "echo 'a v1' > v1/etc/demo/a.conf; echo b > v1/etc/demo/b.conf\n"
    "echo 'c v1' > v1/etc/demo/c.conf; echo 'd v1' > v1/etc/demo/d.conf\n"
    "echo bin1 > v1/usr/bin/demo; chmod 755 v1/usr/bin/demo\n"
    "echo old > v1/usr/share/demo/old-only; echo keep > v1/usr/share/demo/keep\n"
    "echo lib > v1/usr/lib/demo/plugin\n"
    "mkdir -p v2/DEBIAN v2/etc/demo v2/usr/bin v2/usr/share/demo\n"
    "cat > v2/DEBIAN/control <<'E'\n"
    "Package: demo\nSource: demo-src (2.0-1)\nVersion: 2.0-1+b1\nArchitecture: all\n"
    "Maintainer: D <d@e.org>\nInstalled-Size: 12\nDepends: libc6(>=2.0) ,base-files\n"
    "Provides: demo-api (= 2)\nX-Extra: kept\nSection: misc\nPriority: optional\n"
    "Homepage: https://example.org/demo\nDescription: demo\n version two\nE\n"
    "printf '/etc/demo/a.conf\\n/etc/demo/c.conf\\n/etc/demo/d.conf\\n' > v2/DEBIAN/conffiles\n"
    "echo 'a v2' > v2/etc/demo/a.conf; echo 'c v1' > v2/etc/demo/c.conf\n"
    "echo 'd v2' > v2/etc/demo/d.conf\n"
    "echo bin2 > v2/usr/bin/demo; chmod 755 v2/usr/bin/demo\n"
    "echo keep > v2/usr/share/demo/keep; echo new > v2/usr/share/demo/new\n"
    "dpkg-deb --root-owner-group --build v1 v1.deb >/dev/null\n"
    "dpkg-deb --root-owner-group -Zxz --build v2 v2.deb >/dev/null\n"
    "mkdir -p root/var/lib/dpkg/info root/var/lib/dpkg/updates\n"
    "touch root/var/lib/dpkg/status\n"
    "dpkg --root=\"$PWD/root\" --force-not-root --force-script-chrootless --force-depends "
    "-i v1.deb >/dev/null 2>&1\n"
    "echo 'c admin' > root/etc/demo/c.conf; echo 'd admin' > root/etc/demo/d.conf\n";

typedef struct newpkg {
    copa__arena arena;
    const char **paths; /* absolute, as in .list */
    size_t count;
    copa__dpkg_conffile *conffiles;
    size_t conffile_count;
    copa__path_set set;
    char *control;
    size_t control_len;
} newpkg;

static int shipped(const char *path, void *payload)
{
    return copa__path_set_has(&((newpkg *)payload)->set, path);
}

/* Read the new .deb: its paths, its conffiles with the md5 of their data. */
static void read_new(newpkg *np, const char *path)
{
    const copa__deb_member *ctl, *cf;
    copa__deb *deb;
    copa__deb_entry e;
    char hex[33];
    size_t cap = 64, i;
    int rc;

    copa__arena_init(&np->arena);
    assert_int_equal(copa__deb_open(&deb, path), 0);
    ctl = copa__deb_control_member(deb, "control");
    np->control = strdup(ctl->data);
    np->control_len = ctl->len;
    cf = copa__deb_control_member(deb, "conffiles");
    {
        copa__dpkg_list l;
        assert_int_equal(copa__dpkg_list_parse(&l, &np->arena, cf->data, cf->len, "conffiles"), 0);
        np->conffile_count = l.count;
        np->conffiles = copa__arena_alloc(&np->arena, l.count * sizeof(*np->conffiles));
        for (i = 0; i < l.count; i++) {
            np->conffiles[i].path = l.paths[i];
            np->conffiles[i].md5 = NULL;
            np->conffiles[i].flags = 0;
        }
    }
    np->paths = malloc(cap * sizeof(*np->paths));
    np->count = 0;
    while ((rc = copa__deb_data_next(deb, &e)) == 1) {
        char *abs = copa__arena_alloc(&np->arena, strlen(e.path) + 2);
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        unsigned char d[16], buf[4096];
        size_t got;
        sprintf(abs, "/%s", e.path);
        np->paths[np->count++] = abs;
        assert_true(np->count < cap);
        if (e.type != COPA__DEB_FILE) {
            EVP_MD_CTX_free(ctx);
            continue;
        }
        EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
        while (copa__deb_data_read(deb, buf, sizeof(buf), &got) == 0 && got > 0)
            EVP_DigestUpdate(ctx, buf, got);
        EVP_DigestFinal_ex(ctx, d, NULL);
        EVP_MD_CTX_free(ctx);
        copa__hex_encode(hex, d, 16);
        for (i = 0; i < np->conffile_count; i++)
            if (strcmp(np->conffiles[i].path, abs) == 0)
                np->conffiles[i].md5 = copa__arena_strndup(&np->arena, hex, 32);
    }
    assert_int_equal(rc, 0);
    for (i = 0; i < np->conffile_count; i++)
        assert_non_null(np->conffiles[i].md5);
    assert_int_equal(copa__path_set_init(&np->set, &np->arena, np->paths, np->count), 0);
    copa__deb_free(deb);
}

static void upgrade_agrees_with_dpkg(void **state)
{
    char *dir, root[512], path[600], *status1, *status2, *list1;
    size_t status1_len, status2_len, list1_len, i;
    copa__conffile_action actions[3];
    copa__dpkg_status *st;
    const copa__dpkg_pkg *old;
    copa__dpkg_conffile *merged;
    size_t merged_count, dropped_count;
    const char **dropped;
    copa__dpkg_list list;
    copa__path_set kept, none;
    copa__buf stanza = COPA__BUF_INIT, out = COPA__BUF_INIT, gone = COPA__BUF_INIT,
              ours = COPA__BUF_INIT;
    copa__dpkg_stanza_update up;
    const char *obsolete[4];
    size_t nobsolete = 0;
    newpkg np;
    (void)state;

    if (!have_tool("dpkg") || !have_tool("dpkg-deb"))
        skip();
    dir = make_temp_dir();
    assert_int_equal(run_capture(NULL, setup_script, dir), 0);
    snprintf(root, sizeof(root), "%s/root", dir);
    snprintf(path, sizeof(path), "%s/var/lib/dpkg/status", root);
    status1 = test_read_file(path, &status1_len);
    snprintf(path, sizeof(path), "%s/var/lib/dpkg/info/demo.list", root);
    list1 = test_read_file(path, &list1_len);

    /* our side, from the image before the upgrade and the new .deb */
    assert_int_equal(copa__dpkg_status_parse(&st, "status", status1, status1_len, 0), 0);
    old = &st->pkgs[0];
    assert_int_equal(old->conffile_count, 4);
    snprintf(path, sizeof(path), "%s/v2.deb", dir);
    read_new(&np, path);
    for (i = 0; i < np.conffile_count; i++) {
        char *cur = file_md5(root, np.conffiles[i].path);
        const char *rec = NULL;
        size_t j;
        for (j = 0; j < old->conffile_count; j++)
            if (strcmp(old->conffiles[j].path, np.conffiles[i].path) == 0)
                rec = old->conffiles[j].md5;
        actions[i] = copa__conffile_decide(cur, rec, np.conffiles[i].md5);
        free(cur);
    }
    assert_int_equal(copa__dpkg_conffiles_merge(&merged, &merged_count, &np.arena, old->conffiles,
                                                old->conffile_count, np.conffiles,
                                                np.conffile_count, shipped, &np),
                     0);
    assert_int_equal(copa__dpkg_stanza_build(&stanza, np.control, np.control_len,
                                             "install ok installed", merged, merged_count),
                     0);
    up = (copa__dpkg_stanza_update){"demo", "all", stanza.data, stanza.length};
    assert_int_equal(copa__dpkg_status_write(&out, st, "amd64", &up, 1), 0);
    for (i = 0; i < merged_count; i++)
        if (merged[i].flags & COPA__CONFFILE_OBSOLETE)
            obsolete[nobsolete++] = merged[i].path;
    assert_int_equal(copa__path_set_init(&kept, &np.arena, obsolete, nobsolete), 0);
    assert_int_equal(copa__path_set_init(&none, &np.arena, NULL, 0), 0);
    assert_int_equal(copa__dpkg_list_parse(&list, &np.arena, list1, list1_len, "demo.list"), 0);
    assert_int_equal(copa__dpkg_dropped_files(&dropped, &dropped_count, &np.arena, list.paths,
                                              list.count, &np.set, &kept, &none),
                     0);

    /* dpkg's side */
    assert_int_equal(run_capture(NULL,
                                 "cd '%s' && dpkg --root=\"$PWD/root\" --force-not-root "
                                 "--force-script-chrootless --force-depends --force-confdef "
                                 "--force-confold -i v2.deb >/dev/null 2>&1",
                                 dir),
                     0);
    snprintf(path, sizeof(path), "%s/var/lib/dpkg/status", root);
    status2 = test_read_file(path, &status2_len);
    assert_string_equal(out.data, status2);

    /* a.conf untouched by the admin: replaced; c.conf edited, package
     * unchanged: kept; d.conf edited and changed: kept plus .dpkg-dist */
    assert_string_equal(np.conffiles[0].path, "/etc/demo/a.conf");
    assert_int_equal(actions[0], COPA__CONFFILE_INSTALL);
    assert_int_equal(actions[1], COPA__CONFFILE_KEEP);
    assert_int_equal(actions[2], COPA__CONFFILE_KEEP_DIST);
    assert_int_equal(
        run_capture(
            NULL,
            "cd '%s' && grep -qx 'a v2' etc/demo/a.conf && ! test -e etc/demo/a.conf.dpkg-dist"
            " && grep -qx 'c admin' etc/demo/c.conf && ! test -e etc/demo/c.conf.dpkg-dist"
            " && grep -qx 'd admin' etc/demo/d.conf && grep -qx 'd v2' "
            "etc/demo/d.conf.dpkg-dist && test -e etc/demo/b.conf",
            root),
        0);

    /* dropped files: exactly the old paths that dpkg removed */
    for (i = 0; i < list.count; i++) {
        struct stat sb;
        snprintf(path, sizeof(path), "%s%s", root, list.paths[i]);
        if (strcmp(list.paths[i], "/.") != 0 && lstat(path, &sb) != 0)
            assert_int_equal(copa__buf_appendf(&gone, "%s\n", list.paths[i]), 0);
    }
    for (i = 0; i < dropped_count; i++)
        assert_int_equal(copa__buf_appendf(&ours, "%s\n", dropped[i]), 0);
    assert_string_equal(ours.data, gone.data);
    assert_non_null(strstr(ours.data, "/usr/share/demo/old-only\n"));

    copa__buf_free(&gone);
    copa__buf_free(&ours);
    copa__buf_free(&out);
    copa__buf_free(&stanza);
    copa__dpkg_status_free(st);
    copa__arena_free(&np.arena);
    free((void *)np.paths);
    free(np.control);
    free(status1);
    free(status2);
    free(list1);
    rm_rf(dir);
}

static void conffile_decision_table(void **state)
{
    const char *o = "00000000000000000000000000000000", *n = "11111111111111111111111111111111",
               *u = "22222222222222222222222222222222";
    (void)state;
    assert_int_equal(copa__conffile_decide(o, o, n), COPA__CONFFILE_INSTALL);
    assert_int_equal(copa__conffile_decide(u, o, n), COPA__CONFFILE_KEEP_DIST);
    assert_int_equal(copa__conffile_decide(u, o, o), COPA__CONFFILE_KEEP);
    assert_int_equal(copa__conffile_decide(n, o, n), COPA__CONFFILE_KEEP);
    assert_int_equal(copa__conffile_decide(NULL, o, n), COPA__CONFFILE_KEEP);
    assert_int_equal(copa__conffile_decide(NULL, NULL, n), COPA__CONFFILE_INSTALL);
    assert_int_equal(copa__conffile_decide(NULL, "newconffile", n), COPA__CONFFILE_INSTALL);
    assert_int_equal(copa__conffile_decide(u, NULL, n), COPA__CONFFILE_KEEP_DIST);
    assert_int_equal(copa__conffile_decide(o, o, o), COPA__CONFFILE_KEEP);
    assert_string_equal(copa__conffile_action_name(COPA__CONFFILE_KEEP_DIST),
                        "keep, new version as .dpkg-dist");
}

static void dropped_files_respect_other_owners(void **state)
{
    static const char *const old[] = {
        "/.",           "/usr",           "/usr/share", "/usr/share/a", "/usr/share/b",
        "/usr/share/x", "/usr/share/x/f", "/etc",       "/etc/shared"};
    static const char *const fresh[] = {"/.", "/usr", "/usr/share", "/usr/share/a"};
    static const char *const others[] = {"/etc", "/etc/shared", "/usr/share/x/g"};
    copa__arena arena;
    copa__path_set fs, os;
    const char **dropped;
    size_t n;
    (void)state;

    copa__arena_init(&arena);
    assert_int_equal(copa__path_set_init(&fs, &arena, fresh, 4), 0);
    assert_int_equal(copa__path_set_init(&os, &arena, others, 3), 0);
    assert_int_equal(copa__dpkg_dropped_files(&dropped, &n, &arena, old, 9, &fs, NULL, &os), 0);
    /* /usr/share/x stays: another package still has a file below it */
    assert_int_equal(n, 2);
    assert_string_equal(dropped[0], "/usr/share/b");
    assert_string_equal(dropped[1], "/usr/share/x/f");
    assert_true(copa__path_set_has_below(&os, "/usr/share/x"));
    assert_false(copa__path_set_has_below(&os, "/usr/share/xy"));
    copa__arena_free(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(upgrade_agrees_with_dpkg),
        cmocka_unit_test(conffile_decision_table),
        cmocka_unit_test(dropped_files_respect_other_owners),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
