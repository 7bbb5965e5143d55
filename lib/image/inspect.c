/*
 * copa_image_inspect(): what an image is, as JSON or text. The text form
 * is printed from the JSON so the two never disagree.
 */
#include "image/deadline.h"
#include "image/os_release.h"
#include "image/transport.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int copa_inspect_options_init(copa_inspect_options *options, unsigned int version)
{
    copa_inspect_options defaults = COPA_INSPECT_OPTIONS_INIT;
    /* Version 1 ends before the registry fields that version 2 appended,
     * version 2 before timeout_ms (version 3). */
    size_t size = version == 1   ? offsetof(copa_inspect_options, credentials)
                  : version == 2 ? offsetof(copa_inspect_options, timeout_ms)
                                 : sizeof(defaults);

    if (options == NULL || version < 1 || version > COPA_INSPECT_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_inspect_options_init: unknown version %u",
                               version);
    defaults.version = version;
    memcpy(options, &defaults, size);
    return 0;
}

static cJSON *copy_item(const cJSON *parent, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(parent, key);
    return item != NULL && !cJSON_IsNull(item) ? cJSON_Duplicate(item, 1) : cJSON_CreateNull();
}

static void add_descriptor(cJSON *into, const copa__descriptor *d)
{
    cJSON_AddStringToObject(into, "mediaType", d->media_type != NULL ? d->media_type : "");
    cJSON_AddStringToObject(into, "digest", d->digest);
    cJSON_AddNumberToObject(into, "size", d->size);
}

static cJSON *describe_config(const copa__config *c, const copa__manifest *m)
{
    cJSON *out = cJSON_CreateObject();
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(c->doc.json, "config");

    add_descriptor(out, &m->config);
    cJSON_AddStringToObject(out, "os", c->os);
    cJSON_AddStringToObject(out, "architecture", c->architecture);
    if (c->variant != NULL)
        cJSON_AddStringToObject(out, "variant", c->variant);
    cJSON_AddItemToObject(out, "created", copy_item(c->doc.json, "created"));
    cJSON_AddItemToObject(out, "entrypoint", copy_item(config, "Entrypoint"));
    cJSON_AddItemToObject(out, "cmd", copy_item(config, "Cmd"));
    cJSON_AddItemToObject(out, "labels", copy_item(config, "Labels"));
    return out;
}

static cJSON *describe(const copa_reference *ref, const copa__source *src, const copa__index *idx,
                       int has_index, const copa__manifest *m, const copa__config *c)
{
    cJSON *out = cJSON_CreateObject(), *list, *item;
    char name[96];
    size_t i;

    cJSON_AddStringToObject(out, "reference", ref->string);
    cJSON_AddStringToObject(out, "transport", copa_transport_name(ref->transport));
    cJSON_AddStringToObject(out, "digest", src->top_digest);
    if (has_index) {
        item = cJSON_AddObjectToObject(out, "index");
        cJSON_AddStringToObject(item, "mediaType", idx->media_type);
        cJSON_AddStringToObject(item, "digest", idx->doc.digest);
        list = cJSON_AddArrayToObject(item, "platforms");
        for (i = 0; i < idx->manifest_count; i++) {
            cJSON *entry = cJSON_CreateObject();
            if (idx->manifests[i].has_platform) {
                copa__platform_format(name, sizeof(name), &idx->manifests[i].platform);
                cJSON_AddStringToObject(entry, "platform", name);
            }
            add_descriptor(entry, &idx->manifests[i]);
            cJSON_AddItemToArray(list, entry);
        }
    }
    item = cJSON_AddObjectToObject(out, "manifest");
    cJSON_AddStringToObject(item, "mediaType", m->media_type);
    cJSON_AddStringToObject(item, "digest", m->doc.digest);
    cJSON_AddNumberToObject(item, "size", (double)m->doc.raw_length);
    cJSON_AddItemToObject(out, "config", describe_config(c, m));
    list = cJSON_AddArrayToObject(out, "layers");
    for (i = 0; i < m->layer_count; i++) {
        cJSON *entry = cJSON_CreateObject();
        add_descriptor(entry, &m->layers[i]);
        cJSON_AddItemToArray(list, entry);
    }
    return out;
}

