/*
 * The primary.xml parser: expat handlers that fill one package at a time
 * and copy its dependencies and files into the arena when their lists
 * end, so the scratch arrays are reused across packages.
 */
#include "rpmrepo/primary.h"
#include "rpmrepo/decompress.h"
#include "rpmrepo/repomd.h"
#include "rpmrepo/xml_guard.h"
#include "util/buffer.h"
#include "util/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Element depths: metadata 1, package 2, its fields 3, format's 4, entries 5. */
enum { D_PACKAGE = 2, D_FIELD = 3, D_FORMAT_CHILD = 4, D_ENTRY = 5 };

typedef enum capture { C_NONE, C_NAME, C_ARCH, C_CHECKSUM, C_SOURCERPM, C_FILE } capture;

typedef struct primary_state {
    copa__xml_ctx x; /* first: the guard's handlers cast to it */
    copa__rpm_primary *p;
    copa__rpm_primary_limits lim;
    size_t capacity;
    copa__rpm_pkg *cur;
    int in_format;
    int dep_kind; /* the open dependency list, or -1 */
    capture capture;
    uint8_t file_type;
    copa__buf text;
    copa__rpm_dep *deps; /* scratch for the open list */
    size_t dep_used, dep_cap;
    copa__rpm_file *files; /* scratch for the package's files */
    size_t file_used, file_cap;
} primary_state;

static const char *const dep_elements[COPA_RPM_DEP_KINDS] = {
    "provides",   "requires", "conflicts",   "obsoletes",
    "recommends", "suggests", "supplements", "enhances"};

int copa__rpm_dep_kind_of(const char *element)
{
    int i;

    for (i = 0; i < COPA_RPM_DEP_KINDS; i++)
        if (strcmp(element, dep_elements[i]) == 0)
            return i;
    return -1;
}

int copa__rpm_cmp_of(const char *flags)
{
    static const char *const names[] = {"EQ", "LT", "GT", "LE", "GE"};
    int i;

    for (i = 0; i < 5; i++)
        if (strcmp(flags, names[i]) == 0)
            return COPA_RPM_CMP_EQ + i;
    return -1;
}

static int oom(primary_state *s)
{
    return copa__xml_fail(&s->x, COPA_ENOMEM, "out of memory");
}

/* An arena copy; "0" and "" share static storage (every package has them). */
static const char *keep(primary_state *s, const char *v)
{
    const char *c;

    if (v == NULL)
        return NULL;
    if (strlen(v) > s->lim.max_text) {
        copa__xml_fail(&s->x, COPA_EINVALID, "value longer than %zu bytes", s->lim.max_text);
        return NULL;
    }
    if (strcmp(v, "0") == 0)
        return "0";
    if (*v == '\0')
        return "";
    if (s->p->arena.total > s->lim.max_memory) {
        copa__xml_fail(&s->x, COPA_EINVALID, "the package model exceeds %zu bytes",
                       s->lim.max_memory);
        return NULL;
    }
    c = copa__arena_strdup(&s->p->arena, v);
    if (c == NULL)
        oom(s);
    return c;
}

static int parse_u64(uint64_t *out, const char *v)
{
    char *end;

    if (v == NULL) {
        *out = 0;
        return 0;
    }
    if (*v < '0' || *v > '9')
        return -1;
    errno = 0;
    *out = strtoull(v, &end, 10);
    return errno != 0 || *end != '\0' ? -1 : 0;
}

static void begin_package(primary_state *s)
{
    if (s->p->count >= s->lim.max_packages) {
        copa__xml_fail(&s->x, COPA_EINVALID, "more than %zu packages", s->lim.max_packages);
        return;
    }
    if (s->p->count == s->capacity) {
        size_t cap = s->capacity ? s->capacity * 2 : 256;
        copa__rpm_pkg *grown = realloc(s->p->pkgs, cap * sizeof(*grown));
        if (grown == NULL) {
            oom(s);
            return;
        }
        s->p->pkgs = grown;
        s->capacity = cap;
    }
    s->cur = &s->p->pkgs[s->p->count++];
    memset(s->cur, 0, sizeof(*s->cur));
    s->cur->epoch = "0";
    s->file_used = 0;
}

