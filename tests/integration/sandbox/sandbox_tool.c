/*
 * Drives lib/sandbox/ for the integration tests:
 *   sandbox_tool run ROOT TIMEOUT [NAME=VALUE ...] -- ARGV...
 *     prints "status: <description>" and the output's tail, exits 0 when it ran
 *   sandbox_tool arch ROOT PROBE
 *     prints "native" or the binfmt handler, or the error (exit 2)
 *   sandbox_tool capture SCRATCH OUT.tar NATIVE.tar BASE.tar... -- ARGV...
 *     extracts the base layers and the native layer (added to a writer)
 *     into SCRATCH, runs ARGV there, puts what it changed into the writer
 *     and writes the layer to OUT.tar (uncompressed)
 *   sandbox_tool maint ROOT STEP...   STEP = PKG,ARCH,OLD|-,NEW[,OLDPRERM[,OLDPOSTRM]]
 *     runs the steps' maintainer scripts in dpkg's order (old scripts read
 *     from host files); prints each script run, or the error (exit 3)
 *   sandbox_tool debian OUT.tar NATIVE.tar BASE.tar BASEDIR STEP...
 *     STEP = NAME,ARCH,FROM|-,TO: copa__scriptrun_capture with BASE.tar as
 *     the image (BASEDIR its extraction, for the old scripts), the native
 *     layer in a writer; writes the layer to OUT.tar
 * A setup failure prints the error and exits 2; EUNSUPPORTED exits 77.
 */
#include "copa/errors.h"
#include "layer/reader.h"
#include "layer/writer.h"
#include "sandbox/sandbox.h"
#include "scriptrun/capture.h"
#include "scriptrun/maintscripts.h"
#include "scriptrun/tree.h"

#include <fcntl.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv)
{
    if (argc < 6)
        return 2;
    const char *env[32];
    int n = 0, i = 4;
    for (; i < argc && strcmp(argv[i], "--") != 0 && n < 31; i++)
        env[n++] = argv[i];
    env[n] = NULL;
    if (i >= argc - 1)
        return 2;
    copa__sandbox_command cmd = {
        .root = argv[2],
        .argv = (const char *const *)&argv[i + 1],
        .env = env,
        .timeout_seconds = (unsigned)strtoul(argv[3], NULL, 10),
    };
    copa__sandbox_result result;
    int rc = copa__sandbox_run(&cmd, &result);
    if (rc != 0) {
        fprintf(stderr, "error: %s\n", copa_error_last());
        return rc == COPA_EUNSUPPORTED ? 77 : 2;
    }
    char what[128];
    copa__sandbox_describe(&result, cmd.timeout_seconds, what, sizeof what);
    printf("status: %s\n%s\n", what, result.tail);
    return 0;
}

static int arch(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    char how[256];
    int rc = copa__sandbox_check_arch(argv[2], argv[3], how, sizeof how);
    if (rc != 0) {
        printf("error: %s\n", copa_error_last());
        return 2;
    }
    printf("%s\n", how);
    return 0;
}

static const copa__layer_desc plain_tar = {"application/vnd.oci.image.layer.v1.tar", NULL, -1,
                                           NULL};

static ssize_t entry_read(void *payload, void *buf, size_t length)
{
    return copa__layer_reader_data(payload, buf, length);
}

/* The native layer's tar, entry by entry, into the writer (as copa's engine would add them). */
static int add_native(void *payload, const copa__layer_entry *le, copa__layer_reader *reader)
{
    copa__layer_writer *w = payload;
    if (le->type == COPA__ENTRY_WHITEOUT)
        return copa__layer_writer_add_whiteout(w, le->path);
    if (le->type == COPA__ENTRY_OPAQUE)
        return copa__layer_writer_add_opaque(w, le->path);
    copa__xattr cap = {"security.capability", le->capability, le->capability_length};
    copa__layer_wentry e = {.path = le->path,
                            .type = le->type,
                            .mode = le->mode,
                            .uid = le->uid,
                            .gid = le->gid,
                            .mtime = le->mtime,
                            .link = le->link,
                            .xattrs = le->capability ? &cap : NULL,
                            .xattr_count = le->capability ? 1 : 0};
    if (le->type == COPA__ENTRY_FILE)
        return copa__layer_writer_add_file_stream(w, &e, entry_read, reader);
    return copa__layer_writer_add(w, &e);
}

static int read_tar(const char *path, copa__tree *tree, copa__layer_writer *w)
{
    copa__layer_source src = {.fd = open(path, O_RDONLY | O_CLOEXEC)};
    if (src.fd < 0)
        return COPA_ENOTFOUND;
    int rc = tree ? copa__tree_apply_layer(tree, &plain_tar, &src)
                  : copa__layer_read(&plain_tar, &src, add_native, w);
    close(src.fd);
    return rc;
}