static void text_value(copa__buf *out, const char *label, const cJSON *value)
{
    char *printed;

    if (value == NULL || cJSON_IsNull(value))
        return;
    if (cJSON_IsString(value)) {
        copa__buf_appendf(out, "%-13s %s\n", label, value->valuestring);
        return;
    }
    if ((printed = cJSON_PrintUnformatted(value)) != NULL)
        copa__buf_appendf(out, "%-13s %s\n", label, printed);
    free(printed);
}

/* "Debian GNU/Linux 12 (bookworm)": PRETTY_NAME, else NAME VERSION_ID, else ID. */
static void os_text(copa__buf *out, const cJSON *os)
{
    const cJSON *pretty = cJSON_GetObjectItemCaseSensitive(os, "PRETTY_NAME");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(os, "NAME");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(os, "ID");
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(os, "VERSION_ID");

    if (!cJSON_IsObject(os))
        copa__buf_appendf(out, "%-13s %s\n", "OS:", "(no /etc/os-release)");
    else if (cJSON_IsString(pretty))
        text_value(out, "OS:", pretty);
    else
        copa__buf_appendf(out, "%-13s %s%s%s\n", "OS:",
                          cJSON_IsString(name) ? name->valuestring
                          : cJSON_IsString(id) ? id->valuestring
                                               : "?",
                          cJSON_IsString(version) ? " " : "",
                          cJSON_IsString(version) ? version->valuestring : "");
}

static char *as_text(const cJSON *d)
{
    copa__buf out = COPA__BUF_INIT;
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(d, "config");
    const cJSON *manifest = cJSON_GetObjectItemCaseSensitive(d, "manifest");
    const cJSON *index = cJSON_GetObjectItemCaseSensitive(d, "index"), *item;
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(config, "labels");

    text_value(&out, "Reference:", cJSON_GetObjectItemCaseSensitive(d, "reference"));
    text_value(&out, "Digest:", cJSON_GetObjectItemCaseSensitive(d, "digest"));
    if (index != NULL) {
        text_value(&out, "Index:", cJSON_GetObjectItemCaseSensitive(index, "mediaType"));
        copa__buf_append_str(&out, "Platforms:\n");
        cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(index, "platforms"))
        {
            const cJSON *p = cJSON_GetObjectItemCaseSensitive(item, "platform");
            copa__buf_appendf(&out, "  %-16s %s\n", cJSON_IsString(p) ? p->valuestring : "-",
                              cJSON_GetObjectItemCaseSensitive(item, "digest")->valuestring);
        }
    }
    text_value(&out, "Manifest:", cJSON_GetObjectItemCaseSensitive(manifest, "digest"));
    text_value(&out, "Media type:", cJSON_GetObjectItemCaseSensitive(manifest, "mediaType"));
    text_value(&out, "Config:", cJSON_GetObjectItemCaseSensitive(config, "digest"));
    copa__buf_appendf(&out, "%-13s %s/%s%s%s\n",
                      "Platform:", cJSON_GetObjectItemCaseSensitive(config, "os")->valuestring,
                      cJSON_GetObjectItemCaseSensitive(config, "architecture")->valuestring,
                      cJSON_GetObjectItemCaseSensitive(config, "variant") ? "/" : "",
                      cJSON_GetObjectItemCaseSensitive(config, "variant")
                          ? cJSON_GetObjectItemCaseSensitive(config, "variant")->valuestring
                          : "");
    text_value(&out, "Created:", cJSON_GetObjectItemCaseSensitive(config, "created"));
    os_text(&out, cJSON_GetObjectItemCaseSensitive(d, "osRelease"));
    text_value(&out, "Entrypoint:", cJSON_GetObjectItemCaseSensitive(config, "entrypoint"));
    text_value(&out, "Cmd:", cJSON_GetObjectItemCaseSensitive(config, "cmd"));
    if (cJSON_IsObject(labels) && labels->child != NULL) {
        copa__buf_append_str(&out, "Labels:\n");
        cJSON_ArrayForEach(item, labels)
        {
            copa__buf_appendf(&out, "  %s=%s\n", item->string,
                              cJSON_IsString(item) ? item->valuestring : "");
        }
    }
    copa__buf_append_str(&out, "Layers:\n");
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(d, "layers"))
    {
        copa__buf_appendf(&out, "  %s %12.0f %s\n",
                          cJSON_GetObjectItemCaseSensitive(item, "digest")->valuestring,
                          cJSON_GetObjectItemCaseSensitive(item, "size")->valuedouble,
                          cJSON_GetObjectItemCaseSensitive(item, "mediaType")->valuestring);
    }
    return copa__buf_detach(&out);
}

