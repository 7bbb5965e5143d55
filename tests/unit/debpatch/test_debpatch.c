/*
 * The patch layer builder on hand-made images: a merged-/usr root whose
 * dpkg database we wrote ourselves, a v2 package built with dpkg-deb, and
 * the layer read back entry by entry. What dpkg itself does with the same
 * packages is checked by tests/integration/debpatch.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <copa.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debpatch/internal.h"
#include "test_support.h"
#include "util/file.h"

#include "../pkg/pkg_test_helpers.h"

/* ---- the fixture ---- */

static const char setup_script[] =
    "set -e; cd '%s'\n"
    /* the v2 package */
    "mkdir -p v2/DEBIAN v2/etc v2/lib/demo/newdir v2/usr/share/demo\n"
    "printf 'Package: demo\\nVersion: 2.0-1\\nArchitecture: all\\nMaintainer: D <d@e.org>\\n"
    "Description: demo\\n' > v2/DEBIAN/control\n"
    "printf '/etc/demo.conf\\n/etc/plain.conf\\n' > v2/DEBIAN/conffiles\n"
    "printf '#!/bin/sh\\nexit 0\\n' > v2/DEBIAN/postinst; chmod 755 v2/DEBIAN/postinst\n"
    "echo 'demo v2' > v2/etc/demo.conf; echo 'plain v2' > v2/etc/plain.conf\n"
    "echo 'plugin v2' > v2/lib/demo/plugin; echo f > v2/lib/demo/newdir/f\n"
    "echo 'keep v2' > v2/usr/share/demo/keep.txt; ln -s keep.txt v2/usr/share/demo/link\n"
    "dpkg-deb --root-owner-group -Zgzip --build v2 demo_2.deb >/dev/null\n"
    /* the image: merged-/usr, demo 1.0 installed */
    "mkdir -p img/etc img/usr/bin img/usr/lib/demo img/usr/share/demo img/var/lib/dpkg/info\n"
    "ln -s usr/lib img/lib; ln -s usr/bin img/bin\n"
    "printf 'root:x:0:0::/root:/bin/sh\\ndaemon:x:7:8::/:/bin/false\\ndaemon:x:9:9::/:/x\\n' "
    "> img/etc/passwd\n"
    "printf 'root:x:0:\\ndaemon:x:8:\\n' > img/etc/group\n"
    "echo 'demo v1' > img/etc/demo.conf; echo 'admin' >> img/etc/demo.conf\n"
    "echo 'plain v1' > img/etc/plain.conf\n"
    "echo 'plugin v1' > img/usr/lib/demo/plugin\n"
    "echo old > img/usr/share/demo/old.txt; echo shared > img/usr/share/demo/shared.txt\n"
    "echo 'keep v1' > img/usr/share/demo/keep.txt.distrib\n"
    "mkdir img/usr/share/demo/olddir; echo x > img/usr/share/demo/olddir/x\n"
    "D=$(echo 'demo v1' | md5sum | cut -c1-32); P=$(echo 'plain v1' | md5sum | cut -c1-32)\n"
    "printf 'Package: demo\\nStatus: install ok installed\\nMaintainer: D <d@e.org>\\n"
    "Architecture: all\\nVersion: 1.0-1\\nConffiles:\\n /etc/demo.conf %%s\\n /etc/plain.conf "
    "%%s\\nDescription: demo\\n\\nPackage: other\\nStatus: install ok installed\\n"
    "Maintainer: D <d@e.org>\\nArchitecture: all\\nVersion: 1\\nDescription: other\\n' "
    "$D $P > img/var/lib/dpkg/status\n"
    "printf '/.\\n/etc\\n/etc/demo.conf\\n/etc/plain.conf\\n/lib\\n/lib/demo\\n/lib/demo/plugin\\n"
    "/usr\\n/usr/share\\n/usr/share/demo\\n/usr/share/demo/old.txt\\n/usr/share/demo/olddir\\n"
    "/usr/share/demo/olddir/x\\n/usr/share/demo/shared.txt\\n/usr/share/demo/keep.txt\\n' "
    "> img/var/lib/dpkg/info/demo.list\n"
    "printf '/.\\n/usr\\n/usr/share\\n/usr/share/demo\\n/usr/share/demo/shared.txt\\n' "
    "> img/var/lib/dpkg/info/other.list\n"
    "printf '#!/bin/sh\\n' > img/var/lib/dpkg/info/demo.postrm\n"
    "printf '#!/bin/sh\\n' > img/var/lib/dpkg/info/demo.1.postrm\n"
    "printf '/usr/share/demo/keep.txt\\n/usr/share/demo/keep.txt.distrib\\n:\\n' "
    "> img/var/lib/dpkg/diversions\n"
    "printf 'daemon daemon 4750 /lib/demo/plugin\\n' > img/var/lib/dpkg/statoverride\n"
    "tar -C img --numeric-owner -cf img.tar .\n"
    /* the same package as a distroless image */
    "mkdir -p dl/etc dl/usr/lib/demo dl/usr/share/demo dl/var/lib/dpkg/status.d\n"
    "ln -s usr/lib dl/lib\n"
    "cp img/etc/passwd img/etc/group dl/etc/; echo 'demo v1' > dl/etc/demo.conf\n"
    "echo 'plain v1' > dl/etc/plain.conf; echo old > dl/usr/share/demo/old.txt\n"
    "printf 'Package: demo\\nArchitecture: all\\nVersion: 1.0-1\\nMaintainer: D <d@e.org>\\n"
    "Description: demo\\n' > dl/var/lib/dpkg/status.d/demo\n"
    "(cd dl && md5sum etc/demo.conf etc/plain.conf usr/share/demo/old.txt) "
    "> dl/var/lib/dpkg/status.d/demo.md5sums\n"
    "tar -C dl --numeric-owner -cf dl.tar .\n";

