/*
 * Reading apt preferences files: the image's /etc/apt/preferences and
 * preferences.d/, deb822 records of Package / Pin / Pin-Priority, checked
 * the way apt's ReadPinFile checks them (apt-pkg/policy.cc).
 */
#include "apt/preferences.h"
#include "repo/deb822.h"
#include "util/error.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int copa__apt_prefs_init(copa__apt_prefs *p, const char *native_arch)
{
    memset(p, 0, sizeof(*p));
    if ((p->native_arch = strdup(native_arch != NULL ? native_arch : "")) == NULL)
        return copa__error_oom();
    return 0;
}

static void free_pins(copa__apt_pin *pins, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        copa__apt_expr_free(&pins[i].name);
        free(pins[i].arch);
    }
    free(pins);
}

void copa__apt_prefs_free(copa__apt_prefs *p)
{
    size_t i;
    if (p == NULL)
        return;
    free_pins(p->specific, p->specific_count);
    free_pins(p->generic, p->generic_count);
    for (i = 0; i < p->match_count; i++) {
        copa__apt_pin_match_free(p->matches[i]);
        free(p->matches[i]);
    }
    free(p->matches);
    for (i = 0; i < p->file_count; i++)
        free(p->files[i]);
    free(p->files);
    free(p->native_arch);
    memset(p, 0, sizeof(*p));
}

/* The last field called `name` (apt's tag lookup finds the last one). */
static const copa__deb822_field *last_field(const copa__deb822_stanza *s, const char *name)
{
    size_t i;
    for (i = s->count; i > 0; i--)
        if (copa__deb822_is(&s->fields[i - 1], name))
            return &s->fields[i - 1];
    return NULL;
}

static char *unfolded(const copa__deb822_field *f)
{
    char *s = malloc(f->value_len + 1);
    if (s != NULL)
        copa__deb822_unfold(f, s);
    return s;
}

/*
 * Pin-Priority as apt reads it: "never" (generic records only), else the
 * leading integer (strtol; no digits counts as 0, which apt refuses),
 * within a short; -32768 written as a number becomes -32767.
 */
static int parse_priority(int *out, const copa__deb822_stanza *st, int generic, const char *file)
{
    const copa__deb822_field *f = last_field(st, "Pin-Priority");
    char buf[300], *end;
    long v = 0;

    if (f != NULL && f->value_len == 5 && strncmp(f->value, "never", 5) == 0) {
        if (!generic)
            return copa__error_set(COPA_EINVALID,
                                   "%s:%zu: 'Pin-Priority: never' is only for 'Package: *' records",
                                   file, f->line);
        *out = COPA__APT_PRIO_NEVER;
        return 0;
    }
    if (f != NULL && f->value_len < sizeof(buf)) {
        memcpy(buf, f->value, f->value_len);
        buf[f->value_len] = '\0';
        errno = 0;
        v = strtol(buf, &end, 10);
        if (errno == ERANGE || v < -32768 || v > 32767)
            return copa__error_set(COPA_EINVALID,
                                   "%s:%zu: Pin-Priority %s is outside the valid range (-32768 to "
                                   "32767)",
                                   file, f->line, buf);
        if (end == buf)
            v = 0;
    }
    if (v == 0)
        return copa__error_set(COPA_EINVALID, "%s:%zu: record has no Pin-Priority (or zero)", file,
                               f != NULL ? f->line : st->line);
    *out = v == COPA__APT_PRIO_NEVER ? COPA__APT_PRIO_NEVER + 1 : (int)v;
    return 0;
}

/* The Pin: type word and the value after it; 0 when apt ignores the record. */
static int pin_type(copa__apt_pin_type *type, const char **data, char *pin, int generic)
{
    size_t n = strcspn(pin, " \t");
    const char *rest = pin + n + strspn(pin + n, " \t");

    if (n == 7 && strncasecmp(pin, "version", 7) == 0 && !generic)
        *type = COPA__PIN_VERSION;
    else if (n == 7 && strncasecmp(pin, "release", 7) == 0)
        *type = COPA__PIN_RELEASE;
    else if (n == 6 && strncasecmp(pin, "origin", 6) == 0)
        *type = COPA__PIN_ORIGIN;
    else
        return 0;
    *data = rest;
    return 1;
}

static int push_match(copa__apt_prefs *p, copa__apt_pin_match *m)
{
    copa__apt_pin_match **grown = realloc(p->matches, (p->match_count + 1) * sizeof(*grown));
    if (grown == NULL)
        return copa__error_oom();
    p->matches = grown;
    p->matches[p->match_count++] = m;
    return 0;
}

static int push_pin(copa__apt_pin **pins, size_t *count, const copa__apt_pin *pin)
{
    copa__apt_pin *grown = realloc(*pins, (*count + 1) * sizeof(*grown));
    if (grown == NULL)
        return copa__error_oom();
    *pins = grown;
    (*pins)[(*count)++] = *pin;
    return 0;
}

/* One token of Package: ("src:" prefix, ":arch" suffix, glob or /regex/). */
static int add_specific(copa__apt_prefs *p, copa__apt_pin *pin, const char *token, size_t len)
{
    const char *colon;
    int rc;

    if (len >= 4 && strncmp(token, "src:", 4) == 0) {
        pin->source = 1;
        token += 4;
        len -= 4;
    }
    for (colon = token + len; colon > token && colon[-1] != ':'; colon--)
        ;
    if (colon > token) {
        if ((pin->arch = strndup(colon, (size_t)(token + len - colon))) == NULL)
            return copa__error_oom();
        len = (size_t)(colon - 1 - token);
    }
    pin->pattern = (len > 0 && token[0] == '/' && token[len - 1] == '/') ||
                   memchr(token, '*', len) != NULL || memchr(token, '[', len) != NULL ||
                   memchr(token, '?', len) != NULL;
    if ((rc = copa__apt_expr_init(&pin->name, token, len)) == 0 &&
        (rc = push_pin(&p->specific, &p->specific_count, pin)) == 0)
        return 0;
    copa__apt_expr_free(&pin->name);
    free(pin->arch);
    return rc;
}

