#include "report/jsonget.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

void copa__jpath_init(copa__jpath *p, const char *root)
{
    snprintf(p->buf, sizeof(p->buf), "%s", root);
    p->len = strlen(p->buf);
}

static size_t jpath_append(copa__jpath *p, const char *fmt, const char *key, size_t index)
{
    size_t old = p->len;
    int n;

    if (old >= sizeof(p->buf) - 1)
        return old;
    if (key != NULL)
        n = snprintf(p->buf + old, sizeof(p->buf) - old, fmt, key);
    else
        n = snprintf(p->buf + old, sizeof(p->buf) - old, fmt, index);
    if (n < 0)
        n = 0;
    p->len = old + (size_t)n < sizeof(p->buf) ? old + (size_t)n : sizeof(p->buf) - 1;
    return old;
}

size_t copa__jpath_key(copa__jpath *p, const char *key)
{
    return jpath_append(p, p->len == 0 ? "%s" : ".%s", key, 0);
}

size_t copa__jpath_index(copa__jpath *p, size_t index)
{
    return jpath_append(p, "[%zu]", NULL, index);
}

void copa__jpath_pop(copa__jpath *p, size_t length)
{
    p->len = length;
    p->buf[length] = '\0';
}

const char *copa__json_kind(const cJSON *item)
{
    if (item == NULL)
        return "nothing";
    if (cJSON_IsNull(item))
        return "null";
    if (cJSON_IsBool(item))
        return "a boolean";
    if (cJSON_IsNumber(item))
        return "a number";
    if (cJSON_IsString(item))
        return "a string";
    if (cJSON_IsArray(item))
        return "an array";
    if (cJSON_IsObject(item))
        return "an object";
    return "an unknown value";
}

int copa__json_type_error(const copa__jpath *p, const char *expected, const cJSON *got)
{
    return copa__error_set(COPA_EINVALID, "%s: expected %s, got %s", p->buf, expected,
                           copa__json_kind(got));
}

/* Find obj.key; sets *item NULL for absent or null. */
static int lookup(const cJSON **item, const cJSON *obj, const char *key, int required,
                  copa__jpath *p)
{
    const cJSON *found = cJSON_GetObjectItemCaseSensitive(obj, key);

    *item = NULL;
    if (found == NULL || cJSON_IsNull(found)) {
        if (!required)
            return 0;
        size_t old = copa__jpath_key(p, key);
        copa__error_set(COPA_EINVALID, "%s: required field is %s", p->buf,
                        found == NULL ? "missing" : "null");
        copa__jpath_pop(p, old);
        return COPA_EINVALID;
    }
    *item = found;
    return 0;
}

static int typed(const cJSON **out, const cJSON *obj, const char *key, int required, copa__jpath *p,
                 cJSON_bool (*is)(const cJSON *), const char *expected)
{
    const cJSON *item;
    int rc = lookup(&item, obj, key, required, p);

    *out = NULL;
    if (rc != 0 || item == NULL)
        return rc;
    if (!is(item)) {
        size_t old = copa__jpath_key(p, key);
        rc = copa__json_type_error(p, expected, item);
        copa__jpath_pop(p, old);
        return rc;
    }
    *out = item;
    return 0;
}

int copa__json_string(const char **out, const cJSON *obj, const char *key, int required,
                      copa__jpath *p)
{
    const cJSON *item;
    int rc = typed(&item, obj, key, required, p, cJSON_IsString, "a string");

    *out = item != NULL ? item->valuestring : NULL;
    return rc;
}

int copa__json_object(const cJSON **out, const cJSON *obj, const char *key, int required,
                      copa__jpath *p)
{
    return typed(out, obj, key, required, p, cJSON_IsObject, "an object");
}

int copa__json_array(const cJSON **out, const cJSON *obj, const char *key, int required,
                     copa__jpath *p)
{
    return typed(out, obj, key, required, p, cJSON_IsArray, "an array");
}