typedef struct entry {
    char *path, *link, *data;
    char type; /* f d l h */
    unsigned int mode;
    long uid, gid;
    size_t len;
} entry;

typedef struct fixture {
    char *dir;
    entry *entries;
    size_t count;
    copa__debpatch_result res;
    char diff_id[COPA_DIGEST_STRING_MAX];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!have_tool("dpkg-deb"))
        skip();
    f->dir = make_temp_dir();
    assert_int_equal(run_capture(NULL, setup_script, f->dir), 0);
    *state = f;
    return 0;
}

static void free_entries(fixture *f)
{
    size_t i;
    for (i = 0; i < f->count; i++) {
        free(f->entries[i].path);
        free(f->entries[i].link);
        free(f->entries[i].data);
    }
    free(f->entries);
    f->entries = NULL;
    f->count = 0;
    copa__debpatch_result_free(&f->res);
}

static int teardown(void **state)
{
    fixture *f = *state;
    free_entries(f);
    rm_rf(f->dir);
    free(f);
    return 0;
}

static void read_layer(fixture *f, const char *path)
{
    struct archive *a = archive_read_new();
    struct archive_entry *ae;
    archive_read_support_format_tar(a);
    assert_int_equal(archive_read_open_filename(a, path, 65536), ARCHIVE_OK);
    while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
        entry *e;
        f->entries = realloc(f->entries, (f->count + 1) * sizeof(*e));
        e = &f->entries[f->count++];
        memset(e, 0, sizeof(*e));
        e->path = strdup(archive_entry_pathname(ae));
        e->mode = archive_entry_perm(ae);
        e->uid = (long)archive_entry_uid(ae);
        e->gid = (long)archive_entry_gid(ae);
        if (archive_entry_hardlink(ae) != NULL) {
            e->type = 'h';
            e->link = strdup(archive_entry_hardlink(ae));
        } else if (archive_entry_filetype(ae) == AE_IFLNK) {
            e->type = 'l';
            e->link = strdup(archive_entry_symlink(ae));
        } else if (archive_entry_filetype(ae) == AE_IFDIR) {
            e->type = 'd';
        } else {
            e->type = 'f';
            e->len = (size_t)archive_entry_size(ae);
            e->data = calloc(1, e->len + 1);
            assert_int_equal(archive_read_data(a, e->data, e->len), (la_ssize_t)e->len);
        }
    }
    archive_read_free(a);
}