static void on_version(primary_state *s, const char **attrs)
{
    const char *epoch = copa__xml_attr(attrs, "epoch");

    s->cur->epoch = keep(s, epoch != NULL && *epoch != '\0' ? epoch : "0");
    s->cur->version = keep(s, copa__xml_attr(attrs, "ver"));
    s->cur->release = keep(s, copa__xml_attr(attrs, "rel"));
}

static void on_location(primary_state *s, const char **attrs)
{
    const char *href = copa__xml_attr(attrs, "href"), *base = copa__xml_attr(attrs, "base");

    if (href == NULL || !copa__rpm_href_safe(href)) {
        copa__xml_fail(&s->x, COPA_EINVALID,
                       "package %s: location href %s is not a path inside "
                       "the repository",
                       s->cur->name ? s->cur->name : "?", href ? href : "(missing)");
        return;
    }
    s->cur->href = keep(s, href);
    s->cur->base = keep(s, base);
}

static void on_size(primary_state *s, const char **attrs)
{
    if (parse_u64(&s->cur->size_package, copa__xml_attr(attrs, "package")) != 0 ||
        parse_u64(&s->cur->size_installed, copa__xml_attr(attrs, "installed")) != 0)
        copa__xml_fail(&s->x, COPA_EINVALID, "package %s: bad size",
                       s->cur->name ? s->cur->name : "?");
}

static void on_entry(primary_state *s, const char **attrs)
{
    const char *name = copa__xml_attr(attrs, "name"), *flags = copa__xml_attr(attrs, "flags");
    const char *pre = copa__xml_attr(attrs, "pre");
    copa__rpm_dep *d;
    int cmp = flags != NULL ? copa__rpm_cmp_of(flags) : COPA_RPM_CMP_ANY;

    if (name == NULL || *name == '\0' || cmp < 0) {
        copa__xml_fail(&s->x, COPA_EINVALID, "package %s: %s entry without name or with bad flags",
                       s->cur->name ? s->cur->name : "?", dep_elements[s->dep_kind]);
        return;
    }
    if (s->dep_used >= s->lim.max_entries) {
        copa__xml_fail(&s->x, COPA_EINVALID, "package %s: more than %zu %s entries",
                       s->cur->name ? s->cur->name : "?", s->lim.max_entries,
                       dep_elements[s->dep_kind]);
        return;
    }
    if (s->dep_used == s->dep_cap) {
        size_t cap = s->dep_cap ? s->dep_cap * 2 : 64;
        d = realloc(s->deps, cap * sizeof(*d));
        if (d == NULL) {
            oom(s);
            return;
        }
        s->deps = d;
        s->dep_cap = cap;
    }
    d = &s->deps[s->dep_used++];
    d->name = keep(s, name);
    d->epoch = keep(s, copa__xml_attr(attrs, "epoch"));
    d->ver = keep(s, copa__xml_attr(attrs, "ver"));
    d->rel = keep(s, copa__xml_attr(attrs, "rel"));
    d->cmp = (uint8_t)cmp;
    d->pre = pre != NULL && (strcmp(pre, "1") == 0 || strcmp(pre, "true") == 0);
}

/* The open dependency list ends: its entries move into the arena. */
static void end_dep_list(primary_state *s)
{
    copa__rpm_dep *kept;
    int kind = s->dep_kind;

    s->dep_kind = -1;
    if (s->dep_used == 0 || s->cur->dep_count[kind] != 0) {
        if (s->dep_used != 0)
            copa__xml_fail(&s->x, COPA_EINVALID, "package %s: two %s lists",
                           s->cur->name ? s->cur->name : "?", dep_elements[kind]);
        return;
    }
    kept = copa__arena_alloc(&s->p->arena, s->dep_used * sizeof(*kept));
    if (kept == NULL) {
        oom(s);
        return;
    }
    memcpy(kept, s->deps, s->dep_used * sizeof(*kept));
    s->cur->deps[kind] = kept;
    s->cur->dep_count[kind] = (uint32_t)s->dep_used;
}

static void start_capture(primary_state *s, capture c)
{
    s->capture = c;
    copa__buf_clear(&s->text);
}

