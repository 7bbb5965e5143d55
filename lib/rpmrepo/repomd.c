/*
 * repomd.xml with expat (guarded: no DTD). Only the elements the engine
 * uses are kept; unknown ones (tags, header-checksum of zchunk files,
 * database_version) are skipped.
 */
#include "rpmrepo/repomd.h"
#include "rpmrepo/xml_guard.h"
#include "util/buffer.h"
#include "util/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A real repomd.xml is a few KiB with about ten entries. */
enum { MAX_REPOMD = 4 * 1024 * 1024, MAX_DATA = 256, MAX_TEXT = 4096 };

typedef enum field {
    F_NONE,
    F_REVISION,
    F_CHECKSUM,
    F_OPEN_CHECKSUM,
    F_TIMESTAMP,
    F_SIZE,
    F_OPEN_SIZE
} field;

typedef struct repomd_state {
    copa__xml_ctx x; /* first: the guard's handlers cast to it */
    copa__repomd *md;
    size_t capacity;
    copa__repomd_data *cur; /* inside <data>, else NULL */
    field field;
    const char *field_type; /* type= of a checksum element */
    copa__buf text;
} repomd_state;

static int copy(const char **out, repomd_state *s, const char *v)
{
    *out = copa__arena_strdup(&s->md->arena, v);
    return *out == NULL ? copa__xml_fail(&s->x, COPA_ENOMEM, "out of memory") : 0;
}

static int begin_data(repomd_state *s, const char **attrs)
{
    const char *type = copa__xml_attr(attrs, "type");
    size_t i;

    if (type == NULL || *type == '\0')
        return copa__xml_fail(&s->x, COPA_EINVALID, "<data> without type");
    for (i = 0; i < s->md->count; i++)
        if (strcmp(s->md->data[i].type, type) == 0)
            return copa__xml_fail(&s->x, COPA_EINVALID, "data type %s listed twice", type);
    if (s->md->count >= MAX_DATA)
        return copa__xml_fail(&s->x, COPA_EINVALID, "more than %d data entries", MAX_DATA);
    if (s->md->count == s->capacity) {
        size_t cap = s->capacity ? s->capacity * 2 : 16;
        copa__repomd_data *d = realloc(s->md->data, cap * sizeof(*d));
        if (d == NULL)
            return copa__xml_fail(&s->x, COPA_ENOMEM, "out of memory");
        s->md->data = d;
        s->capacity = cap;
    }
    s->cur = &s->md->data[s->md->count++];
    memset(s->cur, 0, sizeof(*s->cur));
    s->cur->size = UINT64_MAX;
    s->cur->open_size = UINT64_MAX;
    return copy(&s->cur->type, s, type);
}

/* A location stays inside the repository: relative, no "..", no scheme. */
int copa__rpm_href_safe(const char *href)
{
    const char *p = href;

    if (*href == '\0' || *href == '/' || strstr(href, "://") != NULL || strchr(href, '\\'))
        return 0;
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return 0;
        p += n;
        if (*p == '/')
            p++;
    }
    return 1;
}

static int begin_location(repomd_state *s, const char **attrs)
{
    const char *href = copa__xml_attr(attrs, "href"), *base = copa__xml_attr(attrs, "base");

    if (href == NULL || !copa__rpm_href_safe(href))
        return copa__xml_fail(&s->x, COPA_EINVALID,
                              "data %s: location href %s is not a path "
                              "inside the repository",
                              s->cur->type, href ? href : "(missing)");
    if (copy(&s->cur->href, s, href) != 0)
        return s->x.rc;
    return base != NULL ? copy(&s->cur->base, s, base) : 0;
}

static void XMLCALL on_start(void *user, const XML_Char *name, const XML_Char **attrs)
{
    repomd_state *s = user;
    const char *local = copa__xml_local(name);

    if (++s->x.depth > s->x.max_depth) {
        copa__xml_fail(&s->x, COPA_EINVALID, "elements nested too deeply");
        return;
    }
    s->field = F_NONE;
    copa__buf_clear(&s->text);
    if (s->x.depth == 2 && strcmp(local, "revision") == 0) {
        s->field = F_REVISION;
    } else if (s->x.depth == 2 && strcmp(local, "data") == 0) {
        begin_data(s, attrs);
    } else if (s->cur != NULL && s->x.depth == 3) {
        if (strcmp(local, "location") == 0)
            begin_location(s, attrs);
        else if (strcmp(local, "checksum") == 0)
            s->field = F_CHECKSUM;
        else if (strcmp(local, "open-checksum") == 0)
            s->field = F_OPEN_CHECKSUM;
        else if (strcmp(local, "timestamp") == 0)
            s->field = F_TIMESTAMP;
        else if (strcmp(local, "size") == 0)
            s->field = F_SIZE;
        else if (strcmp(local, "open-size") == 0)
            s->field = F_OPEN_SIZE;
        s->field_type = NULL;
        if ((s->field == F_CHECKSUM || s->field == F_OPEN_CHECKSUM) &&
            (s->field_type = copa__xml_attr(attrs, "type")) == NULL)
            copa__xml_fail(&s->x, COPA_EINVALID, "data %s: %s without type", s->cur->type, local);
    } else if (s->x.depth == 1 && strcmp(local, "repomd") != 0) {
        copa__xml_fail(&s->x, COPA_EINVALID, "root element is <%s>, not <repomd>", local);
    }
}

