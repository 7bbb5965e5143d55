/*
 * /etc/os-release of an image, read the way the image itself would: every
 * layer is streamed once into the merged rootfs view (whiteouts honoured),
 * keeping only /etc and /usr/lib/os-release, and the path is resolved
 * through the image's own symlinks (/etc/os-release is usually a link to
 * ../usr/lib/os-release). Memory grows with the number of entries, not with
 * the size of the layers.
 */
#include "image/os_release.h"
#include "layer/rootfs.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static ssize_t read_blob(void *payload, void *buf, size_t length)
{
    size_t got;
    int error = copa__blob_reader_read(payload, buf, length, &got);
    return error != 0 ? error : (ssize_t)got;
}

static int add_layers(copa__rootfs *fs, copa__source *src, const copa__manifest *m,
                      const copa__config *c)
{
    const cJSON *rootfs = cJSON_GetObjectItemCaseSensitive(c->doc.json, "rootfs");
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(rootfs, "diff_ids");
    size_t i;
    int error = 0;

    for (i = 0; error == 0 && i < m->layer_count; i++) {
        const cJSON *id = cJSON_GetArrayItem(ids, (int)i);
        copa__layer_source source;
        copa__layer_desc desc;
        copa__blob_reader *reader;

        desc.media_type = m->layers[i].media_type;
        desc.digest = m->layers[i].digest;
        desc.size = (int64_t)m->layers[i].size;
        desc.diff_id = cJSON_IsString(id) ? id->valuestring : NULL;
        if ((error = copa__source_blob(src, &reader, desc.digest, m->layers[i].size)) != 0)
            break;
        memset(&source, 0, sizeof(source));
        source.fd = -1;
        source.read = read_blob;
        source.payload = reader;
        error = copa__rootfs_add_layer(fs, &desc, &source);
        copa__blob_reader_free(reader);
    }
    return error;
}

/* One line KEY=VALUE, VALUE optionally quoted (os-release(5)). */
static void parse_line(cJSON *out, char *line)
{
    char *eq = strchr(line, '='), *value, *end, *r, *w;

    if (line[0] == '#' || eq == NULL || eq == line)
        return;
    *eq = '\0';
    value = eq + 1;
    end = value + strlen(value);
    if (end > value && (*value == '"' || *value == '\'') && end[-1] == *value && end - value >= 2) {
        end[-1] = '\0';
        value++;
        /* Undo the shell escapes os-release allows inside double quotes. */
        for (r = w = value; *r != '\0'; r++) {
            if (*r == '\\' && r[1] != '\0')
                r++;
            *w++ = *r;
        }
        *w = '\0';
    }
    cJSON_DeleteItemFromObjectCaseSensitive(out, line);
    cJSON_AddStringToObject(out, line, value);
}

static cJSON *parse(const char *data, size_t length)
{
    cJSON *out = cJSON_CreateObject();
    char *text = strndup(data, length), *line, *save = NULL;

    if (out == NULL || text == NULL) {
        cJSON_Delete(out);
        free(text);
        return NULL;
    }
    for (line = strtok_r(text, "\r\n", &save); line != NULL; line = strtok_r(NULL, "\r\n", &save))
        parse_line(out, line);
    free(text);
    return out;
}

int copa__image_os_release(cJSON **out, copa__source *src, const copa__manifest *m,
                           const copa__config *c)
{
    static const char *const keep[] = {"/etc", "/usr/lib/os-release"};
    copa__rootfs_options options;
    copa__rootfs *fs;
    const void *data;
    size_t length;
    int error;

    *out = NULL;
    copa__rootfs_options_init(&options);
    options.keep_prefixes = keep;
    options.keep_prefix_count = sizeof(keep) / sizeof(keep[0]);
    if ((error = copa__rootfs_new(&fs, &options)) != 0)
        return error;
    if ((error = add_layers(fs, src, m, c)) == 0) {
        error = copa__rootfs_read(&data, &length, fs, "/etc/os-release");
        if (error == COPA_ENOTFOUND)
            error = copa__rootfs_read(&data, &length, fs, "/usr/lib/os-release");
        if (error == 0 && (*out = parse(data, length)) == NULL)
            error = copa__error_oom();
        else if (error == COPA_ENOTFOUND)
            error = 0; /* scratch and distroless images may have none */
    }
    copa__rootfs_free(fs);
    return error != 0 ? copa__error_prefix("%s: ", src->name) : 0;
}
