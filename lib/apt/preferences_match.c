/*
 * Pin values and what they match: apt's pkgVersionMatch (the Pin: line) and
 * ExpressionMatches (globs and /regex/ wherever a string is compared).
 */
#include "apt/preferences.h"
#include "util/error.h"
#include "util/regex_cost.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bounds on a /regex/ from the image (util/regex_cost.h): as RE2 does, no atom
 * copied more than 1000 times, and no pattern longer than any real pin. */
enum { REGEX_COPIES_MAX = 1000, REGEX_LENGTH_MAX = 1024 };

int copa__apt_expr_init(copa__apt_expr *e, const char *text, size_t len)
{
    memset(e, 0, sizeof(*e));
    if ((e->text = strndup(text, len)) == NULL)
        return copa__error_oom();
    /* "/re/" is a regular expression; "/" alone is the empty one. */
    if (len >= 1 && text[0] == '/' && text[len - 1] == '/') {
        char *re = strndup(text + 1, len >= 2 ? len - 2 : 0);
        if (re == NULL)
            return copa__error_oom();
        e->is_regex = 1;
        /* The preferences come from the image: a pattern glibc would expand
         * into millions of nodes matches nothing, like one it cannot compile. */
        e->regex_ok = strlen(re) <= REGEX_LENGTH_MAX && copa__regex_cost_ok(re, REGEX_COPIES_MAX) &&
                      regcomp(&e->re, re, REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0;
        free(re);
    }
    return 0;
}

void copa__apt_expr_free(copa__apt_expr *e)
{
    if (e->is_regex && e->regex_ok)
        regfree(&e->re);
    free(e->text);
    memset(e, 0, sizeof(*e));
}

int copa__apt_expr_match(const copa__apt_expr *e, const char *s)
{
    if (e->text == NULL || s == NULL)
        return 0;
    if (e->is_regex)
        return e->regex_ok && regexec(&e->re, s, 0, NULL, 0) == 0;
    return fnmatch(e->text, s, FNM_CASEFOLD) == 0;
}

/* apt's MatchVer: equal (or, with prefix, starting with) ignoring case. */
static int match_ver(const char *have, const char *want, int prefix)
{
    size_t hl, wl;
    if (have == NULL || want == NULL)
        return 0;
    hl = strlen(have);
    wl = strlen(want);
    if ((hl != wl && !prefix) || hl < wl)
        return 0;
    return strncasecmp(have, want, wl) == 0;
}

/* Version text: trailing '*' is a prefix match, the rest also tried as an expression. */
static int set_ver(copa__apt_pin_match *m, const char *text, size_t len)
{
    if (len > 0 && text[len - 1] == '*') {
        m->ver_prefix = 1;
        len--;
    }
    return copa__apt_expr_init(&m->ver, text, len);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * apt's TokSplitString(',') on a copy truncated to 299 bytes: pieces with
 * blanks and commas trimmed. More than 19 pieces: the pin matches nothing.
 */
static size_t split_conditions(char *spec, char **frag, size_t max)
{
    char *start = spec, *stop = spec + strlen(spec), *pos, *end;
    size_t n = 0;

    while (*start != '\0' && is_blank(*start))
        start++;
    pos = start;
    while (pos != stop) {
        while (pos != stop && *pos != ',')
            pos++;
        for (end = pos; end > start && (end[-1] == ',' || is_blank(end[-1])); end--)
            ;
        while (pos != stop && (*pos == ',' || is_blank(*pos) || *pos == '\0'))
            pos++;
        *end = '\0';
        frag[n++] = start;
        if (n >= max)
            return max;
        start = pos;
    }
    return n;
}

static int parse_release(copa__apt_pin_match *m, const char *data)
{
    static const char keys[] = "voanlcb";
    copa__apt_expr *slot[7];
    char spec[300], *frag[20], *eq;
    size_t n, i, vlen;
    int rc;

    if (strcmp(data, "*") == 0) {
        m->match_all = 1;
        return 0;
    }
    if ((eq = strchr(data, '=')) == NULL) { /* "stable", "12", "12*" */
        vlen = strlen(data);
        if (isdigit((unsigned char)data[0]))
            return set_ver(m, data, vlen);
        return copa__apt_expr_init(&m->release, data, vlen);
    }
    slot[0] = &m->ver, slot[1] = &m->origin, slot[2] = &m->archive, slot[3] = &m->codename;
    slot[4] = &m->label, slot[5] = &m->component, slot[6] = &m->arch;
    snprintf(spec, sizeof(spec), "%s", data);
    if ((n = split_conditions(spec, frag, 20)) >= 20) {
        m->none = 1;
        return 0;
    }
    for (i = 0; i < n; i++) {
        const char *k;
        if (strlen(frag[i]) < 3 || frag[i][1] != '=' ||
            (k = strchr(keys, tolower((unsigned char)frag[i][0]))) == NULL || *k == '\0')
            continue;
        /* A condition given twice: the last one counts. */
        copa__apt_expr_free(slot[k - keys]);
        m->ver_prefix = k == keys ? 0 : m->ver_prefix;
        rc = k == keys ? set_ver(m, frag[i] + 2, strlen(frag[i] + 2))
                       : copa__apt_expr_init(slot[k - keys], frag[i] + 2, strlen(frag[i] + 2));
        if (rc != 0)
            return rc;
    }
    return 0;
}

int copa__apt_pin_match_parse(copa__apt_pin_match *m, copa__apt_pin_type type, const char *data)
{
    size_t len = strlen(data);

    memset(m, 0, sizeof(*m));
    m->type = type;
    if (len == 0)
        return 0;
    if (type == COPA__PIN_VERSION)
        return set_ver(m, data, len);
    if (type == COPA__PIN_RELEASE)
        return parse_release(m, data);
    if (data[0] == '"' && len >= 2 && data[len - 1] == '"')
        return copa__apt_expr_init(&m->site, data + 1, len - 2);
    return copa__apt_expr_init(&m->site, data, len);
}

void copa__apt_pin_match_free(copa__apt_pin_match *m)
{
    copa__apt_expr *all[] = {&m->ver,   &m->origin,    &m->archive, &m->codename, &m->release,
                             &m->label, &m->component, &m->arch,    &m->site};
    size_t i;
    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        copa__apt_expr_free(all[i]);
}

static int ver_matches(const copa__apt_pin_match *m, const char *version)
{
    return match_ver(version, m->ver.text, m->ver_prefix) || copa__apt_expr_match(&m->ver, version);
}

/* A condition that is set must match (an absent Release field never does). */
#define COND(e, value) ((e).text == NULL || copa__apt_expr_match(&(e), (value)))

/* The Release part of apt's FileMatch for an index with a Release file. */
static int release_matches(const copa__apt_pin_match *m, const copa__apt_prefs_file *f)
{
    if (m->ver.text == NULL && m->origin.text == NULL && m->archive.text == NULL &&
        m->label.text == NULL && m->release.text == NULL && m->codename.text == NULL &&
        m->component.text == NULL && m->arch.text == NULL)
        return 0;
    if (m->ver.text != NULL && !ver_matches(m, f->version))
        return 0;
    if (!COND(m->origin, f->origin) || !COND(m->archive, f->archive) ||
        !COND(m->codename, f->codename) || !COND(m->label, f->label))
        return 0;
    if (m->release.text != NULL && !copa__apt_expr_match(&m->release, f->archive) &&
        !copa__apt_expr_match(&m->release, f->codename))
        return 0;
    return 1;
}

/*
 * dpkg's status file has no Release: apt compares a= and a bare release
 * name with its component "now", and any o= l= v= n= fails.
 */
static int status_matches(const copa__apt_pin_match *m)
{
    if (!COND(m->archive, "now") || !COND(m->release, "now"))
        return 0;
    return m->origin.text == NULL && m->label.text == NULL && m->ver.text == NULL &&
           m->codename.text == NULL;
}

int copa__apt_pin_file_matches(const copa__apt_pin_match *m, const copa__apt_prefs_file *f)
{
    if (m->none || m->type == COPA__PIN_VERSION)
        return 0;
    if (m->type == COPA__PIN_ORIGIN) {
        if (f->status)
            return 0;
        return copa__apt_expr_match(&m->site, f->site != NULL ? f->site : "");
    }
    if (m->match_all)
        return 1;
    if (f->status ? !status_matches(m) : !release_matches(m, f))
        return 0;
    return COND(m->component, f->status ? "now" : f->component) &&
           COND(m->arch, f->status ? NULL : f->arch);
}

int copa__apt_pin_version_matches(const copa__apt_pin_match *m, const copa__apt_prefs_version *v)
{
    size_t i;
    if (m->type == COPA__PIN_VERSION)
        return ver_matches(m, v->version);
    for (i = 0; i < v->file_count; i++)
        if (copa__apt_pin_file_matches(m, &v->files[i]))
            return 1;
    return 0;
}
