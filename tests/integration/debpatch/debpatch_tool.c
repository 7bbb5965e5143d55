/*
 * Test driver: patch an unpacked root with the resolver and the layer
 * builder, the way `copa patch` does, but from a local directory.
 *
 *   debpatch_tool ROOT_DIR ROOT_TAR PACKAGES BASE_URL CACHE OUT_TAR EPOCH [NAME...]
 *
 * ROOT_TAR is ROOT_DIR as an uncompressed tar (the rootfs view reads
 * layers); PACKAGES a Packages index whose Filename fields are below
 * BASE_URL (an http:// server). Without NAMEs every package with a newer
 * candidate is upgraded (update-all); with NAMEs those must reach their
 * candidate. Writes the layer (uncompressed tar) to OUT_TAR and prints the
 * plan, the skipped scripts, the notes, counts and the layer's digest.
 */
#include "debpatch/debpatch.h"
#include "util/error.h"
#include "util/file.h"

#include <copa.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what)
{
    fprintf(stderr, "debpatch_tool: %s: %s\n", what, copa_error_last());
    return 1;
}

static copa__apt_multiarch ma(const char *s)
{
    if (strcmp(s, "same") == 0)
        return COPA__MA_SAME;
    if (strcmp(s, "foreign") == 0)
        return COPA__MA_FOREIGN;
    if (strcmp(s, "allowed") == 0)
        return COPA__MA_ALLOWED;
    return COPA__MA_NO;
}

static int add_installed(copa__rs_world *w, const copa__dpkg_db *db)
{
    size_t i;
    for (i = 0; i < db->installed_count; i++) {
        const copa__dpkg_pkg *p = db->installed[i].pkg;
        copa__rs_pkg_text t;
        memset(&t, 0, sizeof(t));
        t.name = p->name;
        t.version = p->version;
        t.arch = p->arch;
        t.multi_arch = ma(p->multi_arch);
        t.source = p->source;
        t.source_version = p->source_version;
        t.pre_depends = p->pre_depends;
        t.depends = p->depends;
        t.provides = p->provides;
        t.breaks = p->breaks;
        t.conflicts = p->conflicts;
        t.held = p->want == COPA__DPKG_WANT_HOLD;
        if (copa__rs_world_add(w, NULL, 1, &t) != 0)
            return -1;
    }
    return 0;
}

static int load_rootfs(copa__rootfs **fs, const char *tar)
{
    copa__layer_desc desc = {"application/vnd.oci.image.layer.v1.tar", NULL, -1, NULL};
    copa__layer_source src = {-1, NULL, NULL};
    int rc;
    if ((rc = copa__rootfs_new(fs, NULL)) != 0)
        return rc;
    if ((src.fd = open(tar, O_RDONLY)) < 0)
        return copa__error_set(COPA_ENOTFOUND, "%s: cannot open", tar);
    rc = copa__rootfs_add_layer(*fs, &desc, &src);
    close(src.fd);
    return rc;
}

int main(int argc, char **argv)
{
    copa__image_files files;
    copa__rootfs *fs = NULL;
    copa__dpkg_db *db = NULL;
    copa__rs_world w;
    copa__rs_plan plan;
    copa__rs_request *reqs = NULL;
    copa__debpatch_fetch_options fo;
    copa__debpatch_input in;
    copa__debpatch_result res;
    copa__layer_writer_options wo;
    copa__layer_writer *writer = NULL;
    copa__layer_result lr;
    char *text = NULL, *plan_text = NULL, **paths = NULL;
    size_t len, i, nreqs = (size_t)(argc > 8 ? argc - 8 : 0);
    int rc;

    if (argc < 8) {
        fprintf(stderr,
                "usage: %s ROOT_DIR ROOT_TAR PACKAGES BASE_URL CACHE OUT_TAR EPOCH [NAME...]\n",
                argv[0]);
        return 2;
    }
    /* Like an application would: the layer must not depend on it. */
    setlocale(LC_ALL, "");
    copa_init();
    if (copa__image_files_dir_open(&files, argv[1]) != 0)
        return fail(argv[1]);
    if (load_rootfs(&fs, argv[2]) != 0)
        return fail(argv[2]);
    if (copa__dpkg_db_load(&db, &files, "amd64") /* the image config's */ != 0)
        return fail("dpkg database");
    if (copa__rs_world_init(&w, COPA_PKG_DEB, db->native_arch) != 0 || add_installed(&w, db) != 0)
        return fail("installed packages");
    if (copa__file_read_all(&text, &len, argv[3], 1u << 30) != 0 ||
        copa__rs_world_add_deb822(&w, 0, argv[3], text, len, 0, 0, argv[4]) != 0)
        return fail(argv[3]);
    reqs = calloc(nreqs + 1, sizeof(*reqs));
    for (i = 0; i < nreqs; i++) {
        reqs[i].name = argv[8 + i];
        reqs[i].fixed_version = "0";
    }
    rc = copa__resolve(&plan, &w, reqs, nreqs, nreqs == 0);
    if (copa__rs_plan_render_text(&plan_text, &plan) == 0)
        printf("%s", plan_text);
    if (rc != 0)
        return fail("resolve");
    memset(&fo, 0, sizeof(fo));
    fo.cache_dir = argv[5];
    if (copa__debpatch_fetch(&paths, &plan, &fo) != 0)
        return fail("fetch");
    copa__layer_writer_options_init(&wo);
    wo.compression = COPA__COMPRESSION_NONE;
    wo.epoch = strtoll(argv[7], NULL, 10);
    if (copa__layer_writer_new(&writer, &wo) != 0)
        return fail("writer");
    memset(&in, 0, sizeof(in));
    in.rootfs = fs;
    in.files = &files;
    in.db = db;
    in.plan = &plan;
    in.deb_paths = (const char *const *)paths;
    in.epoch = wo.epoch;
    in.writer = writer;
    if (copa__debpatch_build(&res, &in) != 0)
        return fail("build");
    for (i = 0; i < res.nskipped_scripts; i++)
        printf("skipped: %s\n", res.skipped_scripts[i]);
    for (i = 0; i < res.nnotes; i++)
        printf("note: %s\n", res.notes[i]);
    printf("files: %zu\nwhiteouts: %zu\nconffiles kept: %zu\n", res.files, res.whiteouts,
           res.conffiles_kept);
    if (copa__layer_writer_finish_path(writer, argv[6], &lr) != 0)
        return fail(argv[6]);
    printf("diff_id: %s\n", lr.diff_id);
    copa__debpatch_result_free(&res);
    copa__layer_writer_free(writer);
    copa__debpatch_paths_free(paths, plan.nsteps);
    copa__rs_plan_free(&plan);
    copa__rs_world_free(&w);
    copa__dpkg_db_free(db);
    copa__rootfs_free(fs);
    copa__image_files_dir_close(&files);
    free(reqs);
    free(text);
    free(plan_text);
    copa_shutdown();
    return 0;
}