static const entry *find(const fixture *f, const char *path)
{
    size_t i;
    for (i = 0; i < f->count; i++)
        if (strcmp(f->entries[i].path, path) == 0)
            return &f->entries[i];
    return NULL;
}

static int load_rootfs(copa__rootfs **fs, const char *tar)
{
    copa__layer_desc desc = {"application/vnd.oci.image.layer.v1.tar", NULL, -1, NULL};
    copa__layer_source src = {-1, NULL, NULL};
    int rc;
    assert_int_equal(copa__rootfs_new(fs, NULL), 0);
    src.fd = open(tar, O_RDONLY);
    assert_true(src.fd >= 0);
    rc = copa__rootfs_add_layer(*fs, &desc, &src);
    close(src.fd);
    return rc;
}

/* Build the layer for image `img` (dir + tar) with demo 2.0 and read it. */
static int build(fixture *f, const char *img, long long epoch)
{
    char root[512], tar[512], deb[512], out[512];
    const char *paths[1];
    copa__image_files files;
    copa__rootfs *fs = NULL;
    copa__dpkg_db *db = NULL;
    copa__rs_plan plan;
    copa__rs_step step;
    copa__layer_writer_options wo;
    copa__layer_writer *w = NULL;
    copa__layer_result lr;
    copa__debpatch_input in;
    int rc;

    free_entries(f);
    snprintf(root, sizeof(root), "%s/%s", f->dir, img);
    snprintf(tar, sizeof(tar), "%s/%s.tar", f->dir, img);
    snprintf(deb, sizeof(deb), "%s/demo_2.deb", f->dir);
    snprintf(out, sizeof(out), "%s/layer.tar", f->dir);
    assert_int_equal(copa__image_files_dir_open(&files, root), 0);
    assert_int_equal(load_rootfs(&fs, tar), 0);
    assert_int_equal(copa__dpkg_db_load(&db, &files, "amd64"), 0);
    memset(&plan, 0, sizeof(plan));
    memset(&step, 0, sizeof(step));
    step.name = "demo";
    step.arch = "all";
    step.from = "1.0-1";
    step.to = "2.0-1";
    plan.steps = &step;
    plan.nsteps = 1;
    paths[0] = deb;
    copa__layer_writer_options_init(&wo);
    wo.compression = COPA__COMPRESSION_NONE;
    wo.epoch = epoch;
    assert_int_equal(copa__layer_writer_new(&w, &wo), 0);
    memset(&in, 0, sizeof(in));
    in.rootfs = fs;
    in.files = &files;
    in.db = db;
    in.plan = &plan;
    in.deb_paths = paths;
    in.epoch = epoch;
    in.writer = w;
    rc = copa__debpatch_build(&f->res, &in);
    if (rc == 0) {
        assert_int_equal(copa__layer_writer_finish_path(w, out, &lr), 0);
        strcpy(f->diff_id, lr.diff_id);
        read_layer(f, out);
    }
    copa__layer_writer_free(w);
    copa__dpkg_db_free(db);
    copa__rootfs_free(fs);
    copa__image_files_dir_close(&files);
    return rc;
}

/* ---- path canonicalization ---- */

