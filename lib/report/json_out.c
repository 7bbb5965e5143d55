/*
 * The normalized manifest as JSON: native v1alpha2 (apiVersion, metadata,
 * osupdates, langupdates, each update with name, installedVersion,
 * fixedVersion, vulnerabilityID, type, class) so that copa's own tools can
 * read it, plus our fields: vulnerabilityIDs (all of them; vulnerabilityID
 * holds the first), purl, path, unfixable, warnings and source.
 */
#include "report/report.h"
#include "util/error.h"

#include <stdlib.h>

static cJSON *add_object(cJSON *parent, const char *key)
{
    cJSON *o = cJSON_CreateObject();
    if (o != NULL && !cJSON_AddItemToObject(parent, key, o)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int add_str(cJSON *o, const char *key, const char *value)
{
    return cJSON_AddStringToObject(o, key, value) != NULL;
}

static int add_update(cJSON *array, const copa_report_update *u)
{
    cJSON *o = cJSON_CreateObject(), *ids;
    size_t i;
    int ok;

    if (o == NULL || !cJSON_AddItemToArray(array, o)) {
        cJSON_Delete(o);
        return 0;
    }
    ok = add_str(o, "name", u->name) && add_str(o, "installedVersion", u->installed_version) &&
         add_str(o, "fixedVersion", u->fixed_version) &&
         add_str(o, "vulnerabilityID", u->vulnerability_ids[0]) && add_str(o, "type", u->type) &&
         add_str(o, "class", u->pkg_class) && (ids = cJSON_AddArrayToObject(o, "vulnerabilityIDs"));
    for (i = 0; ok && i < u->vulnerability_count; i++) {
        cJSON *id = cJSON_CreateString(u->vulnerability_ids[i]);
        ok = id != NULL && cJSON_AddItemToArray(ids, id);
    }
    if (ok && u->purl[0] != '\0')
        ok = add_str(o, "purl", u->purl);
    if (ok && !u->handled)
        ok = add_str(o, "path", u->path);
    return ok;
}

static int add_metadata(cJSON *root, const copa_report *r)
{
    cJSON *meta = add_object(root, "metadata"), *os, *config;

    return meta != NULL && (os = add_object(meta, "os")) != NULL &&
           add_str(os, "type", r->meta.os_family) && add_str(os, "version", r->meta.os_version) &&
           (config = add_object(meta, "config")) != NULL && add_str(config, "arch", r->meta.arch) &&
           (r->meta.variant[0] == '\0' || add_str(config, "variant", r->meta.variant));
}

static int add_unfixed(cJSON *root, const copa_report *r)
{
    cJSON *array = cJSON_AddArrayToObject(root, "unfixable");
    size_t i;

    for (i = 0; array != NULL && i < r->unfixed_count; i++) {
        const copa_report_unfixed *u = &r->unfixed[i];
        cJSON *o = cJSON_CreateObject();
        if (o == NULL || !cJSON_AddItemToArray(array, o)) {
            cJSON_Delete(o);
            return 0;
        }
        if (!add_str(o, "name", u->name) || !add_str(o, "installedVersion", u->installed_version) ||
            !add_str(o, "vulnerabilityID", u->vulnerability_id) ||
            !add_str(o, "status", u->status) || !add_str(o, "class", u->pkg_class))
            return 0;
    }
    return array != NULL;
}

static int build(cJSON *root, const copa_report *r)
{
    cJSON *os, *lang, *warnings, *source;
    size_t i;

    if (!add_str(root, "apiVersion", "v1alpha2") || !add_metadata(root, r) ||
        (os = cJSON_AddArrayToObject(root, "osupdates")) == NULL ||
        (lang = cJSON_AddArrayToObject(root, "langupdates")) == NULL)
        return 0;
    for (i = 0; i < r->update_count; i++)
        if (!add_update(os, &r->updates[i]))
            return 0;
    for (i = 0; i < r->lang_count; i++)
        if (!add_update(lang, &r->langs[i]))
            return 0;
    if (!add_unfixed(root, r) || (warnings = cJSON_AddArrayToObject(root, "warnings")) == NULL)
        return 0;
    for (i = 0; i < r->warning_count; i++) {
        cJSON *w = cJSON_CreateString(r->warnings[i]);
        if (w == NULL || !cJSON_AddItemToArray(warnings, w))
            return 0;
    }
    return (source = add_object(root, "source")) != NULL &&
           add_str(source, "format", copa_report_format_name(r->meta.format)) &&
           add_str(source, "file", r->source) && add_str(source, "artifact", r->meta.artifact);
}

int copa_report_to_json(char **out, const copa_report *report)
{
    cJSON *root;
    int ok;

    if (out == NULL || report == NULL)
        return copa__error_set(COPA_EINVALID, "copa_report_to_json: NULL argument");
    *out = NULL;
    root = cJSON_CreateObject();
    ok = root != NULL && build(root, report);
    if (ok)
        *out = cJSON_Print(root);
    cJSON_Delete(root);
    return *out != NULL ? 0 : copa__error_oom();
}

void copa_report_json_free(char *json)
{
    /* cJSON allocates with malloc unless hooks are installed; we install none. */
    free(json);
}