static void begin_field(primary_state *s, const char *local, const char **attrs)
{
    if (strcmp(local, "name") == 0) {
        start_capture(s, C_NAME);
    } else if (strcmp(local, "arch") == 0) {
        start_capture(s, C_ARCH);
    } else if (strcmp(local, "version") == 0) {
        on_version(s, attrs);
    } else if (strcmp(local, "checksum") == 0) {
        const char *type = copa__xml_attr(attrs, "type");
        s->cur->checksum_type = keep(s, type != NULL ? type : "");
        start_capture(s, C_CHECKSUM);
    } else if (strcmp(local, "location") == 0) {
        on_location(s, attrs);
    } else if (strcmp(local, "size") == 0) {
        on_size(s, attrs);
    } else if (strcmp(local, "format") == 0) {
        s->in_format = 1;
    }
}

static void begin_format_child(primary_state *s, const char *local, const char **attrs)
{
    const char *type;

    if (strcmp(local, "sourcerpm") == 0) {
        start_capture(s, C_SOURCERPM);
    } else if (strcmp(local, "file") == 0) {
        type = copa__xml_attr(attrs, "type");
        s->file_type = type == NULL                 ? COPA_RPM_FILE_REGULAR
                       : strcmp(type, "dir") == 0   ? COPA_RPM_FILE_DIR
                       : strcmp(type, "ghost") == 0 ? COPA_RPM_FILE_GHOST
                                                    : COPA_RPM_FILE_REGULAR;
        start_capture(s, C_FILE);
    } else if ((s->dep_kind = copa__rpm_dep_kind_of(local)) >= 0) {
        s->dep_used = 0;
    }
}

static void XMLCALL on_start(void *user, const XML_Char *name, const XML_Char **attrs)
{
    primary_state *s = user;
    const char *local = copa__xml_local(name);

    if (s->x.rc != 0)
        return;
    if (++s->x.depth > s->x.max_depth) {
        copa__xml_fail(&s->x, COPA_EINVALID, "elements nested too deeply");
        return;
    }
    if (s->x.depth == 1 && strcmp(local, "metadata") != 0)
        copa__xml_fail(&s->x, COPA_EINVALID, "root element is <%s>, not <metadata>", local);
    else if (s->x.depth == D_PACKAGE && strcmp(local, "package") == 0)
        begin_package(s);
    else if (s->cur == NULL)
        return;
    else if (s->x.depth == D_FIELD)
        begin_field(s, local, attrs);
    else if (s->x.depth == D_FORMAT_CHILD && s->in_format)
        begin_format_child(s, local, attrs);
    else if (s->x.depth == D_ENTRY && s->dep_kind >= 0 && strcmp(local, "entry") == 0)
        on_entry(s, attrs);
}

static void XMLCALL on_text(void *user, const XML_Char *text, int len)
{
    primary_state *s = user;

    if (s->capture == C_NONE || s->x.rc != 0)
        return;
    if (s->text.length + (size_t)len > s->lim.max_text) {
        copa__xml_fail(&s->x, COPA_EINVALID, "element text longer than %zu bytes", s->lim.max_text);
        return;
    }
    if (copa__buf_append(&s->text, text, (size_t)len) != 0)
        oom(s);
}

static void add_file(primary_state *s, const char *path)
{
    if (s->file_used >= s->lim.max_entries) {
        copa__xml_fail(&s->x, COPA_EINVALID, "package %s: more than %zu files",
                       s->cur->name ? s->cur->name : "?", s->lim.max_entries);
        return;
    }
    if (s->file_used == s->file_cap) {
        size_t cap = s->file_cap ? s->file_cap * 2 : 64;
        copa__rpm_file *grown = realloc(s->files, cap * sizeof(*grown));
        if (grown == NULL) {
            oom(s);
            return;
        }
        s->files = grown;
        s->file_cap = cap;
    }
    s->files[s->file_used].path = keep(s, path);
    s->files[s->file_used++].type = s->file_type;
}

static void set_checksum(primary_state *s, char *hex)
{
    size_t i;

    for (i = 0; hex[i]; i++) {
        if (hex[i] >= 'A' && hex[i] <= 'F')
            hex[i] = (char)(hex[i] - 'A' + 'a');
        else if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f'))) {
            copa__xml_fail(&s->x, COPA_EINVALID, "package %s: checksum is not hex",
                           s->cur->name ? s->cur->name : "?");
            return;
        }
    }
    s->cur->checksum = keep(s, hex);
}