static void canonical_paths(void **state)
{
    fixture *f = *state;
    char tar[512], *out = NULL;
    copa__rootfs *fs;
    copa__dp_view v;
    snprintf(tar, sizeof(tar), "%s/img.tar", f->dir);
    assert_int_equal(load_rootfs(&fs, tar), 0);
    copa__dp_view_init(&v, fs);
#define CANON(in, follow, want)                                                                    \
    do {                                                                                           \
        assert_int_equal(copa__dp_canonical(&out, &v, in, follow), 0);                             \
        assert_string_equal(out, want);                                                            \
        free(out);                                                                                 \
    } while (0)
    CANON("/lib/x86_64-linux-gnu/libc.so.6", 0, "usr/lib/x86_64-linux-gnu/libc.so.6");
    CANON("/lib", 0, "lib");     /* the last component is the symlink itself */
    CANON("/lib", 1, "usr/lib"); /* ... unless followed */
    CANON("./bin//sh", 0, "usr/bin/sh");
    CANON("/usr/../../lib/demo", 0, "usr/lib/demo");
    CANON("/", 0, "");
    /* symlinks this layer adds count too, absolute ones from the root */
    assert_int_equal(copa__dp_view_put(&v, "opt/app", COPA__DP_SYMLINK, "/usr/share", 1), 0);
    CANON("/opt/app/demo/x", 0, "usr/share/demo/x");
    assert_int_equal(copa__dp_view_put(&v, "loop1", COPA__DP_SYMLINK, "loop2", 1), 0);
    assert_int_equal(copa__dp_view_put(&v, "loop2", COPA__DP_SYMLINK, "loop1", 1), 0);
    assert_int_equal(copa__dp_canonical(&out, &v, "/loop1/x", 0), COPA_EINVALID);
    assert_int_equal(copa__dp_view_put(&v, "usr/share/demo/old.txt", COPA__DP_MISSING, NULL, 0), 0);
    {
        const char *link;
        int layer;
        assert_int_equal(copa__dp_view_kind(&v, "usr/share/demo/old.txt", &link, &layer),
                         COPA__DP_MISSING);
        assert_int_equal(layer, -1);
        assert_int_equal(copa__dp_view_kind(&v, "lib", &link, &layer), COPA__DP_SYMLINK);
        assert_string_equal(link, "usr/lib");
        assert_int_equal(copa__dp_view_kind(&v, "usr/lib/demo", &link, &layer), COPA__DP_DIR);
        assert_true(copa__dp_view_writes_below(&v, "opt"));
        assert_false(copa__dp_view_writes_below(&v, "usr/lib"));
    }
#undef CANON
    copa__dp_view_free(&v);
    copa__rootfs_free(fs);
}

static void owners_by_name(void **state)
{
    fixture *f = *state;
    char root[512];
    copa__image_files files;
    copa__dp_ids users, groups;
    snprintf(root, sizeof(root), "%s/img", f->dir);
    assert_int_equal(copa__image_files_dir_open(&files, root), 0);
    assert_int_equal(copa__dp_ids_load(&users, &groups, &files), 0);
    assert_int_equal(copa__dp_ids_lookup(&users, "daemon", 1), 7); /* first entry wins */
    assert_int_equal(copa__dp_ids_lookup(&groups, "daemon", 1), 8);
    assert_int_equal(copa__dp_ids_lookup(&users, "root", 5), 0);
    assert_int_equal(copa__dp_ids_lookup(&users, "nobody", 4242), 4242); /* unknown: tar's id */
    assert_int_equal(copa__dp_ids_lookup(&users, "#33", 1), 33);
    assert_int_equal(copa__dp_ids_lookup(&users, "", 12), 12);
    copa__dp_ids_free(&users);
    copa__dp_ids_free(&groups);
    copa__image_files_dir_close(&files);
}

/* ---- the layer for a regular merged-/usr image ---- */

