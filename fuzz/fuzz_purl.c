/*
 * Fuzz the purl parser: any bytes up to the first NUL are a purl. A purl
 * that parses must build to a canonical string that parses again to the
 * same components and builds to the same string (a fixed point).
 */
#include "vex/purl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void check_fixed_point(const copa__purl *purl)
{
    copa__purl again;
    char *text = NULL, *text2 = NULL;
    size_t i;

    if (copa__purl_to_string(&text, purl) != 0)
        abort(); /* whatever parses can be built */
    if (copa__purl_parse(&again, text) != 0 || copa__purl_to_string(&text2, &again) != 0 ||
        strcmp(text, text2) != 0)
        abort();
    if (!same(purl->type, again.type) || !same(purl->name, again.name) ||
        !same(purl->version, again.version) || !same(purl->namespace, again.namespace) ||
        !same(purl->subpath, again.subpath) || purl->qualifier_count != again.qualifier_count)
        abort();
    for (i = 0; i < purl->qualifier_count; i++)
        if (!same(purl->qualifiers[i].key, again.qualifiers[i].key) ||
            !same(purl->qualifiers[i].value, again.qualifiers[i].value))
            abort();
    copa__purl_clear(&again);
    free(text);
    free(text2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    copa__purl purl;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (copa__purl_parse(&purl, text) == 0)
        check_fixed_point(&purl);
    copa__purl_clear(&purl);
    free(text);
    return 0;
}
