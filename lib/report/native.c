/*
 * copa native reports, as Project Copacetic defines them for scanner
 * plugins:
 *   v1alpha1: apiVersion, metadata.os.{type,version}, metadata.config.arch,
 *             updates[].{name,installedVersion,fixedVersion,vulnerabilityID}
 *   v1alpha2: the same metadata plus metadata.config.variant, and
 *             osupdates[] / langupdates[] whose entries add type and class.
 */
#include "report/jsonget.h"
#include "report/report.h"
#include "util/error.h"

#include <string.h>

static int read_metadata(copa_report *r, const cJSON *root, int v2, copa__jpath *p)
{
    const cJSON *meta, *os, *config;
    int rc;

    if ((rc = copa__json_object(&meta, root, "metadata", 1, p)) != 0)
        return rc;
    copa__jpath_key(p, "metadata");
    if ((rc = copa__json_object(&os, meta, "os", 1, p)) != 0 ||
        (rc = copa__json_object(&config, meta, "config", 0, p)) != 0)
        return rc;
    copa__jpath_key(p, "os");
    if ((rc = copa__json_string(&r->raw.family, os, "type", 1, p)) != 0 ||
        (rc = copa__json_string(&r->raw.version, os, "version", 0, p)) != 0)
        return rc;
    copa__jpath_init(p, "metadata.config");
    if (config != NULL && (rc = copa__json_string(&r->raw.arch, config, "arch", 0, p)) == 0 && v2)
        rc = copa__json_string(&r->raw.variant, config, "variant", 0, p);
    copa__jpath_init(p, "");
    return rc;
}

static int read_update(copa_report *r, const cJSON *u, int lang, int v2, copa__jpath *p)
{
    copa__report_entry e;
    const char *class_name = NULL;
    int rc;

    memset(&e, 0, sizeof(e));
    if (!cJSON_IsObject(u))
        return copa__json_type_error(p, "an object", u);
    if ((rc = copa__json_string(&e.name, u, "name", 1, p)) != 0 ||
        (rc = copa__json_string(&e.installed, u, "installedVersion", 1, p)) != 0 ||
        (rc = copa__json_string(&e.fixed, u, "fixedVersion", 0, p)) != 0 ||
        (rc = copa__json_string(&e.vuln_id, u, "vulnerabilityID", 1, p)) != 0)
        return rc;
    if (v2 && ((rc = copa__json_string(&e.type, u, "type", 0, p)) != 0 ||
               (rc = copa__json_string(&class_name, u, "class", 0, p)) != 0))
        return rc;
    e.lang = lang;
    return copa__report_add_entry(r, &e);
}

static int read_updates(copa_report *r, const cJSON *root, const char *key, int lang, int v2,
                        copa__jpath *p)
{
    const cJSON *updates, *u;
    size_t i = 0;
    int rc;

    if ((rc = copa__json_array(&updates, root, key, 0, p)) != 0)
        return rc;
    cJSON_ArrayForEach(u, updates)
    {
        copa__jpath_key(p, key);
        copa__jpath_index(p, i++);
        rc = read_update(r, u, lang, v2, p);
        copa__jpath_pop(p, 0);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int copa__report_parse_native(copa_report *r, const cJSON *root)
{
    const char *api;
    copa__jpath p;
    int rc, v2;

    copa__jpath_init(&p, "");
    if ((rc = copa__json_string(&api, root, "apiVersion", 1, &p)) != 0)
        return rc;
    if (strcmp(api, "v1alpha1") == 0)
        v2 = 0;
    else if (strcmp(api, "v1alpha2") == 0)
        v2 = 1;
    else
        return copa__error_set(COPA_EUNSUPPORTED,
                               "native report apiVersion '%s' is not supported (expected "
                               "v1alpha1 or v1alpha2)",
                               api);
    if ((rc = read_metadata(r, root, v2, &p)) != 0)
        return rc;
    if (!v2)
        return read_updates(r, root, "updates", 0, 0, &p);
    if ((rc = read_updates(r, root, "osupdates", 0, 1, &p)) != 0)
        return rc;
    return read_updates(r, root, "langupdates", 1, 1, &p);
}