static void regular_image(void **state)
{
    fixture *f = *state;
    const entry *e;
    copa__dpkg_status *st;
    size_t i;

    assert_int_equal(build(f, "img", 1700000000), 0);
    /* through the image's symlinks: /lib stays a symlink */
    assert_null(find(f, "lib"));
    assert_null(find(f, "lib/demo/plugin"));
    assert_null(find(f, "usr/lib/demo/")); /* existing directory not re-emitted */
    assert_non_null(e = find(f, "usr/lib/demo/plugin"));
    assert_string_equal(e->data, "plugin v2\n");
    /* statoverride (path as the package ships it), owner names via the image */
    assert_int_equal(e->mode, 04750);
    assert_int_equal(e->uid, 7);
    assert_int_equal(e->gid, 8);
    assert_non_null(e = find(f, "usr/lib/demo/newdir/"));
    assert_int_equal(e->type, 'd');
    assert_non_null(find(f, "usr/lib/demo/newdir/f"));
    /* conffiles: modified -> kept + .dpkg-dist; unmodified -> replaced */
    assert_null(find(f, "etc/demo.conf"));
    assert_non_null(e = find(f, "etc/demo.conf.dpkg-dist"));
    assert_string_equal(e->data, "demo v2\n");
    assert_non_null(e = find(f, "etc/plain.conf"));
    assert_string_equal(e->data, "plain v2\n");
    assert_int_equal(f->res.conffiles_kept, 1);
    /* the local diversion */
    assert_null(find(f, "usr/share/demo/keep.txt"));
    assert_non_null(e = find(f, "usr/share/demo/keep.txt.distrib"));
    assert_string_equal(e->data, "keep v2\n");
    assert_non_null(e = find(f, "usr/share/demo/link"));
    assert_int_equal(e->type, 'l');
    assert_string_equal(e->link, "keep.txt");
    /* dropped: old.txt and the emptied olddir; shared.txt is owned by `other` */
    assert_non_null(find(f, "usr/share/demo/.wh.old.txt"));
    assert_non_null(find(f, "usr/share/demo/.wh.olddir"));
    assert_null(find(f, "usr/share/demo/olddir/.wh.x")); /* one whiteout per subtree */
    assert_null(find(f, "usr/share/demo/.wh.shared.txt"));
    /* info: the old postrm goes; demo.1.postrm belongs to another package */
    assert_non_null(find(f, "var/lib/dpkg/info/.wh.demo.postrm"));
    assert_null(find(f, "var/lib/dpkg/info/.wh.demo.1.postrm"));
    assert_non_null(e = find(f, "var/lib/dpkg/info/demo.postinst"));
    assert_int_equal(e->mode, 0755);
    assert_non_null(e = find(f, "var/lib/dpkg/info/demo.conffiles"));
    assert_non_null(e = find(f, "var/lib/dpkg/info/demo.list"));
    assert_string_equal(e->data, "/.\n/etc\n/etc/demo.conf\n/etc/plain.conf\n/lib\n/lib/demo\n"
                                 "/lib/demo/newdir\n/lib/demo/newdir/f\n/lib/demo/plugin\n/usr\n"
                                 "/usr/share\n/usr/share/demo\n/usr/share/demo/keep.txt\n"
                                 "/usr/share/demo/link\n");
    assert_non_null(e = find(f, "var/lib/dpkg/info/demo.md5sums"));
    assert_non_null(strstr(e->data, "  etc/demo.conf\n"));
    assert_non_null(strstr(e->data, "  lib/demo/plugin\n"));
    assert_null(strstr(e->data, "usr/share/demo/link"));
    assert_int_equal(e->uid, 0);
    /* the status file: new version and conffile md5s, `other` untouched */
    assert_non_null(e = find(f, "var/lib/dpkg/status"));
    assert_int_equal(copa__dpkg_status_parse(&st, "status", e->data, e->len, 0), 0);
    assert_int_equal(st->count, 2);
    assert_string_equal(st->pkgs[0].version, "2.0-1");
    assert_int_equal(st->pkgs[0].conffile_count, 2);
    assert_string_equal(st->pkgs[1].name, "other");
    copa__dpkg_status_free(st);
    /* nothing ran */
    assert_int_equal(f->res.nskipped_scripts, 2);
    assert_string_equal(f->res.skipped_scripts[0], "demo: old postrm (upgrade)");
    assert_string_equal(f->res.skipped_scripts[1], "demo: postinst (configure)");
    for (i = 0; i < f->count; i++)
        assert_true(strncmp(f->entries[i].path, "lib/", 4) != 0);
}

static void distroless_image(void **state)
{
    fixture *f = *state;
    const entry *e;
    copa__dpkg_status *st;

    assert_int_equal(build(f, "dl", 1700000000), 0);
    assert_non_null(e = find(f, "var/lib/dpkg/status.d/demo"));
    assert_null(strstr(e->data, "Status:")); /* the image's stanzas have none */
    assert_int_equal(copa__dpkg_status_parse(&st, "demo", e->data, e->len, COPA__DPKG_STATUS_D), 0);
    assert_string_equal(st->pkgs[0].version, "2.0-1");
    copa__dpkg_status_free(st);
    assert_non_null(e = find(f, "var/lib/dpkg/status.d/demo.md5sums"));
    assert_non_null(strstr(e->data, "  usr/share/demo/keep.txt\n"));
    assert_null(find(f, "var/lib/dpkg/status"));
    assert_null(find(f, "var/lib/dpkg/info/demo.list"));
    /* unmodified conffile (md5sums stand in for Conffiles): replaced */
    assert_non_null(e = find(f, "etc/demo.conf"));
    assert_string_equal(e->data, "demo v2\n");
    assert_non_null(find(f, "usr/share/demo/.wh.old.txt"));
    assert_non_null(find(f, "usr/lib/demo/plugin"));
}

