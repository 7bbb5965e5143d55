/*
 * PatchConfig YAML -> copa__bulk_config. libyaml builds the node tree (with
 * line numbers); this file walks it against the schema, refusing unknown
 * and duplicate keys, wrong types and bad values, each with file:line:key.
 */
#include "bulk/config.h"
#include "image/model.h"
#include "image/reference.h"
#include "util/error.h"
#include "util/file.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

enum { CONFIG_MAX = 4 * 1024 * 1024, IMAGES_MAX = 10000, LIST_MAX = 100000 };

/*
 * What the walk may copy: each string costs its length + 1. A file without
 * aliases stays within its own size; aliases let one node be read many
 * times (a list named by every entry), which must not multiply the work.
 */
enum { COPY_BUDGET = 2 * CONFIG_MAX };

/* The walk's context: the document, the file name for messages, the copy budget left. */
typedef struct walker {
    yaml_document_t *doc;
    const char *path;
    size_t *budget;
} walker;

static unsigned int line_of(const yaml_node_t *node)
{
    return (unsigned int)node->start_mark.line + 1;
}

static int fail(const walker *w, const yaml_node_t *node, const char *key, const char *fmt,
                const char *detail)
{
    char what[512];

    snprintf(what, sizeof(what), fmt, detail);
    return copa__error_set(COPA_EINVALID, "%s:%u: %s: %s", w->path, line_of(node), key, what);
}

static yaml_node_t *node_at(const walker *w, int index)
{
    return yaml_document_get_node(w->doc, index);
}

static const char *scalar(const yaml_node_t *node)
{
    return node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

/* A non-empty string scalar copied into *out. */
static int get_string(char **out, const walker *w, const yaml_node_t *node, const char *key)
{
    const char *text = scalar(node);

    if (text == NULL)
        return fail(w, node, key, "expected a string%s", "");
    if (text[0] == '\0')
        return fail(w, node, key, "must not be empty%s", "");
    if (strlen(text) != node->data.scalar.length)
        return fail(w, node, key, "contains a NUL byte%s", "");
    if (node->data.scalar.length + 1 > *w->budget)
        return fail(w, node, key, "the configuration expands beyond %s bytes through YAML aliases",
                    "8 MiB");
    *w->budget -= node->data.scalar.length + 1;
    if ((*out = strdup(text)) == NULL)
        return copa__error_oom();
    return 0;
}

static int get_uint(unsigned int *out, const walker *w, const yaml_node_t *node, const char *key)
{
    const char *text = scalar(node);
    char *end = NULL;
    unsigned long value;

    if (text == NULL || text[0] < '0' || text[0] > '9')
        return fail(w, node, key, "expected a non-negative integer%s", "");
    value = strtoul(text, &end, 10);
    if (*end != '\0' || value > INT_MAX)
        return fail(w, node, key, "expected a non-negative integer, not '%s'", text);
    *out = (unsigned int)value;
    return 0;
}

/* A sequence of non-empty strings (or an empty sequence when allow_empty). */
static int get_list(char ***out, size_t *count, const walker *w, const yaml_node_t *node,
                    const char *key, int allow_empty)
{
    yaml_node_item_t *item;
    size_t n, i = 0;
    int rc;

    if (node->type != YAML_SEQUENCE_NODE)
        return fail(w, node, key, "expected a list%s", "");
    n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    if (n == 0 && !allow_empty)
        return fail(w, node, key, "must not be empty%s", "");
    if (n > LIST_MAX)
        return fail(w, node, key, "too many entries%s", "");
    if ((*out = calloc(n + 1, sizeof(char *))) == NULL)
        return copa__error_oom();
    *count = 0;
    for (item = node->data.sequence.items.start; item < node->data.sequence.items.top; item++) {
        if ((rc = get_string(&(*out)[i], w, node_at(w, *item), key)) != 0)
            return rc;
        *count = ++i;
    }
    return 0;
}

/*
 * Walk the pairs of a mapping: each key must be in `allowed` and appear
 * once; `visit` handles one pair.
 */
typedef int (*pair_fn)(const walker *w, const char *key, yaml_node_t *value, void *payload);

static int walk_mapping(const walker *w, const yaml_node_t *node, const char *what,
                        const char *const *allowed, pair_fn visit, void *payload)
{
    yaml_node_pair_t *pair, *other;
    int rc;

    if (node->type != YAML_MAPPING_NODE)
        return fail(w, node, what, "expected a mapping%s", "");
    for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key_node = node_at(w, pair->key);
        const char *key = scalar(key_node);
        size_t i;

        if (key == NULL)
            return fail(w, key_node, what, "keys must be strings%s", "");
        for (i = 0; allowed[i] != NULL && strcmp(allowed[i], key) != 0; i++)
            ;
        if (allowed[i] == NULL)
            return fail(w, key_node, key, "unknown key in %s", what);
        for (other = node->data.mapping.pairs.start; other < pair; other++)
            if (strcmp(scalar(node_at(w, other->key)), key) == 0)
                return fail(w, key_node, key, "key given twice in %s", what);
        if ((rc = visit(w, key, node_at(w, pair->value), payload)) != 0)
            return rc;
    }
    return 0;
}

