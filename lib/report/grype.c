/*
 * Grype JSON (`grype -o json`).
 *
 * Read: distro.{name,version}; source.target.{userInput,architecture,
 * architectureVariant,os} when the target is an image (for a directory it
 * is a string); each matches[]
 * entry's vulnerability.{id,fix.versions[],fix.state} and
 * artifact.{name,version,type,purl,locations[0].path}. Artifacts of type
 * deb, rpm and apk are OS packages; every other type is a language package.
 */
#include "report/jsonget.h"
#include "report/report.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static int read_metadata(copa_report *r, const cJSON *root, copa__jpath *p)
{
    const cJSON *distro, *source, *target;
    size_t old;
    int rc;

    if ((rc = copa__json_object(&distro, root, "distro", 0, p)) != 0)
        return rc;
    if (distro != NULL) {
        old = copa__jpath_key(p, "distro");
        if ((rc = copa__json_string(&r->raw.family, distro, "name", 0, p)) == 0)
            rc = copa__json_string(&r->raw.version, distro, "version", 0, p);
        copa__jpath_pop(p, old);
        if (rc != 0)
            return rc;
    }
    if ((rc = copa__json_object(&source, root, "source", 0, p)) != 0 || source == NULL)
        return rc;
    target = cJSON_GetObjectItemCaseSensitive(source, "target");
    if (!cJSON_IsObject(target))
        return 0;
    old = copa__jpath_key(p, "source");
    copa__jpath_key(p, "target");
    /* syft's image metadata: architecture, architectureVariant, os. */
    if ((rc = copa__json_string(&r->raw.arch, target, "architecture", 0, p)) == 0 &&
        (rc = copa__json_string(&r->raw.variant, target, "architectureVariant", 0, p)) == 0 &&
        (rc = copa__json_string(&r->raw.os, target, "os", 0, p)) == 0)
        rc = copa__json_string(&r->raw.artifact, target, "userInput", 0, p);
    copa__jpath_pop(p, old);
    return rc;
}

static int is_os_type(const char *type)
{
    return type != NULL &&
           (strcmp(type, "deb") == 0 || strcmp(type, "rpm") == 0 || strcmp(type, "apk") == 0);
}

/* fix.versions joined with ", " into buf (malloc'd), like Trivy's FixedVersion. */
static int read_fix(char **fixed, const char **state, const cJSON *vuln, copa__jpath *p)
{
    const cJSON *fix, *versions, *v;
    size_t length = 0, i = 0;
    int rc;

    *fixed = NULL;
    *state = NULL;
    if ((rc = copa__json_object(&fix, vuln, "fix", 0, p)) != 0 || fix == NULL)
        return rc;
    copa__jpath_key(p, "fix");
    if ((rc = copa__json_string(state, fix, "state", 0, p)) != 0 ||
        (rc = copa__json_array(&versions, fix, "versions", 0, p)) != 0)
        return rc;
    cJSON_ArrayForEach(v, versions)
    {
        if (!cJSON_IsString(v)) {
            copa__jpath_key(p, "versions");
            copa__jpath_index(p, i);
            return copa__json_type_error(p, "a string", v);
        }
        length += strlen(v->valuestring) + 2;
        i++;
    }
    *fixed = calloc(1, length + 1);
    if (*fixed == NULL)
        return copa__error_oom();
    cJSON_ArrayForEach(v, versions)
    {
        if ((*fixed)[0] != '\0')
            strcat(*fixed, ", ");
        strcat(*fixed, v->valuestring);
    }
    return 0;
}

static int read_artifact(copa__report_entry *e, const cJSON *match, copa__jpath *p)
{
    const cJSON *artifact, *locations, *first;
    int rc;

    if ((rc = copa__json_object(&artifact, match, "artifact", 1, p)) != 0)
        return rc;
    copa__jpath_key(p, "artifact");
    if ((rc = copa__json_string(&e->name, artifact, "name", 1, p)) != 0 ||
        (rc = copa__json_string(&e->installed, artifact, "version", 1, p)) != 0 ||
        (rc = copa__json_string(&e->type, artifact, "type", 0, p)) != 0 ||
        (rc = copa__json_string(&e->purl, artifact, "purl", 0, p)) != 0 ||
        (rc = copa__json_array(&locations, artifact, "locations", 0, p)) != 0)
        return rc;
    e->lang = !is_os_type(e->type);
    first = locations != NULL ? locations->child : NULL;
    if (e->lang && cJSON_IsObject(first)) {
        copa__jpath_key(p, "locations[0]");
        rc = copa__json_string(&e->path, first, "path", 0, p);
    }
    return rc;
}

static int read_match(copa_report *r, const cJSON *match, copa__jpath *p)
{
    const cJSON *vuln;
    copa__report_entry e;
    char *fixed = NULL;
    size_t base = p->len;
    int rc;

    memset(&e, 0, sizeof(e));
    if (!cJSON_IsObject(match))
        return copa__json_type_error(p, "an object", match);
    if ((rc = copa__json_object(&vuln, match, "vulnerability", 1, p)) != 0)
        return rc;
    copa__jpath_key(p, "vulnerability");
    if ((rc = copa__json_string(&e.vuln_id, vuln, "id", 1, p)) != 0 ||
        (rc = read_fix(&fixed, &e.status, vuln, p)) != 0)
        goto done;
    copa__jpath_pop(p, base);
    if ((rc = read_artifact(&e, match, p)) != 0)
        goto done;
    copa__jpath_pop(p, base);
    e.fixed = fixed;
    rc = copa__report_add_entry(r, &e);
done:
    free(fixed);
    return rc;
}

int copa__report_parse_grype(copa_report *r, const cJSON *root)
{
    const cJSON *matches, *match;
    copa__jpath p;
    size_t i = 0;
    int rc;

    copa__jpath_init(&p, "");
    if ((rc = read_metadata(r, root, &p)) != 0 ||
        (rc = copa__json_array(&matches, root, "matches", 1, &p)) != 0)
        return rc;
    cJSON_ArrayForEach(match, matches)
    {
        copa__jpath_key(&p, "matches");
        copa__jpath_index(&p, i++);
        rc = read_match(r, match, &p);
        copa__jpath_pop(&p, 0);
        if (rc != 0)
            return rc;
    }
    return 0;
}