static void XMLCALL on_text(void *user, const XML_Char *text, int len)
{
    repomd_state *s = user;

    if (s->field == F_NONE || s->x.rc != 0)
        return;
    if (s->text.length + (size_t)len > MAX_TEXT) {
        copa__xml_fail(&s->x, COPA_EINVALID, "element text longer than %d bytes", MAX_TEXT);
        return;
    }
    if (copa__buf_append(&s->text, text, (size_t)len) != 0)
        copa__xml_fail(&s->x, COPA_ENOMEM, "out of memory");
}

static int parse_u64(uint64_t *out, const char *v)
{
    char *end;
    unsigned long long n;

    if (*v < '0' || *v > '9')
        return -1;
    errno = 0;
    n = strtoull(v, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = n;
    return 0;
}

/* Hex digests are kept lower-case; anything but hex digits is refused. */
static int set_checksum(repomd_state *s, const char **type_out, const char **hex_out, const char *v)
{
    char *hex;
    size_t i, n = strlen(v);

    if (n == 0 || n > 256)
        return copa__xml_fail(&s->x, COPA_EINVALID, "data %s: bad checksum", s->cur->type);
    if (copy(type_out, s, s->field_type) != 0 ||
        (hex = copa__arena_strdup(&s->md->arena, v)) == NULL)
        return copa__xml_fail(&s->x, COPA_ENOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        char c = hex[i];
        if (c >= 'A' && c <= 'F')
            hex[i] = (char)(c - 'A' + 'a');
        else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return copa__xml_fail(&s->x, COPA_EINVALID, "data %s: checksum is not hex",
                                  s->cur->type);
    }
    *hex_out = hex;
    return 0;
}

static void finish_field(repomd_state *s)
{
    const char *v = s->text.data != NULL ? s->text.data : "";
    uint64_t n;

    while (*v == ' ' || *v == '\n' || *v == '\t' || *v == '\r')
        v++;
    for (size_t len = strlen(v); len > 0 && strchr(" \n\t\r", v[len - 1]); len--)
        s->text.data[(size_t)(v - s->text.data) + len - 1] = '\0';
    switch (s->field) {
    case F_REVISION:
        copy(&s->md->revision, s, v);
        break;
    case F_CHECKSUM:
        set_checksum(s, &s->cur->checksum_type, &s->cur->checksum, v);
        break;
    case F_OPEN_CHECKSUM:
        set_checksum(s, &s->cur->open_checksum_type, &s->cur->open_checksum, v);
        break;
    case F_TIMESTAMP:
        if (parse_u64(&n, v) != 0 || n > INT64_MAX)
            copa__xml_fail(&s->x, COPA_EINVALID, "data %s: bad timestamp", s->cur->type);
        else
            s->cur->timestamp = (int64_t)n;
        break;
    case F_SIZE:
    case F_OPEN_SIZE:
        if (parse_u64(&n, v) != 0)
            copa__xml_fail(&s->x, COPA_EINVALID, "data %s: bad size", s->cur->type);
        else if (s->field == F_SIZE)
            s->cur->size = n;
        else
            s->cur->open_size = n;
        break;
    default:
        break;
    }
}

static void XMLCALL on_end(void *user, const XML_Char *name)
{
    repomd_state *s = user;

    if (s->x.rc != 0)
        return;
    if (s->field != F_NONE)
        finish_field(s);
    s->field = F_NONE;
    if (s->x.depth == 2 && s->cur != NULL && strcmp(copa__xml_local(name), "data") == 0) {
        if (s->cur->href == NULL)
            copa__xml_fail(&s->x, COPA_EINVALID, "data %s without location", s->cur->type);
        else if (s->cur->checksum == NULL)
            copa__xml_fail(&s->x, COPA_EINVALID, "data %s without checksum", s->cur->type);
        s->cur = NULL;
    }
    s->x.depth--;
}

int copa__repomd_parse(copa__repomd **out, const char *name, const char *xml, size_t len)
{
    repomd_state s;
    int rc;

    *out = NULL;
    if (len > MAX_REPOMD)
        return copa__error_set(COPA_EINVALID, "%s: larger than %d bytes", name, MAX_REPOMD);
    memset(&s, 0, sizeof(s));
    s.md = calloc(1, sizeof(*s.md));
    if (s.md == NULL)
        return copa__error_oom();
    copa__arena_init(&s.md->arena);
    rc = copa__xml_init(&s.x, name, &s, on_start, on_end, on_text);
    if (rc == 0)
        rc = copa__xml_feed(&s.x, xml, len, 1);
    copa__xml_free(&s.x);
    copa__buf_free(&s.text);
    if (rc != 0) {
        copa__repomd_free(s.md);
        return rc;
    }
    *out = s.md;
    return 0;
}

void copa__repomd_free(copa__repomd *md)
{
    if (md == NULL)
        return;
    free(md->data);
    copa__arena_free(&md->arena);
    free(md);
}

const copa__repomd_data *copa__repomd_find(const copa__repomd *md, const char *type)
{
    size_t i;

    for (i = 0; md != NULL && i < md->count; i++)
        if (strcmp(md->data[i].type, type) == 0)
            return &md->data[i];
    return NULL;
}
