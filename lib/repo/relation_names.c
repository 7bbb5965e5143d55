/*
 * Relation names: alternatives are split at ',' and '|'; each starts with
 * its name after blanks (a raw value's line breaks count as blanks).
 */
#include "repo/relation_names.h"

#include <string.h>

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '+' || c == '-';
}

const char *copa__relation_next_name(const char *p, const char *end, const char **name, size_t *len)
{
    const char *start;

    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == ',' || *p == '|'))
        p++;
    if (p >= end || *p == '\0')
        return NULL;
    start = p;
    while (p < end && is_name_char(*p))
        p++;
    *name = start;
    *len = (size_t)(p - start);
    while (p < end && *p != '\0' && *p != ',' && *p != '|')
        p++;
    return p;
}

int copa__relation_each_name(const char *text,
                             int (*fn)(void *payload, const char *name, size_t len), void *payload)
{
    const char *p = text, *end, *name;
    size_t len;
    int rc = 0;

    if (text == NULL)
        return 0;
    end = text + strlen(text);
    while (rc == 0 && (p = copa__relation_next_name(p, end, &name, &len)) != NULL)
        rc = fn(payload, name, len);
    return rc;
}