static void deterministic(void **state)
{
    fixture *f = *state;
    char first[COPA_DIGEST_STRING_MAX];
    assert_int_equal(build(f, "img", 1700000000), 0);
    strcpy(first, f->diff_id);
    assert_int_equal(build(f, "img", 1700000000), 0);
    assert_string_equal(first, f->diff_id);
    assert_non_null(find(f, "var/lib/dpkg/status"));
    /* the epoch is the generated files' time: another epoch, another layer */
    assert_int_equal(build(f, "img", 1600000000), 0);
    assert_string_not_equal(first, f->diff_id);
}

static void wrong_package(void **state)
{
    fixture *f = *state;
    char cmd[64];
    (void)cmd;
    /* the .deb must be the version the plan names */
    assert_int_equal(run_capture(NULL,
                                 "cd '%s' && sed -i 's/2.0-1/2.0-9/' v2/DEBIAN/control && "
                                 "dpkg-deb --root-owner-group --build v2 demo_2.deb >/dev/null",
                                 f->dir),
                     0);
    assert_int_equal(build(f, "img", 0), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "the plan wants demo 2.0-1"));
}

static void cache_hit_needs_no_network(void **state)
{
    fixture *f = *state;
    char deb[512], cache[512], *path = NULL, **paths = NULL, *data;
    unsigned char d[COPA_SHA256_LEN];
    char hex[COPA_SHA256_HEX_LEN + 1];
    size_t len;
    copa__rs_plan plan;
    copa__rs_step step;
    copa__rs_pkg pkg;
    copa__debpatch_fetch_options o;

    snprintf(deb, sizeof(deb), "%s/demo_2.deb", f->dir);
    snprintf(cache, sizeof(cache), "%s/cache", f->dir);
    data = test_read_file(deb, &len);
    assert_int_equal(copa__sha256_buffer(d, data, len), 0);
    copa__hex_encode(hex, d, sizeof(d));
    assert_int_equal(copa__debpatch_cache_path(&path, cache, hex), 0);
    assert_int_equal(
        run_capture(NULL, "mkdir -p \"$(dirname '%s')\" && cp '%s' '%s'", path, deb, path), 0);
    memset(&plan, 0, sizeof(plan));
    memset(&step, 0, sizeof(step));
    memset(&pkg, 0, sizeof(pkg));
    pkg.name = step.name = "demo";
    pkg.version = step.to = "2.0-1";
    pkg.url = "http://127.0.0.1:9/pool/demo_2.deb"; /* never contacted */
    pkg.sha256 = hex;
    pkg.size = len;
    step.pkg = &pkg;
    plan.steps = &step;
    plan.nsteps = 1;
    memset(&o, 0, sizeof(o));
    o.cache_dir = cache;
    assert_int_equal(copa__debpatch_fetch(&paths, &plan, &o), 0);
    assert_string_equal(paths[0], path);
    copa__debpatch_paths_free(paths, 1);
    /* a step without a hash is refused before any download */
    pkg.sha256 = NULL;
    assert_int_equal(copa__debpatch_fetch(&paths, &plan, &o), COPA_EINVALID);
    free(path);
    assert_int_equal(copa__debpatch_cache_path(&path, cache, "abc"), COPA_EINVALID);
    assert_null(path);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(canonical_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(owners_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(regular_image, setup, teardown),
        cmocka_unit_test_setup_teardown(distroless_image, setup, teardown),
        cmocka_unit_test_setup_teardown(deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_package, setup, teardown),
        cmocka_unit_test_setup_teardown(cache_hit_needs_no_network, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
