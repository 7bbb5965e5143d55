/*
 * Fuzz the validating pruner against cJSON: whatever the pruner accepts,
 * cJSON parses too (cJSON is the more lenient of the two), and the pruned
 * copy is cJSON's tree of the input minus the dropped members.
 */
#include <cjson/cJSON.h>
#include <copa.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/prune.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const dropped_sample[] = {"Description", "References",  "CVSS",
                                             "cvss",        "description", "Packages"};

/* Remove the dropped members from a cJSON tree, like the pruner does. */
static void drop(cJSON *item)
{
    cJSON *child = item->child;
    while (child != NULL) {
        cJSON *next = child->next;
        size_t i;
        int removed = 0;
        if (cJSON_IsObject(item) && child->string != NULL)
            for (i = 0; i < sizeof(dropped_sample) / sizeof(dropped_sample[0]) && !removed; i++)
                if (strcmp(child->string, dropped_sample[i]) == 0) {
                    cJSON_Delete(cJSON_DetachItemViaPointer(item, child));
                    removed = 1;
                }
        if (!removed)
            drop(child);
        child = next;
    }
}

static int has_other_dropped_keys(const char *text)
{
    /* Keep the oracle simple: only inputs whose dropped keys are in the sample. */
    static const char *const others[] = {
        "Title",        "VendorSeverity", "Layer",           "DataSource", "CweIDs",
        "Date",         "PrimaryURL",     "SeveritySource",  "VendorIDs",  "Misconfigurations",
        "Secrets",      "icenses",        "CustomResources", "history",    "relatedVulnerabilities",
        "matchDetails", "urls",           "advisories",      "cpes",       "upstreams",
        "descriptor",   "layers",         "manifest",        "\\"};
    size_t i;
    for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        if (strstr(text, others[i]) != NULL)
            return 1;
    return 0;
}

/* cJSON_Compare looks members up by key, so duplicate keys defeat it. */
static int has_duplicate_keys(const cJSON *item)
{
    const cJSON *a, *b;
    for (a = item->child; a != NULL; a = a->next) {
        if (cJSON_IsObject(item))
            for (b = a->next; b != NULL; b = b->next)
                if (strcmp(a->string, b->string) == 0)
                    return 1;
        if (has_duplicate_keys(a))
            return 1;
    }
    return 0;
}

/*
 * cJSON_Compare() compares numbers by their difference, which is NaN for two
 * infinities ("5E555..." overflows a double), so such trees never compare
 * equal even when they are the same; the round-trip check skips them.
 */
static int has_nonfinite_number(const cJSON *item)
{
    const cJSON *child;

    if (cJSON_IsNumber(item) && !isfinite(item->valuedouble))
        return 1;
    for (child = item->child; child != NULL; child = child->next)
        if (has_nonfinite_number(child))
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text, *out = NULL;
    size_t length, bom;
    cJSON *original, *pruned;

    if (copa__json_prune(&out, &length, (const char *)data, size) != 0)
        return 0;
    text = malloc(size + 1);
    if (text == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    /* The pruner skips a UTF-8 byte order mark; give cJSON the rest. */
    bom = size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    original = cJSON_ParseWithLength(text + bom, size - bom);
    pruned = cJSON_ParseWithLength(out, length);
    /* NUL bytes inside strings end cJSON's view early; skip those inputs. */
    if (memchr(data, 0, size) == NULL && !has_other_dropped_keys(text)) {
        if (original == NULL || pruned == NULL)
            abort();
        if (has_duplicate_keys(original) || has_nonfinite_number(original))
            goto done;
        drop(original);
        if (!cJSON_Compare(original, pruned, 1))
            abort();
    }
done:
    cJSON_Delete(original);
    cJSON_Delete(pruned);
    free(out);
    free(text);
    return 0;
}
