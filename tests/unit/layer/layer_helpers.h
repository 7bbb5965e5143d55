/*
 * Helpers shared by the layer tests: scratch directories, running the
 * reference tools (python3 tarfile, GNU tar, sha256sum, zcat) and feeding
 * layer files to the reader and the rootfs view.
 */
#ifndef COPA_TEST_LAYER_HELPERS_H
#define COPA_TEST_LAYER_HELPERS_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layer/rootfs.h"
#include "layer/writer.h"

#define LH_UNUSED __attribute__((unused))

static char lh_dir[256];

/* A fresh scratch directory for the test program; removed by lh_cleanup. */
static LH_UNUSED const char *lh_scratch(void)
{
    if (lh_dir[0] == '\0') {
        snprintf(lh_dir, sizeof(lh_dir), "/tmp/copa-layer-test.XXXXXX");
        if (mkdtemp(lh_dir) == NULL)
            abort();
    }
    return lh_dir;
}

static LH_UNUSED void lh_cleanup(void)
{
    char command[512];

    if (lh_dir[0] != '\0') {
        snprintf(command, sizeof(command), "rm -rf '%s'", lh_dir);
        if (system(command) != 0)
            fprintf(stderr, "cannot remove %s\n", lh_dir);
        lh_dir[0] = '\0';
    }
}

/* "<scratch>/<name>" in a static rotating buffer. */
static LH_UNUSED const char *lh_path(const char *name)
{
    static char paths[8][512];
    static int next;
    char *out = paths[next++ % 8];

    snprintf(out, 512, "%s/%s", lh_scratch(), name);
    return out;
}

static LH_UNUSED int lh_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int lh_run(const char *fmt, ...)
{
    char command[8192];
    va_list ap;
    int status;

    va_start(ap, fmt);
    vsnprintf(command, sizeof(command), fmt, ap);
    va_end(ap);
    status = system(command);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* stdout of a shell command, trailing newline removed; caller frees. */
static LH_UNUSED char *lh_output(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *lh_output(const char *fmt, ...)
{
    char command[8192];
    size_t length = 0, capacity = 4096;
    char *out = malloc(capacity);
    va_list ap;
    FILE *pipe;
    size_t n;

    va_start(ap, fmt);
    vsnprintf(command, sizeof(command), fmt, ap);
    va_end(ap);
    pipe = popen(command, "r");
    if (pipe == NULL || out == NULL)
        abort();
    while ((n = fread(out + length, 1, capacity - length - 1, pipe)) > 0) {
        length += n;
        if (capacity - length < 2) {
            capacity *= 2;
            out = realloc(out, capacity);
            if (out == NULL)
                abort();
        }
    }
    pclose(pipe);
    while (length > 0 && out[length - 1] == '\n')
        length--;
    out[length] = '\0';
    return out;
}

/*
 * Build a tar with python3's tarfile. `body` is Python using `t` (the open
 * TarFile) and the helpers f(name, data, mode), d(name), l(name, target),
 * h(name, target). `compression`: "", "gz".
 */
static LH_UNUSED int lh_python_tar(const char *out, const char *compression, const char *body)
{
    char script[512];
    FILE *file;
    int rc;

    snprintf(script, sizeof(script), "%s.py", out);
    file = fopen(script, "w");
    if (file == NULL)
        return -1;
    fprintf(file,
            "import tarfile, io, sys\n"
            "t = tarfile.open(sys.argv[1], 'w:%s', format=tarfile.PAX_FORMAT)\n"
            "def f(name, data=b'', mode=0o644, uid=0, gid=0):\n"
            "    i = tarfile.TarInfo(name); i.size = len(data); i.mode = mode\n"
            "    i.uid = uid; i.gid = gid; i.mtime = 1000\n"
            "    t.addfile(i, io.BytesIO(data))\n"
            "def d(name, mode=0o755):\n"
            "    i = tarfile.TarInfo(name); i.type = tarfile.DIRTYPE; i.mode = mode; "
            "i.mtime = 1000\n"
            "    t.addfile(i)\n"
            "def l(name, target):\n"
            "    i = tarfile.TarInfo(name); i.type = tarfile.SYMTYPE; i.linkname = target; "
            "i.mode = 0o777\n"
            "    t.addfile(i)\n"
            "def h(name, target):\n"
            "    i = tarfile.TarInfo(name); i.type = tarfile.LNKTYPE; i.linkname = target\n"
            "    t.addfile(i)\n"
            "%s\n"
            "t.close()\n",
            compression, body);
    fclose(file);
    rc = lh_run("python3 '%s' '%s'", script, out);
    unlink(script);
    return rc;
}

/* sha256sum of a file as "sha256:<hex>"; caller frees. */
static LH_UNUSED char *lh_sha256_file(const char *path)
{
    char *hex = lh_output("sha256sum '%s' | cut -d' ' -f1", path);
    char *out = malloc(strlen(hex) + 8);

    sprintf(out, "sha256:%s", hex);
    free(hex);
    return out;
}

/* Add a layer file to the view; descriptor fields may be NULL/-1. */
static LH_UNUSED int lh_add_layer(copa__rootfs *fs, const char *path, const char *media_type,
                                  const char *digest, const char *diff_id)
{
    copa__layer_desc desc = {media_type, digest, -1, diff_id};
    copa__layer_source source = {-1, NULL, NULL};
    int rc;

    source.fd = open(path, O_RDONLY);
    if (source.fd < 0)
        return -100;
    rc = copa__rootfs_add_layer(fs, &desc, &source);
    close(source.fd);
    return rc;
}

/* A layer source over bytes in memory that hands out one byte per read:
 * readers must not depend on read sizes. */
typedef struct lh_memory {
    const unsigned char *data;
    size_t length, pos;
} lh_memory;

static LH_UNUSED ssize_t lh_read_bytewise(void *payload, void *buf, size_t length)
{
    lh_memory *m = payload;

    (void)length;
    if (m->pos == m->length)
        return 0;
    *(unsigned char *)buf = m->data[m->pos++];
    return 1;
}

#define LH_TAR "application/vnd.oci.image.layer.v1.tar"
#define LH_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define LH_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"

#endif
