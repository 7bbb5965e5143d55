/*
 * Typed access to cJSON objects with messages that name the field's path
 * in the document ("Results[2].Vulnerabilities[5].PkgName: expected a
 * string, got a number").
 */
#ifndef COPA_LIB_REPORT_JSONGET_H
#define COPA_LIB_REPORT_JSONGET_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The path of the value being read; grows and shrinks as parsers descend. */
typedef struct copa__jpath {
    char buf[512];
    size_t len;
} copa__jpath;

void copa__jpath_init(copa__jpath *p, const char *root);
/* Append ".key" or "[index]"; return the previous length for _pop. */
size_t copa__jpath_key(copa__jpath *p, const char *key);
size_t copa__jpath_index(copa__jpath *p, size_t index);
void copa__jpath_pop(copa__jpath *p, size_t length);

/* What a JSON value is, for messages ("a number", "null"). */
const char *copa__json_kind(const cJSON *item);

/*
 * Read obj.key as a string into *out. Absent or null: *out = NULL, and an
 * error (COPA_EINVALID) only when `required`. Any other type is an error.
 */
int copa__json_string(const char **out, const cJSON *obj, const char *key, int required,
                      copa__jpath *p);

/* Same for an object. */
int copa__json_object(const cJSON **out, const cJSON *obj, const char *key, int required,
                      copa__jpath *p);

/* Same for an array (null counts as absent). */
int copa__json_array(const cJSON **out, const cJSON *obj, const char *key, int required,
                     copa__jpath *p);

/* Error for a value of the wrong kind at the current path. */
int copa__json_type_error(const copa__jpath *p, const char *expected, const cJSON *got);

#endif
