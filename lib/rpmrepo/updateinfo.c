/*
 * The updateinfo.xml parser: <updates><update type=..><id/><severity/>
 * <issued date=../><references><reference type="cve" id=../></references>
 * <pkglist><collection><package name= epoch= version= release= arch=/>
 * </collection></pkglist></update></updates>. A package listed in several
 * collections of one advisory is kept once per listing.
 */
#include "rpmrepo/updateinfo.h"
#include "rpmrepo/decompress.h"
#include "rpmrepo/xml_guard.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

enum {
    MAX_ADVISORIES = 500000,
    MAX_ITEMS = 100000,
    MAX_TEXT = 64 * 1024,
    D_UPDATE = 2,
    D_FIELD = 3
};
#define MAX_UNCOMPRESSED ((uint64_t)2 << 30)

typedef enum capture { C_NONE, C_ID, C_SEVERITY } capture;

typedef struct ui_state {
    copa__xml_ctx x; /* first: the guard's handlers cast to it */
    copa__rpm_updateinfo *ui;
    size_t capacity;
    copa__rpm_advisory *cur;
    capture capture;
    copa__buf text;
    const char **cves; /* scratch for the open advisory */
    size_t cve_used, cve_cap;
    copa__rpm_advisory_pkg *pkgs;
    size_t pkg_used, pkg_cap;
} ui_state;

static const char *keep(ui_state *s, const char *v)
{
    const char *c;

    if (v == NULL)
        return NULL;
    if (strlen(v) > MAX_TEXT) {
        copa__xml_fail(&s->x, COPA_EINVALID, "value longer than %d bytes", MAX_TEXT);
        return NULL;
    }
    if (strcmp(v, "0") == 0)
        return "0";
    c = copa__arena_strdup(&s->ui->arena, v);
    if (c == NULL)
        copa__xml_fail(&s->x, COPA_ENOMEM, "out of memory");
    return c;
}

/* Make room for one more element of a scratch array. */
static int reserve(ui_state *s, void **array, size_t *cap, size_t used, size_t size)
{
    void *grown;

    if (used >= MAX_ITEMS)
        return copa__xml_fail(&s->x, COPA_EINVALID, "advisory %s: more than %d entries",
                              s->cur->id ? s->cur->id : "?", MAX_ITEMS);
    if (used < *cap)
        return 0;
    grown = realloc(*array, (*cap ? *cap * 2 : 32) * size);
    if (grown == NULL)
        return copa__xml_fail(&s->x, COPA_ENOMEM, "out of memory");
    *array = grown;
    *cap = *cap ? *cap * 2 : 32;
    return 0;
}

static void begin_update(ui_state *s, const char **attrs)
{
    const char *type = copa__xml_attr(attrs, "type");

    if (s->ui->count >= MAX_ADVISORIES) {
        copa__xml_fail(&s->x, COPA_EINVALID, "more than %d advisories", MAX_ADVISORIES);
        return;
    }
    if (s->ui->count == s->capacity) {
        size_t cap = s->capacity ? s->capacity * 2 : 64;
        copa__rpm_advisory *grown = realloc(s->ui->advisories, cap * sizeof(*grown));
        if (grown == NULL) {
            copa__xml_fail(&s->x, COPA_ENOMEM, "out of memory");
            return;
        }
        s->ui->advisories = grown;
        s->capacity = cap;
    }
    s->cur = &s->ui->advisories[s->ui->count++];
    memset(s->cur, 0, sizeof(*s->cur));
    s->cur->type = keep(s, type != NULL ? type : "");
    s->cve_used = s->pkg_used = 0;
}

static void on_reference(ui_state *s, const char **attrs)
{
    const char *type = copa__xml_attr(attrs, "type"), *id = copa__xml_attr(attrs, "id");

    if (type == NULL || strcmp(type, "cve") != 0 || id == NULL || *id == '\0')
        return;
    if (reserve(s, (void **)&s->cves, &s->cve_cap, s->cve_used, sizeof(*s->cves)) == 0)
        s->cves[s->cve_used++] = keep(s, id);
}

static void on_package(ui_state *s, const char **attrs)
{
    copa__rpm_advisory_pkg *p;
    const char *epoch = copa__xml_attr(attrs, "epoch");

    if (reserve(s, (void **)&s->pkgs, &s->pkg_cap, s->pkg_used, sizeof(*s->pkgs)) != 0)
        return;
    p = &s->pkgs[s->pkg_used];
    p->name = keep(s, copa__xml_attr(attrs, "name"));
    p->epoch = keep(s, epoch != NULL && *epoch != '\0' ? epoch : "0");
    p->version = keep(s, copa__xml_attr(attrs, "version"));
    p->release = keep(s, copa__xml_attr(attrs, "release"));
    p->arch = keep(s, copa__xml_attr(attrs, "arch"));
    if (s->x.rc == 0 && (p->name == NULL || p->version == NULL || p->release == NULL)) {
        copa__xml_fail(&s->x, COPA_EINVALID,
                       "advisory %s: package without name, version or "
                       "release",
                       s->cur->id ? s->cur->id : "?");
        return;
    }
    s->pkg_used++;
}

