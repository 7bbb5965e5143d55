/*
 * The public copa_apt_* API: a thin view over copa__apt_load for a root
 * filesystem directory.
 */
#include "apt/apt.h"
#include "apt/public.h"
#include "copa/apt.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct copa_apt {
    copa__apt_result result;
    copa_apt_source_info *infos;
    char *arch;
};

/* Bytes of copa_apt_options that a caller of each version has. */
static size_t options_size(unsigned int version)
{
    return version == 1 ? offsetof(copa_apt_options, platform) : sizeof(copa_apt_options);
}

int copa_apt_options_init(copa_apt_options *opts, unsigned int version)
{
    copa_apt_options init = COPA_APT_OPTIONS_INIT;

    if (opts == NULL || version < 1 || version > COPA_APT_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_apt_options_init: unknown options version %u",
                               version);
    /* A version-1 caller's struct ends before the version-2 fields. */
    init.version = version;
    memcpy(opts, &init, options_size(version));
    return 0;
}

static const char *str(const char *s)
{
    return s != NULL ? s : "";
}

static int fill_infos(copa_apt *apt)
{
    size_t i;

    apt->infos = calloc(apt->result.count + 1, sizeof(*apt->infos));
    if (apt->infos == NULL)
        return copa__error_oom();
    for (i = 0; i < apt->result.count; i++) {
        const copa__apt_repo *r = &apt->result.repos[i];
        copa_apt_source_info *s = &apt->infos[i];
        s->uri = r->uri;
        s->original_uri = r->original_uri;
        s->mirrored = r->mirrored;
        s->suite = r->src.suite;
        s->components = r->src.components;
        s->component_count = r->src.component_count;
        s->file = str(r->src.file);
        s->line = r->src.line;
        s->verified_by = r->fingerprint;
        s->primary_fingerprint = r->primary_fingerprint;
        s->trusted = r->trusted || r->src.trusted;
        s->insecure = r->insecure;
        s->release_url = str(r->release_url);
        s->release_from_cache = r->release_cached;
        s->date = str(r->release.date_text);
        s->valid_until = str(r->release.valid_until_text);
        s->origin = str(r->release.origin);
        s->codename = str(r->release.codename);
        s->package_count = r->packages.count;
        s->index_count = r->index_count;
        s->index_downloaded = r->index_downloaded;
    }
    return 0;
}

int copa__apt_public_load(copa_apt **out, const copa__image_files *files, const char *arch,
                          const copa_apt_options *opts)
{
    copa__apt_options o;
    copa__mirrors mirrors;
    copa_apt *apt;
    int rc;

    *out = NULL;
    memset(&o, 0, sizeof(o));
    o.arch = arch;
    o.now = opts->now != 0 ? (int64_t)opts->now : (int64_t)time(NULL);
    o.cache_dir = opts->cache_dir;
    o.insecure_allow_unsigned = opts->insecure_allow_unsigned;
    o.insecure_ignore_valid_until = opts->insecure_ignore_valid_until;
    copa__http_options_defaults(&o.http);
    if (opts->max_parallel != 0)
        o.http.max_parallel = opts->max_parallel;
    if (opts->max_retries != 0)
        o.http.max_retries = opts->max_retries;
    if (opts->connect_timeout_ms != 0)
        o.http.connect_timeout_ms = opts->connect_timeout_ms;
    if (opts->version >= 2)
        o.http.ca_file = opts->ca_file;
    apt = calloc(1, sizeof(*apt));
    if (apt == NULL)
        return copa__error_oom();
    rc = copa__mirrors_parse(&mirrors, opts->mirrors, opts->mirror_count);
    o.mirrors = &mirrors;
    if (rc == 0 && (apt->arch = strdup(arch)) == NULL)
        rc = copa__error_oom();
    if (rc == 0)
        rc = copa__apt_load(&apt->result, files, &o);
    copa__mirrors_free(&mirrors);
    if (rc == 0)
        rc = fill_infos(apt);
    if (rc != 0) {
        copa_apt_free(apt);
        return rc;
    }
    *out = apt;
    return 0;
}