static void finish_capture(primary_state *s)
{
    char *v = s->text.data != NULL ? s->text.data : (char *)"";
    size_t n = strlen(v);

    /* Text of these elements has no meaningful surrounding whitespace. */
    while (*v == ' ' || *v == '\n' || *v == '\t' || *v == '\r')
        v++, n--;
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\n' || v[n - 1] == '\t' || v[n - 1] == '\r'))
        v[--n] = '\0';
    switch (s->capture) {
    case C_NAME:
        s->cur->name = keep(s, v);
        break;
    case C_ARCH:
        s->cur->arch = keep(s, v);
        break;
    case C_CHECKSUM:
        set_checksum(s, v);
        break;
    case C_SOURCERPM:
        s->cur->sourcerpm = *v != '\0' ? keep(s, v) : NULL;
        break;
    case C_FILE:
        if (*v != '\0')
            add_file(s, v);
        break;
    default:
        break;
    }
    s->capture = C_NONE;
}

/* A package ends: check it names what the engine needs, keep its files. */
static void end_package(primary_state *s)
{
    copa__rpm_pkg *p = s->cur;

    s->cur = NULL;
    s->in_format = 0;
    if (p->name == NULL || *p->name == '\0' || p->arch == NULL || *p->arch == '\0' ||
        p->version == NULL || p->release == NULL) {
        copa__xml_fail(&s->x, COPA_EINVALID, "package %s without name, arch, version or release",
                       p->name ? p->name : "?");
        return;
    }
    if (p->checksum == NULL || *p->checksum == '\0' || p->href == NULL) {
        copa__xml_fail(&s->x, COPA_EINVALID, "package %s without checksum or location", p->name);
        return;
    }
    if (s->file_used > 0) {
        p->files = copa__arena_alloc(&s->p->arena, s->file_used * sizeof(*p->files));
        if (p->files == NULL) {
            oom(s);
            return;
        }
        memcpy(p->files, s->files, s->file_used * sizeof(*p->files));
        p->file_count = (uint32_t)s->file_used;
    }
}

static void XMLCALL on_end(void *user, const XML_Char *name)
{
    primary_state *s = user;
    unsigned depth = s->x.depth--;

    (void)name;
    if (s->x.rc != 0)
        return;
    if (s->capture != C_NONE)
        finish_capture(s);
    if (s->cur == NULL)
        return;
    if (depth == D_PACKAGE)
        end_package(s);
    else if (depth == D_FIELD && s->in_format)
        s->in_format = 0;
    else if (depth == D_FORMAT_CHILD && s->dep_kind >= 0)
        end_dep_list(s);
}

static int feed(const void *data, size_t len, void *payload)
{
    primary_state *s = payload;

    return copa__xml_feed(&s->x, data, len, len == 0);
}

static void set_limits(copa__rpm_primary_limits *l, const copa__rpm_primary_limits *given)
{
    if (given != NULL)
        *l = *given;
    else
        memset(l, 0, sizeof(*l));
    if (l->max_uncompressed == 0)
        l->max_uncompressed = (uint64_t)4 << 30;
    if (l->max_packages == 0)
        l->max_packages = 1000000;
    if (l->max_entries == 0)
        l->max_entries = 200000;
    if (l->max_text == 0)
        l->max_text = 64 * 1024;
    if (l->max_memory == 0)
        l->max_memory = (size_t)2 << 30;
}

int copa__rpm_primary_parse(copa__rpm_primary **out, const char *name, const void *data, size_t len,
                            const copa__rpm_primary_limits *limits)
{
    primary_state *s = calloc(1, sizeof(*s));
    int rc;

    *out = NULL;
    if (s == NULL || (s->p = calloc(1, sizeof(*s->p))) == NULL) {
        free(s);
        return copa__error_oom();
    }
    copa__arena_init(&s->p->arena);
    set_limits(&s->lim, limits);
    s->dep_kind = -1;
    rc = copa__xml_init(&s->x, name, s, on_start, on_end, on_text);
    if (rc == 0)
        rc = copa__rpm_decompress(name, data, len, s->lim.max_uncompressed, feed, s);
    copa__xml_free(&s->x);
    copa__buf_free(&s->text);
    free(s->deps);
    free(s->files);
    if (rc == 0)
        *out = s->p;
    else
        copa__rpm_primary_free(s->p);
    free(s);
    return rc;
}

void copa__rpm_primary_free(copa__rpm_primary *primary)
{
    if (primary == NULL)
        return;
    free(primary->pkgs);
    copa__arena_free(&primary->arena);
    free(primary);
}
