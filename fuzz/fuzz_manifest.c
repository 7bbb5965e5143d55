/*
 * Fuzz the image model parsers: the same bytes as a manifest, an index and
 * a config. A document that parses must keep its bytes exactly, and a
 * manifest must survive appending a layer (the result parses again).
 */
#include "image/model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_manifest(const uint8_t *data, size_t size)
{
    copa__new_layer layer = {"sha256:"
                             "4444444444444444444444444444444444444444444444444444444444444444",
                             10,
                             "sha256:"
                             "5555555555555555555555555555555555555555555555555555555555555555",
                             COPA__COMPRESSION_GZIP,
                             NULL,
                             "fuzz",
                             NULL};
    static const char config[] = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{"
                                 "\"type\":\"layers\",\"diff_ids\":[]}}";
    copa__manifest m, again;
    copa__config c;

    if (copa__manifest_parse(&m, data, size) != 0)
        return;
    if (m.doc.raw_length != size || memcmp(m.doc.raw, data, size) != 0)
        abort();
    if (m.layer_count == 0 && copa__config_parse(&c, config, sizeof(config) - 1) == 0) {
        if (copa__image_append_layer(&m, &c, &layer) == 0) {
            if (copa__manifest_parse(&again, m.doc.raw, m.doc.raw_length) != 0)
                abort();
            copa__manifest_free(&again);
        }
        copa__config_free(&c);
    }
    copa__manifest_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__index idx;
    copa__config c;
    copa__doc_kind kind;
    copa__platform want;

    check_manifest(data, size);
    if (copa__index_parse(&idx, data, size) == 0) {
        size_t pick;
        copa__platform_host(&want);
        (void)copa__index_select(&pick, &idx, &want);
        copa__index_free(&idx);
    }
    if (copa__config_parse(&c, data, size) == 0)
        copa__config_free(&c);
    (void)copa__doc_detect(&kind, data, size);
    return 0;
}
