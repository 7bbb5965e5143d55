/*
 * Writing the OpenVEX document: claims grouped into one statement per
 * vulnerability, products and subcomponents sorted, byte-stable output.
 */
#include "vex/vex.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/file.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define OPENVEX_CONTEXT "https://openvex.dev/ns/v0.2.0"
#define DERIVED_ID_PREFIX "https://openvex.dev/docs/public/vex-"

static int compare_claims(const void *a, const void *b)
{
    const copa__vex_claim *x = *(const copa__vex_claim *const *)a;
    const copa__vex_claim *y = *(const copa__vex_claim *const *)b;
    int c = strcmp(x->vulnerability, y->vulnerability);

    if (c == 0)
        c = strcmp(x->product, y->product);
    if (c == 0 && x->subcomponent != y->subcomponent)
        c = x->subcomponent == NULL   ? -1
            : y->subcomponent == NULL ? 1
                                      : strcmp(x->subcomponent, y->subcomponent);
    return c;
}

/* {"@id": purl} appended to an array; the object, or NULL on OOM. */
static cJSON *add_component(cJSON *array, const char *purl)
{
    cJSON *component = cJSON_CreateObject();

    if (component == NULL || cJSON_AddStringToObject(component, "@id", purl) == NULL ||
        !cJSON_AddItemToArray(array, component)) {
        cJSON_Delete(component);
        return NULL;
    }
    return component;
}

static cJSON *new_statement(cJSON *statements, const char *vulnerability)
{
    cJSON *statement = cJSON_CreateObject(), *vuln;

    if (statement == NULL || !cJSON_AddItemToArray(statements, statement)) {
        cJSON_Delete(statement);
        return NULL;
    }
    vuln = cJSON_AddObjectToObject(statement, "vulnerability");
    if (vuln == NULL || cJSON_AddStringToObject(vuln, "name", vulnerability) == NULL ||
        cJSON_AddArrayToObject(statement, "products") == NULL ||
        cJSON_AddStringToObject(statement, "status", "fixed") == NULL)
        return NULL;
    return statement;
}

/* The statements array from claims sorted by (vulnerability, product,
 * subcomponent); consecutive equal keys merge. 0 or COPA_ENOMEM. */
static int add_statements(cJSON *statements, const copa__vex_claim *const *sorted, size_t count)
{
    cJSON *statement = NULL, *product = NULL, *subcomponents = NULL;
    size_t i;

    for (i = 0; i < count; i++) {
        const copa__vex_claim *c = sorted[i], *prev = i > 0 ? sorted[i - 1] : NULL;
        int new_vuln = prev == NULL || strcmp(prev->vulnerability, c->vulnerability) != 0;

        if (new_vuln && (statement = new_statement(statements, c->vulnerability)) == NULL)
            return copa__error_oom();
        if (new_vuln || strcmp(prev->product, c->product) != 0) {
            product =
                add_component(cJSON_GetObjectItemCaseSensitive(statement, "products"), c->product);
            if (product == NULL)
                return copa__error_oom();
            subcomponents = NULL;
        }
        /* A claim for the product as a whole adds nothing next to the
         * packages that fixed it. */
        if (c->subcomponent == NULL)
            continue;
        if (subcomponents == NULL &&
            (subcomponents = cJSON_AddArrayToObject(product, "subcomponents")) == NULL)
            return copa__error_oom();
        if (add_component(subcomponents, c->subcomponent) == NULL)
            return copa__error_oom();
    }
    return 0;
}