int copa_apt_open_dir(copa_apt **out, const char *rootfs, const copa_apt_options *opts)
{
    copa__image_files files;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (out == NULL || rootfs == NULL || opts == NULL || opts->version < 1 || opts->arch == NULL)
        return copa__error_set(COPA_EINVALID, "copa_apt_open_dir: rootfs, options and an "
                                              "architecture are required");
    if ((rc = copa__image_files_dir_open(&files, rootfs)) != 0)
        return rc;
    rc = copa__apt_public_load(out, &files, opts->arch, opts);
    copa__image_files_dir_close(&files);
    return rc;
}

void copa_apt_free(copa_apt *apt)
{
    if (apt == NULL)
        return;
    copa__apt_result_free(&apt->result);
    free(apt->infos);
    free(apt->arch);
    free(apt);
}

size_t copa_apt_source_count(const copa_apt *apt)
{
    return apt != NULL ? apt->result.count : 0;
}

const copa_apt_source_info *copa_apt_source_get(const copa_apt *apt, size_t index)
{
    return apt != NULL && index < apt->result.count ? &apt->infos[index] : NULL;
}

size_t copa_apt_package_count(const copa_apt *apt)
{
    return apt != NULL ? apt->result.package_count : 0;
}

static cJSON *source_json(const copa_apt_source_info *s)
{
    cJSON *o = cJSON_CreateObject(), *comps = cJSON_AddArrayToObject(o, "components");
    size_t i;

    cJSON_AddStringToObject(o, "uri", s->uri);
    cJSON_AddStringToObject(o, "original_uri", s->original_uri);
    cJSON_AddBoolToObject(o, "mirrored", s->mirrored);
    cJSON_AddStringToObject(o, "suite", s->suite);
    for (i = 0; comps != NULL && i < s->component_count; i++)
        cJSON_AddItemToArray(comps, cJSON_CreateString(s->components[i]));
    cJSON_AddStringToObject(o, "file", s->file);
    cJSON_AddNumberToObject(o, "line", (double)s->line);
    cJSON_AddStringToObject(o, "verified_by", s->verified_by);
    cJSON_AddStringToObject(o, "primary_fingerprint", s->primary_fingerprint);
    cJSON_AddBoolToObject(o, "trusted", s->trusted);
    cJSON_AddBoolToObject(o, "insecure", s->insecure);
    cJSON_AddStringToObject(o, "release_url", s->release_url);
    cJSON_AddBoolToObject(o, "release_from_cache", s->release_from_cache);
    cJSON_AddStringToObject(o, "date", s->date);
    cJSON_AddStringToObject(o, "valid_until", s->valid_until);
    cJSON_AddStringToObject(o, "origin", s->origin);
    cJSON_AddStringToObject(o, "codename", s->codename);
    cJSON_AddNumberToObject(o, "package_count", (double)s->package_count);
    cJSON_AddNumberToObject(o, "indexes", (double)s->index_count);
    cJSON_AddNumberToObject(o, "indexes_downloaded", (double)s->index_downloaded);
    return o;
}

int copa_apt_to_json(char **out, const copa_apt *apt)
{
    cJSON *root, *list;
    size_t i;

    if (out == NULL || apt == NULL)
        return copa__error_set(COPA_EINVALID, "copa_apt_to_json: NULL argument");
    *out = NULL;
    root = cJSON_CreateObject();
    if (root == NULL)
        return copa__error_oom();
    cJSON_AddStringToObject(root, "arch", apt->arch);
    cJSON_AddStringToObject(root, "cache_dir", apt->result.cache_dir);
    cJSON_AddNumberToObject(root, "package_count", (double)apt->result.package_count);
    list = cJSON_AddArrayToObject(root, "sources");
    for (i = 0; list != NULL && i < apt->result.count; i++)
        cJSON_AddItemToArray(list, source_json(&apt->infos[i]));
    *out = cJSON_Print(root);
    cJSON_Delete(root);
    return *out != NULL ? 0 : copa__error_oom();
}

void copa_apt_json_free(char *json)
{
    cJSON_free(json);
}
