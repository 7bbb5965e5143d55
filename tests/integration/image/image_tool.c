/*
 * A test driver for the image code paths the CLI does not expose yet:
 *
 *   image_tool copy SRC DST [PLATFORM|-]
 *   image_tool append SRC DST LAYER.tar.gz DIFF_ID [PLATFORM|-] [label:K=V|annotation:K=V]...
 *
 * It prints the library's message and exits 1 on failure. For registries,
 * $IMAGE_TOOL_INSECURE names one plain-HTTP registry (HOST:PORT).
 */
#include "image/rebuild.h"
#include "util/error.h"

#include <copa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fputs("usage: image_tool copy SRC DST [PLATFORM|-]\n"
          "       image_tool append SRC DST LAYER DIFF_ID [PLATFORM|-] "
          "[label:K=V|annotation:K=V]...\n",
          stderr);
    return 2;
}

static int parse_platform(copa__platform *p, const char *text, const copa__platform **out)
{
    *out = NULL;
    if (text == NULL || strcmp(text, "-") == 0)
        return 0;
    *out = p;
    return copa__platform_parse(p, text);
}

static copa__transport_options *transport(void)
{
    static const char *insecure[2];
    static copa__transport_options options;

    insecure[0] = getenv("IMAGE_TOOL_INSECURE");
    options.insecure_registries = insecure;
    return &options;
}

static int append(copa_reference *from, copa_reference *to, int argc, char **argv)
{
    const char *labels[16] = {NULL}, *annotations[16] = {NULL};
    size_t n_labels = 0, n_annotations = 0;
    char digest[COPA_DIGEST_STRING_MAX];
    const copa__platform *want;
    copa__platform platform;
    copa__new_layer layer;
    copa__rebuild spec;
    int i, error;

    if (argc < 6)
        return usage();
    if ((error = parse_platform(&platform, argc > 6 ? argv[6] : NULL, &want)) != 0)
        return error;
    for (i = 7; i < argc; i++) {
        if (strncmp(argv[i], "label:", 6) == 0 && n_labels < 15)
            labels[n_labels++] = argv[i] + 6;
        else if (strncmp(argv[i], "annotation:", 11) == 0 && n_annotations < 15)
            annotations[n_annotations++] = argv[i] + 11;
        else
            return usage();
    }
    memset(&layer, 0, sizeof(layer));
    if ((error = copa__file_digest(digest, &layer.size, argv[4])) != 0)
        return error;
    layer.digest = digest;
    layer.diff_id = argv[5];
    layer.compression = COPA__COMPRESSION_GZIP;
    layer.created = "2024-01-01T00:00:00Z";
    layer.created_by = "image_tool append";
    memset(&spec, 0, sizeof(spec));
    spec.layer = &layer;
    spec.layer_path = argv[4];
    spec.labels = labels;
    spec.annotations = annotations;
    return copa__image_rebuild(from, to, want, &spec, transport());
}

int main(int argc, char **argv)
{
    copa_reference *from = NULL, *to = NULL;
    const copa__platform *want;
    copa__platform platform;
    int error;

    if (argc < 4)
        return usage();
    if ((error = copa_reference_parse(&from, argv[2])) == 0 &&
        (error = copa_reference_parse(&to, argv[3])) == 0) {
        if (strcmp(argv[1], "copy") == 0) {
            error = parse_platform(&platform, argc > 4 ? argv[4] : NULL, &want);
            if (error == 0)
                error = copa__image_copy(from, to, want, transport());
        } else if (strcmp(argv[1], "append") == 0) {
            error = append(from, to, argc, argv);
        } else {
            error = usage();
        }
    }
    copa_reference_free(from);
    copa_reference_free(to);
    if (error == 2)
        return 2;
    if (error != 0) {
        fprintf(stderr, "image_tool: %s\n", copa_error_last());
        return 1;
    }
    return 0;
}
