/*
 * Helper program for the umoci integration test.
 *
 *   layer_tool view OCI_LAYOUT TAG   print the merged rootfs view of the image,
 *                                    one "path|type|mode|size|link" line per entry
 *   layer_tool write OUT COMPRESSION write the test's patch layer to OUT
 *                                    and print "digest diff_id size"
 */
#include <cjson/cJSON.h>
#include <copa.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layer/rootfs.h"
#include "layer/writer.h"
#include "util/file.h"

static cJSON *read_json(const char *dir, const char *digest)
{
    char path[4096];
    char *text;
    size_t length;
    cJSON *json;

    if (digest == NULL)
        snprintf(path, sizeof(path), "%s/index.json", dir);
    else
        snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, digest + 7);
    if (copa__file_read_all(&text, &length, path, 64 << 20) != 0) {
        fprintf(stderr, "%s\n", copa_error_last());
        exit(2);
    }
    json = cJSON_Parse(text);
    free(text);
    if (json == NULL) {
        fprintf(stderr, "%s: bad JSON\n", path);
        exit(2);
    }
    return json;
}

static const char *string_at(const cJSON *object, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static cJSON *find_manifest(const char *dir, const char *tag)
{
    cJSON *index = read_json(dir, NULL), *m, *result = NULL;

    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(index, "manifests"))
    {
        const cJSON *notes = cJSON_GetObjectItemCaseSensitive(m, "annotations");
        const char *name = string_at(notes, "org.opencontainers.image.ref.name");
        if (name != NULL && strcmp(name, tag) == 0)
            result = read_json(dir, string_at(m, "digest"));
    }
    cJSON_Delete(index);
    if (result == NULL) {
        fprintf(stderr, "tag %s not found\n", tag);
        exit(2);
    }
    return result;
}

static int print_entry(void *payload, const char *path, const copa__rootfs_stat *st)
{
    static const char types[] = "?fdlhcbp";

    (void)payload;
    printf("%s|%c|%04o|%lld|%s|%lld:%lld\n", path + 1, types[st->type], st->mode,
           st->type == COPA__ENTRY_FILE ? (long long)st->size : 0LL, st->link, (long long)st->uid,
           (long long)st->gid);
    return 0;
}

static int view(const char *dir, const char *tag)
{
    cJSON *manifest = find_manifest(dir, tag), *layer;
    cJSON *config =
        read_json(dir, string_at(cJSON_GetObjectItemCaseSensitive(manifest, "config"), "digest"));
    const cJSON *diff_ids = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(config, "rootfs"), "diff_ids");
    copa__rootfs *fs;
    int i = 0, rc = 0;

    if (copa__rootfs_new(&fs, NULL) != 0)
        return 2;
    cJSON_ArrayForEach(layer, cJSON_GetObjectItemCaseSensitive(manifest, "layers"))
    {
        const cJSON *diff = cJSON_GetArrayItem(diff_ids, i++);
        const cJSON *size = cJSON_GetObjectItemCaseSensitive(layer, "size");
        copa__layer_desc desc = {string_at(layer, "mediaType"), string_at(layer, "digest"),
                                 (int64_t)size->valuedouble, diff->valuestring};
        copa__layer_source source = {-1, NULL, NULL};
        char path[4096];
        snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, desc.digest + 7);
        source.fd = open(path, O_RDONLY);
        if (source.fd < 0 || copa__rootfs_add_layer(fs, &desc, &source) != 0) {
            fprintf(stderr, "%s: %s\n", path, copa_error_last());
            rc = 1;
        }
        if (source.fd >= 0)
            close(source.fd);
        if (rc != 0)
            break;
    }
    if (rc == 0)
        rc = copa__rootfs_walk(fs, print_entry, NULL);
    copa__rootfs_free(fs);
    cJSON_Delete(config);
    cJSON_Delete(manifest);
    return rc;
}

static copa__layer_wentry entry(const char *path, copa__entry_type type, unsigned int mode,
                                int64_t uid, int64_t gid)
{
    copa__layer_wentry e;

    memset(&e, 0, sizeof(e));
    e.path = path;
    e.type = type;
    e.mode = mode;
    e.uid = uid;
    e.gid = gid;
    e.mtime = 1600000000;
    return e;
}

static int write_patch(const char *out, const char *compression)
{
    copa__layer_writer_options options;
    copa__layer_writer *w;
    copa__layer_result r;
    copa__layer_wentry e;
    int rc = 0;

    copa__layer_writer_options_init(&options);
    if (strcmp(compression, "none") == 0)
        options.compression = COPA__COMPRESSION_NONE;
    else if (strcmp(compression, "zstd") == 0)
        options.compression = COPA__COMPRESSION_ZSTD;
    if (copa__layer_writer_new(&w, &options) != 0)
        return 2;
    e = entry("etc", COPA__ENTRY_DIR, 0755, 0, 0);
    rc |= copa__layer_writer_add(w, &e);
    e = entry("etc/patched.conf", COPA__ENTRY_FILE, 0640, 123, 456);
    rc |= copa__layer_writer_add_file(w, &e, "patched=yes\n", 12);
    e = entry("usr/lib/patched-tool", COPA__ENTRY_FILE, 04755, 0, 0);
    rc |= copa__layer_writer_add_file(w, &e, "#!/bin/sh\necho patched\n", 24);
    e = entry("usr/lib/patched-alias", COPA__ENTRY_HARDLINK, 0755, 0, 0);
    e.link = "usr/lib/patched-tool";
    rc |= copa__layer_writer_add(w, &e);
    e = entry("usr/lib/patched-link", COPA__ENTRY_SYMLINK, 0777, 0, 0);
    e.link = "patched-tool";
    rc |= copa__layer_writer_add(w, &e);
    e = entry("usr", COPA__ENTRY_DIR, 0755, 0, 0);
    rc |= copa__layer_writer_add(w, &e);
    e = entry("usr/lib", COPA__ENTRY_DIR, 0755, 0, 0);
    rc |= copa__layer_writer_add(w, &e);
    e = entry("opt/app", COPA__ENTRY_DIR, 0750, 0, 0);
    rc |= copa__layer_writer_add(w, &e);
    e = entry("opt/app/fresh", COPA__ENTRY_FILE, 0600, 0, 0);
    rc |= copa__layer_writer_add_file(w, &e, "fresh\n", 6);
    rc |= copa__layer_writer_add_opaque(w, "opt/app");
    rc |= copa__layer_writer_add_whiteout(w, "etc/motd");
    if (rc != 0 || copa__layer_writer_finish_path(w, out, &r) != 0) {
        fprintf(stderr, "write: %s\n", copa_error_last());
        copa__layer_writer_free(w);
        return 1;
    }
    printf("%s %s %lld\n", r.digest, r.diff_id, (long long)r.size);
    copa__layer_writer_free(w);
    return 0;
}

int main(int argc, char **argv)
{
    /* Like an application would: the library must not depend on it. */
    setlocale(LC_ALL, "");
    if (argc == 4 && strcmp(argv[1], "view") == 0)
        return view(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "write") == 0)
        return write_patch(argv[2], argv[3]);
    fprintf(stderr, "usage: layer_tool view OCI TAG | write OUT gzip|zstd|none\n");
    return 2;
}
