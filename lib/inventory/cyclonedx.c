/*
 * The inventory as a CycloneDX 1.6 JSON SBOM (https://cyclonedx.org/docs/1.6/json/):
 *
 *   metadata.component  the image (type "container", bom-ref = its pkg:oci purl)
 *   components          the OS (type "operating-system": name = os-release ID,
 *                       version = VERSION_ID) and each package (type "library",
 *                       bom-ref = purl = the purl of copa's VEX documents)
 *   dependencies        image -> OS -> packages, which is how scanners that
 *                       read CycloneDX tie OS packages to their distribution
 *
 * Trivy matches Debian advisories by source package and reads the source
 * from its own documented properties (aquasecurity:trivy:SrcName,
 * SrcVersion, PkgType), so they are written too; copa's own facts use the
 * "copa:" namespace. No timestamp, and a serial number derived from the
 * image's purl: the same image always gives the same bytes.
 */
#include "inventory/inventory.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/uuid.h"

#include <stdlib.h>

/* Add `item` to `array` (or as `key` of an object); on failure `item` is freed. */
static int adopt(cJSON *parent, const char *key, cJSON *item)
{
    int ok = item != NULL && parent != NULL &&
             (key != NULL ? cJSON_AddItemToObject(parent, key, item)
                          : cJSON_AddItemToArray(parent, item));
    if (!ok)
        cJSON_Delete(item);
    return ok;
}

static cJSON *property(const char *name, const char *value)
{
    cJSON *p = cJSON_CreateObject();

    if (p == NULL || cJSON_AddStringToObject(p, "name", name) == NULL ||
        cJSON_AddStringToObject(p, "value", value) == NULL) {
        cJSON_Delete(p);
        return NULL;
    }
    return p;
}

static cJSON *package_component(const copa_package *p, const char *pkg_type)
{
    cJSON *c = cJSON_CreateObject();
    cJSON *props = NULL;
    int ok = c != NULL && cJSON_AddStringToObject(c, "bom-ref", p->purl) != NULL &&
             cJSON_AddStringToObject(c, "type", "library") != NULL &&
             cJSON_AddStringToObject(c, "name", p->name) != NULL &&
             cJSON_AddStringToObject(c, "version", p->version) != NULL &&
             cJSON_AddStringToObject(c, "purl", p->purl) != NULL &&
             (props = cJSON_AddArrayToObject(c, "properties")) != NULL &&
             adopt(props, NULL, property("aquasecurity:trivy:PkgType", pkg_type)) &&
             adopt(props, NULL, property("aquasecurity:trivy:SrcName", p->source_name)) &&
             adopt(props, NULL, property("aquasecurity:trivy:SrcVersion", p->source_version)) &&
             adopt(props, NULL, property("copa:package:arch", p->arch)) &&
             adopt(props, NULL, property("copa:package:patched", p->patched ? "true" : "false"));

    if (!ok) {
        cJSON_Delete(c);
        return NULL;
    }
    return c;
}

static cJSON *os_component(const copa_inventory *inv, const char *ref)
{
    cJSON *c = cJSON_CreateObject();
    int ok = c != NULL && cJSON_AddStringToObject(c, "bom-ref", ref) != NULL &&
             cJSON_AddStringToObject(c, "type", "operating-system") != NULL &&
             cJSON_AddStringToObject(c, "name", inv->os_id) != NULL &&
             (inv->os_version[0] == '\0' ||
              cJSON_AddStringToObject(c, "version", inv->os_version) != NULL) &&
             (inv->os_pretty_name[0] == '\0' ||
              cJSON_AddStringToObject(c, "description", inv->os_pretty_name) != NULL);

    if (!ok) {
        cJSON_Delete(c);
        return NULL;
    }
    return c;
}

static cJSON *image_component(const copa_inventory *inv)
{
    cJSON *c = cJSON_CreateObject();

    if (c == NULL || cJSON_AddStringToObject(c, "bom-ref", inv->image_purl) == NULL ||
        cJSON_AddStringToObject(c, "type", "container") == NULL ||
        cJSON_AddStringToObject(c, "name", inv->image) == NULL ||
        cJSON_AddStringToObject(c, "version", inv->digest) == NULL ||
        cJSON_AddStringToObject(c, "purl", inv->image_purl) == NULL) {
        cJSON_Delete(c);
        return NULL;
    }
    return c;
}