static void XMLCALL on_start(void *user, const XML_Char *name, const XML_Char **attrs)
{
    ui_state *s = user;
    const char *local = copa__xml_local(name);

    if (s->x.rc != 0)
        return;
    if (++s->x.depth > s->x.max_depth) {
        copa__xml_fail(&s->x, COPA_EINVALID, "elements nested too deeply");
        return;
    }
    if (s->x.depth == 1 && strcmp(local, "updates") != 0)
        copa__xml_fail(&s->x, COPA_EINVALID, "root element is <%s>, not <updates>", local);
    else if (s->x.depth == D_UPDATE && strcmp(local, "update") == 0)
        begin_update(s, attrs);
    else if (s->cur == NULL)
        return;
    else if (s->x.depth == D_FIELD && strcmp(local, "id") == 0)
        s->capture = C_ID, copa__buf_clear(&s->text);
    else if (s->x.depth == D_FIELD && strcmp(local, "severity") == 0)
        s->capture = C_SEVERITY, copa__buf_clear(&s->text);
    else if (s->x.depth == D_FIELD && strcmp(local, "issued") == 0)
        s->cur->issued = keep(s, copa__xml_attr(attrs, "date"));
    else if (strcmp(local, "reference") == 0)
        on_reference(s, attrs);
    else if (strcmp(local, "package") == 0)
        on_package(s, attrs);
}

static void XMLCALL on_text(void *user, const XML_Char *text, int len)
{
    ui_state *s = user;

    if (s->capture == C_NONE || s->x.rc != 0)
        return;
    if (s->text.length + (size_t)len > MAX_TEXT) {
        copa__xml_fail(&s->x, COPA_EINVALID, "element text longer than %d bytes", MAX_TEXT);
        return;
    }
    if (copa__buf_append(&s->text, text, (size_t)len) != 0)
        copa__xml_fail(&s->x, COPA_ENOMEM, "out of memory");
}

static void finish_capture(ui_state *s)
{
    char *v = s->text.data != NULL ? s->text.data : (char *)"";
    size_t n;

    while (*v == ' ' || *v == '\n' || *v == '\t' || *v == '\r')
        v++;
    n = strlen(v);
    while (n > 0 && strchr(" \n\t\r", v[n - 1]))
        v[--n] = '\0';
    if (s->capture == C_ID)
        s->cur->id = keep(s, v);
    else if (s->capture == C_SEVERITY)
        s->cur->severity = *v != '\0' ? keep(s, v) : NULL;
    s->capture = C_NONE;
}

/* The advisory ends: its lists move into the arena. */
static void end_update(ui_state *s)
{
    copa__rpm_advisory *a = s->cur;

    s->cur = NULL;
    if (a->id == NULL || *a->id == '\0') {
        copa__xml_fail(&s->x, COPA_EINVALID, "advisory without id");
        return;
    }
    if (s->cve_used > 0) {
        a->cves = copa__arena_alloc(&s->ui->arena, s->cve_used * sizeof(*a->cves));
        if (a->cves == NULL) {
            copa__xml_fail(&s->x, COPA_ENOMEM, "out of memory");
            return;
        }
        memcpy(a->cves, s->cves, s->cve_used * sizeof(*a->cves));
        a->cve_count = s->cve_used;
    }
    if (s->pkg_used > 0) {
        a->pkgs = copa__arena_alloc(&s->ui->arena, s->pkg_used * sizeof(*a->pkgs));
        if (a->pkgs == NULL) {
            copa__xml_fail(&s->x, COPA_ENOMEM, "out of memory");
            return;
        }
        memcpy(a->pkgs, s->pkgs, s->pkg_used * sizeof(*a->pkgs));
        a->pkg_count = s->pkg_used;
    }
}

static void XMLCALL on_end(void *user, const XML_Char *name)
{
    ui_state *s = user;
    unsigned depth = s->x.depth--;

    (void)name;
    if (s->x.rc != 0)
        return;
    if (s->capture != C_NONE)
        finish_capture(s);
    if (depth == D_UPDATE && s->cur != NULL)
        end_update(s);
}

static int feed(const void *data, size_t len, void *payload)
{
    ui_state *s = payload;

    return copa__xml_feed(&s->x, data, len, len == 0);
}

int copa__rpm_updateinfo_parse(copa__rpm_updateinfo **out, const char *name, const void *data,
                               size_t len)
{
    ui_state *s = calloc(1, sizeof(*s));
    int rc;

    *out = NULL;
    if (s == NULL || (s->ui = calloc(1, sizeof(*s->ui))) == NULL) {
        free(s);
        return copa__error_oom();
    }
    copa__arena_init(&s->ui->arena);
    rc = copa__xml_init(&s->x, name, s, on_start, on_end, on_text);
    if (rc == 0)
        rc = copa__rpm_decompress(name, data, len, MAX_UNCOMPRESSED, feed, s);
    copa__xml_free(&s->x);
    copa__buf_free(&s->text);
    free((void *)s->cves);
    free(s->pkgs);
    if (rc == 0)
        *out = s->ui;
    else
        copa__rpm_updateinfo_free(s->ui);
    free(s);
    return rc;
}

void copa__rpm_updateinfo_free(copa__rpm_updateinfo *ui)
{
    if (ui == NULL)
        return;
    free(ui->advisories);
    copa__arena_free(&ui->arena);
    free(ui);
}