static cJSON *build(const copa_vex *vex, const char *id)
{
    const copa__vex_claim **sorted = calloc(vex->count, sizeof(*sorted));
    cJSON *doc = cJSON_CreateObject(), *statements;
    size_t i;
    int ok;

    ok = sorted != NULL && doc != NULL &&
         cJSON_AddStringToObject(doc, "@context", OPENVEX_CONTEXT) != NULL &&
         cJSON_AddStringToObject(doc, "@id", id) != NULL &&
         cJSON_AddStringToObject(doc, "author", vex->author) != NULL &&
         cJSON_AddStringToObject(doc, "timestamp", vex->timestamp) != NULL &&
         cJSON_AddNumberToObject(doc, "version", 1) != NULL &&
         cJSON_AddStringToObject(doc, "tooling", vex->tooling) != NULL &&
         (statements = cJSON_AddArrayToObject(doc, "statements")) != NULL;
    if (ok) {
        for (i = 0; i < vex->count; i++)
            sorted[i] = &vex->claims[i];
        qsort(sorted, vex->count, sizeof(*sorted), compare_claims);
        ok = add_statements(statements, sorted, vex->count) == 0;
    }
    free(sorted);
    if (!ok) {
        cJSON_Delete(doc);
        copa__error_oom();
        return NULL;
    }
    return doc;
}

/* The content-derived id: the SHA-256 of the compact document whose @id
 * is empty, so it covers author, timestamp, tooling and every claim. */
static int derive_id(char **out, const copa_vex *vex)
{
    unsigned char digest[COPA_SHA256_LEN];
    char hex[COPA_SHA256_HEX_LEN + 1];
    cJSON *doc = build(vex, "");
    char *compact;

    *out = NULL;
    if (doc == NULL)
        return COPA_ENOMEM;
    compact = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    if (compact == NULL)
        return copa__error_oom();
    if (copa__sha256_buffer(digest, compact, strlen(compact)) != 0) {
        cJSON_free(compact);
        return copa__error_set(COPA_ERROR, "VEX: cannot compute the document digest");
    }
    cJSON_free(compact);
    copa__hex_encode(hex, digest, sizeof(digest));
    *out = malloc(sizeof(DERIVED_ID_PREFIX) + COPA_SHA256_HEX_LEN);
    if (*out == NULL)
        return copa__error_oom();
    memcpy(*out, DERIVED_ID_PREFIX, sizeof(DERIVED_ID_PREFIX) - 1);
    memcpy(*out + sizeof(DERIVED_ID_PREFIX) - 1, hex, COPA_SHA256_HEX_LEN + 1);
    return 0;
}

int copa_vex_to_json(char **out, const copa_vex *vex)
{
    char *derived = NULL, *printed, *copy;
    cJSON *doc;
    size_t length;
    int rc;

    if (out == NULL || vex == NULL)
        return copa__error_set(COPA_EINVALID, "copa_vex_to_json: NULL argument");
    *out = NULL;
    if (vex->count == 0)
        return copa__error_set(COPA_EINVALID, "VEX: nothing was fixed, and an OpenVEX document "
                                              "needs at least one statement");
    if (vex->id == NULL && (rc = derive_id(&derived, vex)) != 0)
        return rc;
    doc = build(vex, vex->id != NULL ? vex->id : derived);
    free(derived);
    if (doc == NULL)
        return COPA_ENOMEM;
    printed = cJSON_Print(doc);
    cJSON_Delete(doc);
    if (printed == NULL)
        return copa__error_oom();
    /* Our allocator frees what we return, and files end with a newline. */
    length = strlen(printed);
    copy = malloc(length + 2);
    if (copy != NULL) {
        memcpy(copy, printed, length);
        memcpy(copy + length, "\n", 2);
    }
    cJSON_free(printed);
    if (copy == NULL)
        return copa__error_oom();
    *out = copy;
    return 0;
}

int copa_vex_write_file(const copa_vex *vex, const char *path)
{
    char *json;
    int rc;

    if (path == NULL || path[0] == '\0')
        return copa__error_set(COPA_EINVALID, "copa_vex_write_file: no path");
    rc = copa_vex_to_json(&json, vex);
    if (rc != 0)
        return rc;
    rc = copa__file_write_atomic(path, json, strlen(json));
    free(json);
    return rc;
}
