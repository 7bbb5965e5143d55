/*
 * The inventory as JSON: the image, its OS, and every package with its
 * source and purl (docs/cli.md, "copa packages").
 */
#include "inventory/inventory.h"
#include "util/error.h"

#include <stdlib.h>

static cJSON *package_json(const copa_package *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *source = NULL;

    if (o == NULL || cJSON_AddStringToObject(o, "name", p->name) == NULL ||
        cJSON_AddStringToObject(o, "version", p->version) == NULL ||
        cJSON_AddStringToObject(o, "arch", p->arch) == NULL ||
        (source = cJSON_AddObjectToObject(o, "source")) == NULL ||
        cJSON_AddStringToObject(source, "name", p->source_name) == NULL ||
        cJSON_AddStringToObject(source, "version", p->source_version) == NULL ||
        cJSON_AddStringToObject(o, "purl", p->purl) == NULL ||
        cJSON_AddBoolToObject(o, "patched", p->patched) == NULL) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *os_json(const copa_inventory *inv)
{
    cJSON *o = cJSON_CreateObject();

    if (o == NULL || cJSON_AddStringToObject(o, "id", inv->os_id) == NULL ||
        cJSON_AddStringToObject(o, "version", inv->os_version) == NULL ||
        cJSON_AddStringToObject(o, "pretty_name", inv->os_pretty_name) == NULL ||
        cJSON_AddStringToObject(o, "package_manager", inv->package_manager) == NULL) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int copa__inventory_json(char **out, const copa_inventory *inv)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *list = NULL;
    size_t i;
    int ok = doc != NULL && cJSON_AddStringToObject(doc, "image", inv->image) != NULL &&
             cJSON_AddStringToObject(doc, "digest", inv->digest) != NULL &&
             cJSON_AddStringToObject(doc, "purl", inv->image_purl) != NULL &&
             cJSON_AddItemToObject(doc, "os", os_json(inv)) &&
             (list = cJSON_AddArrayToObject(doc, "packages")) != NULL;

    for (i = 0; ok && i < inv->package_count; i++)
        ok = cJSON_AddItemToArray(list, package_json(&inv->packages[i]));
    *out = ok ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    return *out != NULL ? 0 : copa__error_oom();
}
