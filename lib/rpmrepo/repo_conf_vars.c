/*
 * Repository variables as dnf expands them in option values: $name,
 * ${name}, ${name:-default}, ${name:+alternative}. Names are letters,
 * digits and '_'; an unknown name stays as written. The expansion of a
 * value is not scanned again (a variable file holding "$basearch" gives
 * that text), and nesting in defaults is bounded, so no input makes the
 * result grow without end.
 */
#include "rpmrepo/repo_conf.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* A URL list with variables never needs more; a bomb stops here. */
enum { MAX_EXPANDED = 64 * 1024, MAX_NESTING = 4 };

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static const char *lookup(const copa__rpm_vars *vars, const char *name, size_t len)
{
    size_t i;

    for (i = 0; vars != NULL && i < vars->count; i++)
        if (strlen(vars->names[i]) == len && memcmp(vars->names[i], name, len) == 0)
            return vars->values[i];
    return NULL;
}

/* Index of the '}' closing the "${" that starts before `s`, honouring nesting. */
static const char *closing_brace(const char *s, const char *end)
{
    int depth = 1;

    for (; s < end; s++) {
        if (s[0] == '$' && s + 1 < end && s[1] == '{') {
            depth++;
            s++;
        } else if (*s == '}' && --depth == 0) {
            return s;
        }
    }
    return NULL;
}

static int expand_range(copa__buf *out, const copa__rpm_vars *vars, const char *s, const char *end,
                        int nesting, const char *where);

/* "${...}" whose inside is [inner, inner_end): name, then optional :- or :+ word. */
static int expand_braced(copa__buf *out, const copa__rpm_vars *vars, const char *inner,
                         const char *inner_end, int nesting, const char *where)
{
    const char *p = inner, *value;

    while (p < inner_end && is_name_char(*p))
        p++;
    if (p == inner || nesting >= MAX_NESTING)
        return 1; /* not a variable reference: the caller copies it literally */
    value = lookup(vars, inner, (size_t)(p - inner));
    if (p == inner_end) {
        if (value == NULL)
            return 1;
        return copa__buf_append_str(out, value);
    }
    if (inner_end - p >= 2 && p[0] == ':' && (p[1] == '-' || p[1] == '+')) {
        int use_word =
            p[1] == '-' ? (value == NULL || *value == '\0') : (value != NULL && *value != '\0');
        if (!use_word)
            return value != NULL ? copa__buf_append_str(out, value) : 0;
        return expand_range(out, vars, p + 2, inner_end, nesting + 1, where);
    }
    return 1;
}

static int expand_range(copa__buf *out, const copa__rpm_vars *vars, const char *s, const char *end,
                        int nesting, const char *where)
{
    int rc = 0;

    while (rc == 0 && s < end) {
        const char *dollar = memchr(s, '$', (size_t)(end - s)), *name, *value;

        if (dollar == NULL) {
            rc = copa__buf_append(out, s, (size_t)(end - s));
            break;
        }
        if ((rc = copa__buf_append(out, s, (size_t)(dollar - s))) != 0)
            break;
        s = dollar + 1;
        if (s < end && *s == '{') {
            const char *close = closing_brace(s + 1, end);
            if (close != NULL) {
                rc = expand_braced(out, vars, s + 1, close, nesting, where);
                if (rc == 1)
                    rc = copa__buf_append(out, dollar, (size_t)(close + 1 - dollar));
                s = close + 1;
                continue;
            }
        }
        name = s;
        while (s < end && is_name_char(*s))
            s++;
        value = s > name ? lookup(vars, name, (size_t)(s - name)) : NULL;
        rc = value != NULL ? copa__buf_append_str(out, value)
                           : copa__buf_append(out, dollar, (size_t)(s - dollar));
        if (rc == 0 && out->length > MAX_EXPANDED)
            rc = copa__error_set(COPA_EINVALID, "%s: value longer than %d bytes after variables",
                                 where, MAX_EXPANDED);
    }
    if (rc == 0 && out->length > MAX_EXPANDED)
        rc = copa__error_set(COPA_EINVALID, "%s: value longer than %d bytes after variables", where,
                             MAX_EXPANDED);
    return rc == COPA_ENOMEM ? copa__error_oom() : rc;
}

int copa__rpm_vars_expand(char **out, copa__arena *arena, const copa__rpm_vars *vars,
                          const char *text, const char *where)
{
    copa__buf buf = COPA__BUF_INIT;
    int rc = expand_range(&buf, vars, text, text + strlen(text), 0, where);

    if (rc == 0) {
        *out = copa__arena_strndup(arena, buf.data != NULL ? buf.data : "", buf.length);
        if (*out == NULL)
            rc = copa__error_oom();
    }
    copa__buf_free(&buf);
    return rc;
}