static int capture(int argc, char **argv)
{
    int sep = 5;
    while (sep < argc && strcmp(argv[sep], "--") != 0)
        sep++;
    if (sep >= argc - 1)
        return 2;
    copa__tree *tree = NULL;
    copa__tree_snapshot *before = NULL;
    copa__layer_writer *w = NULL;
    copa__layer_writer_options wo;
    copa__layer_writer_options_init(&wo);
    wo.compression = COPA__COMPRESSION_NONE;
    size_t changed = 0;
    copa__sandbox_result result;
    int rc = copa__tree_new(&tree, argv[2]);
    for (int i = 5; rc == 0 && i < sep; i++)
        rc = read_tar(argv[i], tree, NULL);
    if (rc == 0)
        rc = copa__layer_writer_new(&w, &wo);
    if (rc == 0)
        rc = read_tar(argv[4], NULL, w);
    if (rc == 0)
        rc = copa__tree_apply_writer(tree, w);
    if (rc == 0)
        rc = copa__tree_snapshot_take(&before, tree);
    copa__sandbox_command cmd = {
        .root = argv[2], .argv = (const char *const *)&argv[sep + 1], .timeout_seconds = 30};
    if (rc == 0)
        rc = copa__sandbox_run(&cmd, &result);
    if (rc == 0)
        rc = copa__tree_emit_changes(tree, before, w, &changed);
    copa__layer_result lr;
    if (rc == 0)
        rc = copa__layer_writer_finish_path(w, argv[3], &lr);
    if (rc == 0) {
        char what[128];
        copa__sandbox_describe(&result, cmd.timeout_seconds, what, sizeof what);
        printf("status: %s\nchanged: %zu\n%s\n", what, changed, result.tail);
    } else {
        fprintf(stderr, "error: %s\n", copa_error_last());
    }
    copa__tree_snapshot_free(before);
    copa__layer_writer_free(w);
    copa__tree_free(tree);
    return rc == 0 ? 0 : rc == COPA_EUNSUPPORTED ? 77 : 2;
}

static int print_ran(void *payload, const char *what)
{
    (void)payload;
    printf("ran %s\n", what);
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 65536);
    *len = buf ? fread(buf, 1, 65535, f) : 0;
    fclose(f);
    return buf;
}

static int maint(int argc, char **argv)
{
    copa__maint_step steps[16];
    size_t n = 0;
    memset(steps, 0, sizeof steps);
    for (int i = 3; i < argc && n < 16; i++, n++) {
        char *fields[6] = {0};
        char *save = NULL, *tok = strtok_r(argv[i], ",", &save);
        for (int f = 0; tok && f < 6; f++, tok = strtok_r(NULL, ",", &save))
            fields[f] = tok;
        steps[n].package = steps[n].info_name = fields[0];
        steps[n].arch = fields[1];
        steps[n].old_version = fields[2] && strcmp(fields[2], "-") != 0 ? fields[2] : NULL;
        steps[n].new_version = fields[3];
        if (fields[4])
            steps[n].old_prerm = slurp(fields[4], &steps[n].old_prerm_len);
        if (fields[5])
            steps[n].old_postrm = slurp(fields[5], &steps[n].old_postrm_len);
    }
    copa__maint_options mo = {.timeout_seconds = 20, .ran = print_ran};
    int rc = copa__maint_run(argv[2], steps, n, &mo);
    if (rc != 0)
        printf("error %s: %s\n", copa_error_name(rc), copa_error_last());
    for (size_t i = 0; i < n; i++) {
        free((char *)steps[i].old_prerm);
        free((char *)steps[i].old_postrm);
    }
    return rc == 0 ? 0 : 3;
}

static int apply_base(void *payload, copa__tree *tree)
{
    return read_tar(payload, tree, NULL);
}

static int debian(int argc, char **argv)
{
    copa__rs_step steps[16];
    copa__rs_plan plan;
    memset(steps, 0, sizeof steps);
    memset(&plan, 0, sizeof plan);
    for (int i = 6; i < argc && plan.nsteps < 16; i++) {
        copa__rs_step *s = &steps[plan.nsteps++];
        char *save = NULL;
        s->name = strtok_r(argv[i], ",", &save);
        s->arch = strtok_r(NULL, ",", &save);
        s->from = strtok_r(NULL, ",", &save);
        s->to = strtok_r(NULL, ",", &save);
        s->action = strcmp(s->from, "-") == 0 ? COPA__RS_NEW : COPA__RS_UPGRADE;
    }
    plan.steps = steps;
    copa__image_files files;
    copa__layer_writer *w = NULL;
    copa__layer_writer_options wo;
    copa__layer_writer_options_init(&wo);
    wo.compression = COPA__COMPRESSION_NONE;
    size_t changed = 0;
    int rc = copa__image_files_dir_open(&files, argv[5]);
    if (rc == 0)
        rc = copa__layer_writer_new(&w, &wo);
    if (rc == 0)
        rc = read_tar(argv[3], NULL, w);
    copa__scriptrun_input in = {.plan = &plan,
                                .files = &files,
                                .writer = w,
                                .apply_base = apply_base,
                                .base_payload = argv[4],
                                .maint = {.timeout_seconds = 20, .ran = print_ran}};
    if (rc == 0)
        rc = copa__scriptrun_capture(&in, &changed);
    copa__layer_result lr;
    if (rc == 0)
        rc = copa__layer_writer_finish_path(w, argv[2], &lr);
    if (rc == 0)
        printf("changed: %zu\n", changed);
    else
        printf("error %s: %s\n", copa_error_name(rc), copa_error_last());
    copa__layer_writer_free(w);
    copa__image_files_dir_close(&files);
    return rc == 0 ? 0 : 3;
}

int main(int argc, char **argv)
{
    if (argc >= 7 && strcmp(argv[1], "debian") == 0)
        return debian(argc, argv);
    if (argc >= 3 && strcmp(argv[1], "maint") == 0)
        return maint(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "capture") == 0)
        return capture(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return run(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "arch") == 0)
        return arch(argc, argv);
    fprintf(stderr, "usage: sandbox_tool run ROOT TIMEOUT [ENV...] -- ARGV... | arch ROOT PROBE\n");
    return 2;
}