/* --- target --- */

/* "host[:port][/path]": a registry and an optional namespace, no tag or digest. */
static int registry_is_valid(const char *value)
{
    const char *slash = strchr(value, '/'), *p;
    size_t host_len = slash != NULL ? (size_t)(slash - value) : strlen(value);
    const char *colon = memchr(value, ':', host_len);

    if (host_len == 0)
        return 0;
    for (p = value; p < (colon != NULL ? colon : value + host_len); p++)
        if (!(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", *p)))
            return 0;
    if (colon != NULL) {
        if (colon + 1 == value + host_len)
            return 0;
        for (p = colon + 1; p < value + host_len; p++)
            if (*p < '0' || *p > '9')
                return 0;
    }
    if (slash == NULL)
        return 1;
    if (slash[1] == '\0' || value[strlen(value) - 1] == '/' || strstr(value, "//") != NULL)
        return 0;
    for (p = slash + 1; *p != '\0'; p++)
        if (!(strchr("abcdefghijklmnopqrstuvwxyz0123456789._-/", *p)))
            return 0;
    return 1;
}

static int check_registry(const walker *w, const yaml_node_t *node, const char *key,
                          const char *value)
{
    if (registry_is_valid(value))
        return 0;
    return fail(w, node, key, "'%s' is not a registry (host[:port][/lowercase-path], no tag)",
                value);
}

static int visit_target(const walker *w, const char *key, yaml_node_t *value, void *payload)
{
    copa__bulk_target *target = payload;
    int rc;

    if (strcmp(key, "registry") == 0) {
        if ((rc = get_string(&target->registry, w, value, "target.registry")) != 0)
            return rc;
        return check_registry(w, value, "target.registry", target->registry);
    }
    if ((rc = get_string(&target->tag, w, value, "target.tag")) != 0)
        return rc;
    if (copa__bulk_template_check(target->tag) != 0)
        return copa__error_prefix("%s:%u: target.tag: ", w->path, line_of(value));
    return 0;
}

static int read_target(const walker *w, yaml_node_t *node, copa__bulk_target *target)
{
    static const char *const keys[] = {"registry", "tag", NULL};

    return walk_mapping(w, node, "target", keys, visit_target, target);
}

/* --- tags --- */

typedef struct tags_read {
    copa__bulk_image *image;
    const yaml_node_t *strategy_node, *list_node, *pattern_node, *max_node;
} tags_read;

static int visit_tags(const walker *w, const char *key, yaml_node_t *value, void *payload)
{
    tags_read *t = payload;
    copa__bulk_image *image = t->image;
    const char *text;

    if (strcmp(key, "strategy") == 0) {
        t->strategy_node = value;
        text = scalar(value);
        if (text != NULL && strcmp(text, "list") == 0)
            image->strategy = COPA__TAGS_LIST;
        else if (text != NULL && strcmp(text, "pattern") == 0)
            image->strategy = COPA__TAGS_PATTERN;
        else if (text != NULL && strcmp(text, "latest") == 0)
            image->strategy = COPA__TAGS_LATEST;
        else
            return fail(w, value, "tags.strategy", "'%s' is not one of list, pattern, latest",
                        text != NULL ? text : "(not a string)");
        return 0;
    }
    if (strcmp(key, "list") == 0) {
        t->list_node = value;
        return get_list(&image->list, &image->list_count, w, value, "tags.list", 0);
    }
    if (strcmp(key, "pattern") == 0) {
        int rc;

        t->pattern_node = value;
        if ((rc = get_string(&image->pattern, w, value, "tags.pattern")) != 0)
            return rc;
        if (copa__bulk_pattern_compile(&image->regex, image->pattern) != 0)
            return copa__error_prefix("%s:%u: tags.pattern: ", w->path, line_of(value));
        image->has_regex = 1;
        return 0;
    }
    if (strcmp(key, "maxTags") == 0) {
        t->max_node = value;
        return get_uint(&image->max_tags, w, value, "tags.maxTags");
    }
    return get_list(&image->exclude, &image->exclude_count, w, value, "tags.exclude", 1);
}

static int read_tags(const walker *w, yaml_node_t *node, copa__bulk_image *image)
{
    static const char *const keys[] = {"strategy", "list", "pattern", "maxTags", "exclude", NULL};
    tags_read t = {image, NULL, NULL, NULL, NULL};
    int rc;

    if ((rc = walk_mapping(w, node, "tags", keys, visit_tags, &t)) != 0)
        return rc;
    if (t.strategy_node == NULL)
        return fail(w, node, "tags.strategy", "missing (list, pattern or latest)%s", "");
    if (image->strategy == COPA__TAGS_LIST && t.list_node == NULL)
        return fail(w, node, "tags.list", "strategy list needs a list of tags%s", "");
    if (image->strategy != COPA__TAGS_LIST && t.list_node != NULL)
        return fail(w, t.list_node, "tags.list", "only allowed with strategy list%s", "");
    if (image->strategy == COPA__TAGS_PATTERN && t.pattern_node == NULL)
        return fail(w, node, "tags.pattern", "strategy pattern needs a pattern%s", "");
    if (image->strategy != COPA__TAGS_PATTERN && t.pattern_node != NULL)
        return fail(w, t.pattern_node, "tags.pattern", "only allowed with strategy pattern%s", "");
    if (image->strategy == COPA__TAGS_PATTERN && t.max_node != NULL && image->max_tags == 0)
        return fail(w, t.max_node, "tags.maxTags", "must be at least 1%s", "");
    if (image->strategy != COPA__TAGS_PATTERN && t.max_node != NULL)
        return fail(w, t.max_node, "tags.maxTags", "only allowed with strategy pattern%s", "");
    return 0;
}

/* --- images --- */

typedef struct image_read {
    copa__bulk_image *image;
    const yaml_node_t *image_node, *tags_node;
} image_read;

static int set_source(const walker *w, const yaml_node_t *node, copa__bulk_image *image)
{
    copa_reference ref = {0};
    int rc = copa__reference_parse_docker(&ref, image->image, 0);

    if (rc == 0 && (ref.tag != NULL || ref.digest != NULL))
        rc = fail(w, node, "image",
                  "'%s' names a tag or digest; give the repository and choose tags with `tags`",
                  image->image);
    else if (rc != 0)
        rc = fail(w, node, "image", "'%s' is not a repository reference", image->image);
    if (rc == 0) {
        image->registry = ref.registry;
        image->repository = ref.repository;
        ref.registry = ref.repository = NULL;
    }
    free(ref.registry);
    free(ref.repository);
    free(ref.tag);
    free(ref.digest);
    free(ref.path);
    free(ref.string);
    return rc;
}

static int check_platforms(const walker *w, const yaml_node_t *node, const copa__bulk_image *image)
{
    size_t i;

    for (i = 0; i < image->platform_count; i++) {
        copa__platform p;

        if (copa__platform_parse(&p, image->platforms[i]) != 0)
            return fail(w, node, "platforms", "'%s' is not os/arch[/variant]", image->platforms[i]);
    }
    return 0;
}

static int visit_image(const walker *w, const char *key, yaml_node_t *value, void *payload)
{
    image_read *ir = payload;
    copa__bulk_image *image = ir->image;
    int rc;

    if (strcmp(key, "name") == 0)
        return get_string(&image->name, w, value, "name");
    if (strcmp(key, "image") == 0) {
        ir->image_node = value;
        if ((rc = get_string(&image->image, w, value, "image")) != 0)
            return rc;
        return set_source(w, value, image);
    }
    if (strcmp(key, "tags") == 0) {
        ir->tags_node = value;
        return read_tags(w, value, image);
    }
    if (strcmp(key, "platforms") == 0) {
        if ((rc = get_list(&image->platforms, &image->platform_count, w, value, "platforms", 0)) !=
            0)
            return rc;
        return check_platforms(w, value, image);
    }
    return read_target(w, value, &image->target);
}

static int read_image(const walker *w, yaml_node_t *node, copa__bulk_image *image)
{
    static const char *const keys[] = {"name", "image", "tags", "platforms", "target", NULL};
    image_read ir = {image, NULL, NULL};
    int rc;

    image->line = line_of(node);
    if ((rc = walk_mapping(w, node, "images[]", keys, visit_image, &ir)) != 0)
        return rc;
    if (image->name == NULL)
        return fail(w, node, "name", "missing in images[] entry%s", "");
    if (ir.image_node == NULL)
        return fail(w, node, "image", "missing in images[] entry '%s'", image->name);
    if (ir.tags_node == NULL)
        return fail(w, node, "tags", "missing in images[] entry '%s'", image->name);
    return 0;
}

static int read_images(const walker *w, yaml_node_t *node, copa__bulk_config *config)
{
    yaml_node_item_t *item;
    size_t n, i, j;
    int rc;

    if (node->type != YAML_SEQUENCE_NODE)
        return fail(w, node, "images", "expected a list%s", "");
    n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    if (n == 0)
        return fail(w, node, "images", "must not be empty%s", "");
    if (n > IMAGES_MAX)
        return fail(w, node, "images", "too many entries%s", "");
    if ((config->images = calloc(n, sizeof(*config->images))) == NULL)
        return copa__error_oom();
    for (item = node->data.sequence.items.start; item < node->data.sequence.items.top; item++) {
        yaml_node_t *entry = node_at(w, *item);

        i = config->image_count++;
        if ((rc = read_image(w, entry, &config->images[i])) != 0)
            return rc;
        for (j = 0; j < i; j++)
            if (strcmp(config->images[j].name, config->images[i].name) == 0)
                return fail(w, entry, "name", "'%s' is used by two images[] entries",
                            config->images[i].name);
    }
    return 0;
}

/* --- top level --- */

typedef struct top_read {
    copa__bulk_config *config;
    int api, kind, images;
} top_read;

static int visit_top(const walker *w, const char *key, yaml_node_t *value, void *payload)
{
    top_read *t = payload;
    const char *text = scalar(value);

    if (strcmp(key, "apiVersion") == 0) {
        t->api = 1;
        if (text == NULL || strcmp(text, "copa.sh/v1alpha1") != 0)
            return fail(w, value, key, "'%s' is not supported (expected copa.sh/v1alpha1)",
                        text != NULL ? text : "(not a string)");
        return 0;
    }
    if (strcmp(key, "kind") == 0) {
        t->kind = 1;
        if (text == NULL || strcmp(text, "PatchConfig") != 0)
            return fail(w, value, key, "'%s' is not PatchConfig",
                        text != NULL ? text : "(not a string)");
        return 0;
    }
    if (strcmp(key, "target") == 0)
        return read_target(w, value, &t->config->target);
    t->images = 1;
    return read_images(w, value, t->config);
}

static int read_document(const walker *w, copa__bulk_config *config)
{
    static const char *const keys[] = {"apiVersion", "kind", "target", "images", NULL};
    yaml_node_t *root = yaml_document_get_root_node(w->doc);
    top_read t = {config, 0, 0, 0};
    int rc;

    if (root == NULL)
        return copa__error_set(COPA_EINVALID, "%s: empty configuration", w->path);
    if ((rc = walk_mapping(w, root, "PatchConfig", keys, visit_top, &t)) != 0)
        return rc;
    if (!t.api)
        return fail(w, root, "apiVersion", "missing (expected copa.sh/v1alpha1)%s", "");
    if (!t.kind)
        return fail(w, root, "kind", "missing (expected PatchConfig)%s", "");
    if (!t.images)
        return fail(w, root, "images", "missing%s", "");
    return 0;
}

/*
 * A PatchConfig is a few levels deep. libyaml's scanner walks one slot per
 * open flow level for every token, so its time grows with the square of
 * the nesting; this event pass stops at NEST_MAX levels, before the loader
 * would spend minutes on a file of brackets. Syntax errors are left to the
 * loader, which reports them.
 */
enum { NEST_MAX = 64 };

static int check_nesting(const char *path, const char *text, size_t length)
{
    yaml_parser_t parser;
    yaml_event_t event;
    int depth = 0, rc = 0, done = 0;

    if (!yaml_parser_initialize(&parser))
        return copa__error_oom();
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, length);
    while (rc == 0 && !done && yaml_parser_parse(&parser, &event)) {
        if (event.type == YAML_SEQUENCE_START_EVENT || event.type == YAML_MAPPING_START_EVENT)
            depth++;
        else if (event.type == YAML_SEQUENCE_END_EVENT || event.type == YAML_MAPPING_END_EVENT)
            depth--;
        done = event.type == YAML_STREAM_END_EVENT;
        if (depth > NEST_MAX)
            rc = copa__error_set(COPA_EINVALID, "%s:%zu: nested deeper than %d levels", path,
                                 event.start_mark.line + 1, NEST_MAX);
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    return rc;
}

static int load_yaml(yaml_document_t *doc, const char *path, const char *text, size_t length)
{
    yaml_parser_t parser;
    yaml_document_t extra;
    int rc = 0;

    if ((rc = check_nesting(path, text, length)) != 0)
        return rc;
    if (!yaml_parser_initialize(&parser))
        return copa__error_oom();
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, length);
    if (!yaml_parser_load(&parser, doc)) {
        rc = copa__error_set(COPA_EINVALID, "%s:%zu: invalid YAML: %s", path,
                             parser.problem_mark.line + 1,
                             parser.problem != NULL ? parser.problem : "parse error");
        yaml_parser_delete(&parser);
        return rc;
    }
    /* One document per file: a second would silently be ignored. */
    if (yaml_parser_load(&parser, &extra)) {
        if (yaml_document_get_root_node(&extra) != NULL)
            rc = copa__error_set(COPA_EINVALID, "%s:%zu: more than one YAML document", path,
                                 (size_t)yaml_document_get_root_node(&extra)->start_mark.line + 1);
        yaml_document_delete(&extra);
    }
    yaml_parser_delete(&parser);
    if (rc != 0)
        yaml_document_delete(doc);
    return rc;
}

int copa__bulk_config_parse(copa__bulk_config **out, const char *path, const char *text,
                            size_t length)
{
    copa__bulk_config *config;
    yaml_document_t doc;
    size_t budget = COPY_BUDGET;
    walker w;
    int rc;

    *out = NULL;
    if ((config = calloc(1, sizeof(*config))) == NULL || (config->path = strdup(path)) == NULL) {
        free(config);
        return copa__error_oom();
    }
    if ((rc = load_yaml(&doc, path, text, length)) != 0) {
        copa__bulk_config_free(config);
        return rc;
    }
    w.doc = &doc;
    w.path = path;
    w.budget = &budget;
    rc = read_document(&w, config);
    yaml_document_delete(&doc);
    if (rc != 0) {
        copa__bulk_config_free(config);
        return rc;
    }
    *out = config;
    return 0;
}

int copa__bulk_config_load(copa__bulk_config **out, const char *path)
{
    char *text = NULL;
    size_t length = 0;
    int rc;

    *out = NULL;
    if ((rc = copa__file_read_all(&text, &length, path, CONFIG_MAX)) != 0)
        return copa__error_prefix("config %s: ", path);
    rc = copa__bulk_config_parse(out, path, text, length);
    free(text);
    return rc;
}

static void free_list(char **list, size_t count)
{
    size_t i;

    for (i = 0; list != NULL && i < count; i++)
        free(list[i]);
    free(list);
}

static void free_target(copa__bulk_target *target)
{
    free(target->registry);
    free(target->tag);
}

void copa__bulk_config_free(copa__bulk_config *config)
{
    size_t i;

    if (config == NULL)
        return;
    for (i = 0; i < config->image_count; i++) {
        copa__bulk_image *image = &config->images[i];

        free(image->name);
        free(image->image);
        free(image->registry);
        free(image->repository);
        free_list(image->list, image->list_count);
        free(image->pattern);
        if (image->has_regex)
            regfree(&image->regex);
        free_list(image->exclude, image->exclude_count);
        free_list(image->platforms, image->platform_count);
        free_target(&image->target);
    }
    free(config->images);
    free_target(&config->target);
    free(config->path);
    free(config);
}