static int add_record(copa__apt_prefs *p, const copa__deb822_stanza *st, const char *names,
                      char *pin_text, const char *file)
{
    int generic = strcmp(names, "*") == 0, prio = 0, rc;
    copa__apt_pin_type type;
    copa__apt_pin_match *m;
    copa__apt_pin pin;
    const char *data, *tok;

    if (!pin_type(&type, &data, pin_text, generic)) {
        p->ignored++; /* apt: "Did not understand pin type" */
        return 0;
    }
    if ((rc = parse_priority(&prio, st, generic, file)) != 0)
        return rc;
    if ((m = calloc(1, sizeof(*m))) == NULL)
        return copa__error_oom();
    if ((rc = copa__apt_pin_match_parse(m, type, data)) != 0 || (rc = push_match(p, m)) != 0) {
        copa__apt_pin_match_free(m);
        free(m);
        return rc;
    }
    memset(&pin, 0, sizeof(pin));
    pin.match = m;
    pin.priority = prio;
    pin.file = file;
    pin.line = st->line;
    if (generic)
        return push_pin(&p->generic, &p->generic_count, &pin);
    for (tok = names + strspn(names, " \t"); *tok != '\0'; tok += strspn(tok, " \t")) {
        size_t len = strcspn(tok, " \t");
        copa__apt_pin one = pin;
        if ((rc = add_specific(p, &one, tok, len)) != 0)
            return rc;
        tok += len;
    }
    return 0;
}

static int parse_stanza(copa__apt_prefs *p, const copa__deb822_stanza *st, const char *file)
{
    const copa__deb822_field *pkg = last_field(st, "Package"), *pin = last_field(st, "Pin");
    char *names = NULL, *pin_text = NULL;
    int rc = 0;

    if (pkg == NULL || pkg->value_len == 0)
        return copa__error_set(COPA_EINVALID, "%s:%zu: preferences record has no Package field",
                               file, st->line);
    if (pin == NULL) {
        p->ignored++; /* apt skips a record without Pin: silently */
        return 0;
    }
    if ((names = unfolded(pkg)) == NULL || (pin_text = unfolded(pin)) == NULL)
        rc = copa__error_oom();
    else
        rc = add_record(p, st, names, pin_text, file);
    free(names);
    free(pin_text);
    return rc;
}

int copa__apt_prefs_parse(copa__apt_prefs *p, const char *file, const char *text, size_t len)
{
    copa__deb822_parser parser;
    copa__deb822_stanza st;
    char **grown, *name;
    int rc;

    if ((grown = realloc(p->files, (p->file_count + 1) * sizeof(*grown))) == NULL)
        return copa__error_oom();
    p->files = grown;
    if ((name = strdup(file)) == NULL)
        return copa__error_oom();
    p->files[p->file_count++] = name;
    copa__deb822_init(&parser, name, COPA__DEB822_COMMENTS | COPA__DEB822_DUPLICATES);
    copa__deb822_feed(&parser, text, len, 1);
    while ((rc = copa__deb822_next(&parser, &st)) == 1)
        if (st.count > 0 && (rc = parse_stanza(p, &st, name)) != 0)
            break;
    copa__deb822_free(&parser);
    return rc < 0 ? rc : 0;
}

int copa__apt_prefs_file_name_ok(const char *name)
{
    const char *dot = strrchr(name, '.'), *c;

    if (name[0] == '\0' || name[0] == '.')
        return 0;
    /* apt's GetListOfFilesInDir(dir, "pref", sort, allow no extension) */
    if (dot != NULL && dot[1] != '\0' && strcmp(dot + 1, "pref") != 0)
        return 0;
    for (c = name; *c != '\0'; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != ':' && *c != '.')
            return 0;
    return c[-1] != '.';
}

/* Read and parse one file; a missing file or a directory is skipped (0), as apt does. */
static int read_one(copa__apt_prefs *p, const copa__image_files *fs, const char *path)
{
    char *text = NULL, **names = NULL;
    size_t len = 0, n = 0;
    int rc = fs->read(&text, &len, path, fs->payload);

    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return 0;
    }
    if (rc != 0) {
        /* A directory cannot be read but can be listed: apt skips it. */
        if (fs->list(&names, &n, path, fs->payload) == 0) {
            copa__image_files_free_names(names, n);
            copa_error_clear();
            return 0;
        }
        copa_error_clear();
        return fs->read(&text, &len, path, fs->payload); /* the read's own message again */
    }
    rc = copa__apt_prefs_parse(p, path, text, len);
    free(text);
    return rc;
}

int copa__apt_prefs_load(copa__apt_prefs *p, const copa__image_files *fs, const char *native_arch)
{
    static const char dir[] = "/etc/apt/preferences.d";
    char **names = NULL, path[4096];
    size_t n = 0, i;
    int rc;

    if ((rc = copa__apt_prefs_init(p, native_arch)) != 0)
        return rc;
    if ((rc = read_one(p, fs, "/etc/apt/preferences")) < 0)
        return rc;
    rc = fs->list(&names, &n, dir, fs->payload);
    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return 0;
    }
    for (i = 0; rc == 0 && i < n; i++) {
        if (!copa__apt_prefs_file_name_ok(names[i]))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        rc = read_one(p, fs, path);
        rc = rc > 0 ? 0 : rc;
    }
    copa__image_files_free_names(names, n);
    return rc;
}
