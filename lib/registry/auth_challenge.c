/*
 * WWW-Authenticate parsing. The grammar (RFC 9110 §11.6.1) allows several
 * challenges in one value, separated by commas that also separate their
 * parameters, so a name followed by "=" is a parameter and a name followed
 * by anything else starts the next challenge.
 */
#include "registry/auth.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static const char *skip_separators(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == ',')
        p++;
    return p;
}

/* A quoted-string starting at the opening quote; *end is after the closing one. */
static int parse_quoted(char **out, const char *p, const char **end)
{
    copa__buf buf = COPA__BUF_INIT;

    for (p++; *p != '"'; p++) {
        if (*p == '\0') {
            copa__buf_free(&buf);
            return copa__error_set(COPA_EINVALID, "WWW-Authenticate: unterminated quoted string");
        }
        if (*p == '\\' && p[1] != '\0')
            p++;
        if (copa__buf_append(&buf, p, 1) != 0) {
            copa__buf_free(&buf);
            return copa__error_oom();
        }
    }
    *end = p + 1;
    *out = buf.data != NULL ? buf.data : strdup("");
    return *out != NULL ? 0 : copa__error_oom();
}

static int parse_value(char **out, const char *p, const char **end)
{
    const char *start = p;

    if (*p == '"')
        return parse_quoted(out, p, end);
    /* RFC 9110 wants a token here; some servers send an unquoted URL
     * (with ':' and '/'), so take everything up to the next separator. */
    while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t' && *p != '"')
        p++;
    *end = p;
    *out = strndup(start, (size_t)(p - start));
    return *out != NULL ? 0 : copa__error_oom();
}

static int store_param(copa__auth_challenge *c, const char *name, size_t length, char *value)
{
    char **slot = NULL;

    if (length == 5 && strncasecmp(name, "realm", 5) == 0)
        slot = &c->realm;
    else if (length == 7 && strncasecmp(name, "service", 7) == 0)
        slot = &c->service;
    else if (length == 5 && strncasecmp(name, "scope", 5) == 0)
        slot = &c->scope;
    if (slot == NULL || *slot != NULL) {
        free(value); /* unknown or repeated: the first one counts */
        return 0;
    }
    *slot = value;
    return 0;
}

/* Parameters of one challenge; stops before the next challenge's scheme. */
static int parse_params(copa__auth_challenge *c, const char *p, const char **end)
{
    for (;;) {
        const char *name, *after;
        size_t length;
        char *value;
        int rc;

        p = skip_separators(p);
        name = p;
        while (is_tchar(*p))
            p++;
        length = (size_t)(p - name);
        after = skip_space(p);
        if (length == 0 || *after != '=') {
            if (length == 0 && *p != '\0')
                return copa__error_set(COPA_EINVALID, "WWW-Authenticate: unexpected character '%c'",
                                       *p);
            *end = name; /* end of input, or the next scheme */
            return 0;
        }
        if (after[1] == '=') /* token68 like "abc==" is not a parameter */
            return copa__error_set(COPA_EINVALID, "WWW-Authenticate: token68 not supported");
        p = skip_space(after + 1);
        if ((rc = parse_value(&value, p, &p)) != 0)
            return rc;
        if ((rc = store_param(c, name, length, value)) != 0)
            return rc;
        p = skip_space(p);
        if (*p != ',' && *p != '\0')
            return copa__error_set(COPA_EINVALID, "WWW-Authenticate: expected ',' after %.*s",
                                   (int)length, name);
    }
}

void copa__auth_challenge_free(copa__auth_challenge *challenge)
{
    if (challenge == NULL)
        return;
    free(challenge->scheme);
    free(challenge->realm);
    free(challenge->service);
    free(challenge->scope);
    memset(challenge, 0, sizeof(*challenge));
}

static int rank(const char *scheme)
{
    if (strcasecmp(scheme, "Bearer") == 0)
        return 2;
    if (strcasecmp(scheme, "Basic") == 0)
        return 1;
    return 0;
}

int copa__auth_challenge_parse(copa__auth_challenge *out, const char *header)
{
    const char *p = header;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (header == NULL)
        return copa__error_set(COPA_EINVALID, "WWW-Authenticate: missing");
    while (rc == 0 && *(p = skip_separators(p)) != '\0') {
        copa__auth_challenge c = {0};
        const char *start = p;

        while (is_tchar(*p))
            p++;
        if (p == start || (*p != ' ' && *p != '\t' && *p != ',' && *p != '\0')) {
            rc = copa__error_set(COPA_EINVALID, "WWW-Authenticate: expected an auth scheme");
            break;
        }
        if ((c.scheme = strndup(start, (size_t)(p - start))) == NULL) {
            rc = copa__error_oom();
            break;
        }
        rc = parse_params(&c, p, &p);
        if (rc == 0 && rank(c.scheme) > (out->scheme ? rank(out->scheme) : 0)) {
            copa__auth_challenge_free(out);
            *out = c;
        } else {
            copa__auth_challenge_free(&c);
        }
    }
    if (rc == 0 && out->scheme == NULL)
        rc = copa__error_set(COPA_EUNSUPPORTED,
                             "WWW-Authenticate: no Bearer or Basic challenge offered");
    if (rc != 0)
        copa__auth_challenge_free(out);
    return rc;
}