static void transport_options(copa__transport_options *t, const copa_inspect_options *options)
{
    memset(t, 0, sizeof(*t));
    if (options->version < 2)
        return;
    t->credentials = options->credentials;
    t->insecure_registries = options->insecure_registries;
    t->ca_file = options->ca_file;
    t->cert_dir = options->cert_dir;
    t->cache_dir = options->cache_dir;
}

static int inspect(char **out, const copa_reference *ref, const copa_inspect_options *options)
{
    copa__transport_options transport;
    copa__deadline deadline;
    copa__platform want, *wanted = NULL;
    copa__source *src;
    copa__index idx;
    copa__manifest m;
    copa__config c;
    cJSON *d, *os = NULL;
    int has_index, error;

    if (options->platform != NULL) {
        if ((error = copa__platform_parse(&want, options->platform)) != 0)
            return error;
        wanted = &want;
    }
    transport_options(&transport, options);
    copa__deadline_start(&deadline, options->version >= 3 ? options->timeout_ms : 0, &transport);
    if ((error = copa__source_open(&src, ref, &transport)) != 0)
        return copa__deadline_result(&deadline, error, ref->string);
    if ((error = copa__source_resolve(src, wanted, &idx, &has_index, &m, &c)) != 0) {
        copa__source_free(src);
        return copa__deadline_result(&deadline, error, ref->string);
    }
    if ((error = copa__image_os_release(&os, src, &m, &c)) == 0) {
        d = describe(ref, src, &idx, has_index, &m, &c);
        cJSON_AddItemToObject(d, "osRelease", os != NULL ? os : cJSON_CreateNull());
        *out = options->json ? cJSON_Print(d) : as_text(d);
        cJSON_Delete(d);
    }
    if (has_index)
        copa__index_free(&idx);
    copa__manifest_free(&m);
    copa__config_free(&c);
    copa__source_free(src);
    if (error != 0)
        return copa__deadline_result(&deadline, error, ref->string);
    return *out != NULL ? 0 : copa__error_oom();
}

int copa_image_inspect(char **out, const char *reference, const copa_inspect_options *options)
{
    copa_inspect_options defaults = COPA_INSPECT_OPTIONS_INIT;
    copa_reference *ref;
    int error;

    if (out == NULL || reference == NULL)
        return copa__error_set(COPA_EINVALID, "copa_image_inspect: NULL argument");
    *out = NULL;
    if (options == NULL)
        options = &defaults;
    if (options->version < 1)
        return copa__error_set(COPA_EINVALID, "copa_image_inspect: options version %u unknown",
                               options->version);
    if ((error = copa_reference_parse(&ref, reference)) != 0)
        return error;
    error = inspect(out, ref, options);
    copa_reference_free(ref);
    return error;
}