static cJSON *tool_component(void)
{
    cJSON *c = cJSON_CreateObject();

    if (c == NULL || cJSON_AddStringToObject(c, "type", "application") == NULL ||
        cJSON_AddStringToObject(c, "name", "copa") == NULL ||
        cJSON_AddStringToObject(c, "version", COPA_VERSION) == NULL) {
        cJSON_Delete(c);
        return NULL;
    }
    return c;
}

static cJSON *metadata(const copa_inventory *inv)
{
    cJSON *m = cJSON_CreateObject();
    cJSON *tools = m != NULL ? cJSON_AddObjectToObject(m, "tools") : NULL;
    cJSON *list = tools != NULL ? cJSON_AddArrayToObject(tools, "components") : NULL;

    if (list == NULL || !adopt(list, NULL, tool_component()) ||
        !adopt(m, "component", image_component(inv))) {
        cJSON_Delete(m);
        return NULL;
    }
    return m;
}

/* {"ref": ref, "dependsOn": on}; `on` is taken (freed on failure). */
static cJSON *dependency(const char *ref, cJSON *on)
{
    cJSON *d = cJSON_CreateObject();

    if (d == NULL || cJSON_AddStringToObject(d, "ref", ref) == NULL) {
        cJSON_Delete(d);
        cJSON_Delete(on);
        return NULL;
    }
    if (!adopt(d, "dependsOn", on)) {
        cJSON_Delete(d);
        return NULL;
    }
    return d;
}

static int add_components_and_dependencies(cJSON *doc, const copa_inventory *inv,
                                           const char *os_ref)
{
    cJSON *components = cJSON_AddArrayToObject(doc, "components");
    cJSON *deps = cJSON_AddArrayToObject(doc, "dependencies");
    cJSON *os_deps = cJSON_CreateArray();
    size_t i;
    int ok = components != NULL && deps != NULL && os_deps != NULL &&
             adopt(components, NULL, os_component(inv, os_ref)) &&
             adopt(deps, NULL, dependency(inv->image_purl, cJSON_CreateStringArray(&os_ref, 1)));

    for (i = 0; ok && i < inv->package_count; i++)
        ok = adopt(components, NULL, package_component(&inv->packages[i], inv->os_id)) &&
             adopt(os_deps, NULL, cJSON_CreateString(inv->packages[i].purl));
    if (!ok) {
        cJSON_Delete(os_deps);
        return 0;
    }
    return adopt(deps, NULL, dependency(os_ref, os_deps));
}

int copa__inventory_cyclonedx(char **out, const copa_inventory *inv)
{
    copa__buf os_ref = COPA__BUF_INIT, urn = COPA__BUF_INIT;
    char serial[37];
    cJSON *doc = NULL;
    int rc;

    *out = NULL;
    if ((rc = copa__uuid_v5(serial, copa__uuid_namespace_url, inv->image_purl)) != 0 ||
        (rc = copa__buf_appendf(&os_ref, "os:%s@%s", inv->os_id, inv->os_version)) != 0 ||
        (rc = copa__buf_appendf(&urn, "urn:uuid:%s", serial)) != 0)
        goto out;
    doc = cJSON_CreateObject();
    if (doc != NULL &&
        cJSON_AddStringToObject(doc, "$schema",
                                "http://cyclonedx.org/schema/bom-1.6.schema.json") &&
        cJSON_AddStringToObject(doc, "bomFormat", "CycloneDX") &&
        cJSON_AddStringToObject(doc, "specVersion", "1.6") &&
        cJSON_AddStringToObject(doc, "serialNumber", urn.data) &&
        cJSON_AddNumberToObject(doc, "version", 1) && adopt(doc, "metadata", metadata(inv)) &&
        add_components_and_dependencies(doc, inv, os_ref.data))
        *out = cJSON_Print(doc);
    rc = *out != NULL ? 0 : copa__error_oom();
out:
    cJSON_Delete(doc);
    copa__buf_free(&os_ref);
    copa__buf_free(&urn);
    return rc;
}
