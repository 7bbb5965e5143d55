/*
 * Fuzz the APT sources parsers (one-line and deb822) and the URL helpers
 * on whatever they accept; --mirror rewriting on the same bytes.
 */
#include "net/mirror.h"
#include "repo/sources.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void use(const copa__apt_sources *s)
{
    size_t i;
    for (i = 0; i < s->count; i++) {
        char *url = NULL;
        if (copa__apt_source_file_url(&url, &s->items[i], "InRelease") == 0)
            free(url);
        if (copa__apt_source_pool_url(&url, &s->items[i], "pool/x.deb") == 0)
            free(url);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__apt_sources s;
    char *text = malloc(size + 1), *from = NULL, *to = NULL, *out = NULL;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    copa__apt_sources_init(&s);
    copa__apt_sources_parse_list(&s, "fuzz.list", text, size);
    copa__apt_sources_parse_deb822(&s, "fuzz.sources", text, size);
    use(&s);
    copa__apt_sources_free(&s);
    if (copa__mirror_parse(&from, &to, text) == 0) {
        if (copa__mirror_rewrite(&out, text, from, to) >= 0)
            free(out);
        free(from);
        free(to);
    }
    free(text);
    return 0;
}
