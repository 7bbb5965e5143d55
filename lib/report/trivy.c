/*
 * Trivy JSON, SchemaVersion 2 (`trivy image -f json`).
 *
 * Read: ArtifactName; Metadata.OS.{Family,Name};
 * Metadata.ImageConfig.{architecture,variant,os}; Results[].{Target,Class,Type}
 * and each Results[].Vulnerabilities[] (VulnerabilityID, PkgName, PkgID,
 * PkgPath, PkgIdentifier.PURL, InstalledVersion, FixedVersion, Status,
 * Severity). Results of other classes (secret, config, license) carry no
 * package vulnerabilities and are skipped.
 */
#include "report/jsonget.h"
#include "report/report.h"
#include "util/error.h"

#include <string.h>

static int read_metadata(copa_report *r, const cJSON *root, copa__jpath *p)
{
    const cJSON *meta, *os, *config;
    size_t old;
    int rc;

    if ((rc = copa__json_string(&r->raw.artifact, root, "ArtifactName", 0, p)) != 0 ||
        (rc = copa__json_object(&meta, root, "Metadata", 0, p)) != 0 || meta == NULL)
        return rc;
    old = copa__jpath_key(p, "Metadata");
    if ((rc = copa__json_object(&os, meta, "OS", 0, p)) == 0 && os != NULL) {
        size_t old_os = copa__jpath_key(p, "OS");
        if ((rc = copa__json_string(&r->raw.family, os, "Family", 1, p)) == 0)
            rc = copa__json_string(&r->raw.version, os, "Name", 0, p);
        copa__jpath_pop(p, old_os);
    }
    if (rc == 0 && (rc = copa__json_object(&config, meta, "ImageConfig", 0, p)) == 0 &&
        config != NULL) {
        size_t old_config = copa__jpath_key(p, "ImageConfig");
        if ((rc = copa__json_string(&r->raw.arch, config, "architecture", 0, p)) == 0 &&
            (rc = copa__json_string(&r->raw.variant, config, "variant", 0, p)) == 0)
            rc = copa__json_string(&r->raw.os, config, "os", 0, p);
        copa__jpath_pop(p, old_config);
    }
    copa__jpath_pop(p, old);
    return rc;
}

static int read_vulnerability(copa_report *r, const cJSON *v, int lang, const char *type,
                              const char *target, copa__jpath *p)
{
    copa__report_entry e;
    const char *severity, *pkg_id, *pkg_path;
    const cJSON *identifier;
    int rc;

    memset(&e, 0, sizeof(e));
    if (!cJSON_IsObject(v))
        return copa__json_type_error(p, "an object", v);
    if ((rc = copa__json_string(&e.vuln_id, v, "VulnerabilityID", 1, p)) != 0 ||
        (rc = copa__json_string(&e.name, v, "PkgName", 1, p)) != 0 ||
        (rc = copa__json_string(&e.installed, v, "InstalledVersion", 1, p)) != 0 ||
        (rc = copa__json_string(&e.fixed, v, "FixedVersion", 0, p)) != 0 ||
        (rc = copa__json_string(&e.status, v, "Status", 0, p)) != 0 ||
        (rc = copa__json_string(&severity, v, "Severity", 0, p)) != 0 ||
        (rc = copa__json_string(&pkg_id, v, "PkgID", 0, p)) != 0 ||
        (rc = copa__json_string(&pkg_path, v, "PkgPath", 0, p)) != 0 ||
        (rc = copa__json_object(&identifier, v, "PkgIdentifier", 0, p)) != 0)
        return rc;
    if (identifier != NULL) {
        size_t old = copa__jpath_key(p, "PkgIdentifier");
        rc = copa__json_string(&e.purl, identifier, "PURL", 0, p);
        copa__jpath_pop(p, old);
        if (rc != 0)
            return rc;
    }
    e.lang = lang;
    e.type = type;
    /* A language package is located by its own path, else by the result's
     * target (the lock file or binary). */
    e.path = lang ? (pkg_path != NULL && pkg_path[0] != '\0' ? pkg_path : target) : NULL;
    return copa__report_add_entry(r, &e);
}

static int read_result(copa_report *r, const cJSON *result, copa__jpath *p)
{
    const char *target, *class_name, *type;
    const cJSON *vulns, *v;
    size_t i = 0;
    int rc, lang;

    if (!cJSON_IsObject(result))
        return copa__json_type_error(p, "an object", result);
    if ((rc = copa__json_string(&target, result, "Target", 0, p)) != 0 ||
        (rc = copa__json_string(&class_name, result, "Class", 0, p)) != 0 ||
        (rc = copa__json_string(&type, result, "Type", 0, p)) != 0 ||
        (rc = copa__json_array(&vulns, result, "Vulnerabilities", 0, p)) != 0)
        return rc;
    if (vulns == NULL || class_name == NULL)
        return 0;
    if (strcmp(class_name, "os-pkgs") == 0) {
        lang = 0;
        /* An OS result's Type is the OS family; use it when Metadata has none. */
        if (r->raw.family == NULL && type != NULL)
            r->raw.family = type;
    } else if (strcmp(class_name, "lang-pkgs") == 0) {
        lang = 1;
    } else {
        return 0;
    }
    cJSON_ArrayForEach(v, vulns)
    {
        size_t old = copa__jpath_key(p, "Vulnerabilities");
        copa__jpath_index(p, i++);
        rc = read_vulnerability(r, v, lang, lang ? type : NULL, target, p);
        copa__jpath_pop(p, old);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int copa__report_parse_trivy(copa_report *r, const cJSON *root)
{
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "SchemaVersion");
    const cJSON *results, *result;
    copa__jpath p;
    size_t i = 0;
    int rc;

    copa__jpath_init(&p, "");
    /* With --format trivy forced, a document of another kind must not pass
     * as an empty Trivy report. */
    if (schema == NULL && cJSON_GetObjectItemCaseSensitive(root, "Results") == NULL &&
        cJSON_GetObjectItemCaseSensitive(root, "ArtifactName") == NULL)
        return copa__error_set(COPA_EINVALID, "not a Trivy report: it has none of SchemaVersion, "
                                              "ArtifactName and Results");
    if (schema != NULL) {
        if (!cJSON_IsNumber(schema)) {
            copa__jpath_key(&p, "SchemaVersion");
            return copa__json_type_error(&p, "a number", schema);
        }
        if (schema->valuedouble != 2)
            return copa__error_set(COPA_EUNSUPPORTED,
                                   "Trivy SchemaVersion %g is not supported (expected 2)",
                                   schema->valuedouble);
    }
    if ((rc = read_metadata(r, root, &p)) != 0 ||
        (rc = copa__json_array(&results, root, "Results", 0, &p)) != 0)
        return rc;
    cJSON_ArrayForEach(result, results)
    {
        size_t old = copa__jpath_key(&p, "Results");
        copa__jpath_index(&p, i++);
        rc = read_result(r, result, &p);
        copa__jpath_pop(&p, old);
        if (rc != 0)
            return rc;
    }
    return 0;
}
