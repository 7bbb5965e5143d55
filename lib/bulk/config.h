/*
 * Bulk patching configuration: Project Copacetic's PatchConfig
 * (apiVersion copa.sh/v1alpha1, kind PatchConfig) read from YAML into a
 * validated model. Every problem is found before any work starts and is
 * reported as "FILE:LINE: KEY: what is wrong" with COPA_EINVALID.
 */
#ifndef COPA_LIB_BULK_CONFIG_H
#define COPA_LIB_BULK_CONFIG_H

#include <regex.h>
#include <stddef.h>

typedef enum copa__tag_strategy {
    COPA__TAGS_LIST = 1,    /* exactly the tags in `list` */
    COPA__TAGS_PATTERN = 2, /* registry tags matching `pattern` */
    COPA__TAGS_LATEST = 3   /* the highest semantic version among the registry's tags */
} copa__tag_strategy;

/* Where patched images go; NULL fields are inherited (image -> global -> default). */
typedef struct copa__bulk_target {
    char *registry; /* "host[/path]": the patched repository is this + "/" + source base name */
    char *tag;      /* template; "{{ .SourceTag }}" is the only field */
} copa__bulk_target;

typedef struct copa__bulk_image {
    char *name;     /* the config's label for the entry */
    char *image;    /* source repository, normalized: "registry/repository" */
    char *registry; /* parts of `image` */
    char *repository;
    copa__tag_strategy strategy;
    char **list; /* strategy list */
    size_t list_count;
    char *pattern; /* strategy pattern, as written */
    regex_t regex; /* compiled pattern (POSIX ERE); valid when has_regex */
    int has_regex;
    unsigned int max_tags; /* 0: no cap */
    char **exclude;
    size_t exclude_count;
    char **platforms; /* "os/arch[/variant]"; none: every platform */
    size_t platform_count;
    copa__bulk_target target; /* per-image override */
    unsigned int line;        /* where the entry starts */
} copa__bulk_image;

typedef struct copa__bulk_config {
    char *path;
    copa__bulk_target target; /* global */
    copa__bulk_image *images;
    size_t image_count;
} copa__bulk_config;

/* The tag template used when neither the image nor the config sets one. */
#define COPA__BULK_DEFAULT_TAG_TEMPLATE "{{ .SourceTag }}-patched"

/* Read and validate the YAML file `path`. 0, COPA_EINVALID, COPA_ENOTFOUND, COPA_ENOMEM. */
int copa__bulk_config_load(copa__bulk_config **out, const char *path);

/* The same from memory; `path` only names the text in messages. */
int copa__bulk_config_parse(copa__bulk_config **out, const char *path, const char *text,
                            size_t length);

void copa__bulk_config_free(copa__bulk_config *config);

/*
 * Check a tag template: text plus "{{ .SourceTag }}" (spaces inside the
 * braces optional). 0, or COPA_EINVALID naming the unknown field.
 */
int copa__bulk_template_check(const char *template_text);

/* Expand a checked template for `source_tag` into a malloc'd string; NULL on OOM. */
char *copa__bulk_template_expand(const char *template_text, const char *source_tag);

/*
 * Compile a tag pattern written for Go's regexp as POSIX ERE: `\d` becomes
 * [0-9] (outside brackets); Go-only syntax ("(?", lazy quantifiers, \w-like
 * classes glibc lacks) is refused with a message saying so.
 */
int copa__bulk_pattern_compile(regex_t *out, const char *pattern);

#endif
