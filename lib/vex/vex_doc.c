/*
 * The OpenVEX document being built: metadata and the list of claims.
 */
#include "vex/vex.h"
#include "vex/purl.h"
#include "util/error.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int copa_vex_options_init(copa_vex_options *opts, unsigned int version)
{
    static const copa_vex_options defaults = COPA_VEX_OPTIONS_INIT;

    if (opts == NULL || version != COPA_VEX_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_vex_options_init: %s",
                               opts == NULL ? "no options struct" : "unknown options version");
    *opts = defaults;
    return 0;
}

static int digits(const char *text, size_t count)
{
    size_t i;
    for (i = 0; i < count; i++)
        if (!isdigit((unsigned char)text[i]))
            return 0;
    return 1;
}

/* RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). */
int copa__vex_timestamp_valid(const char *t)
{
    if (t == NULL || strlen(t) < 20 || !digits(t, 4) || t[4] != '-' || !digits(t + 5, 2) ||
        t[7] != '-' || !digits(t + 8, 2) || (t[10] != 'T' && t[10] != 't') || !digits(t + 11, 2) ||
        t[13] != ':' || !digits(t + 14, 2) || t[16] != ':' || !digits(t + 17, 2))
        return 0;
    if (atoi(t + 5) < 1 || atoi(t + 5) > 12 || atoi(t + 8) < 1 || atoi(t + 8) > 31 ||
        atoi(t + 11) > 23 || atoi(t + 14) > 59 || atoi(t + 17) > 60)
        return 0;
    t += 19;
    if (*t == '.') {
        size_t n = strspn(t + 1, "0123456789");
        if (n == 0)
            return 0;
        t += 1 + n;
    }
    if ((*t == 'Z' || *t == 'z') && t[1] == '\0')
        return 1;
    return (*t == '+' || *t == '-') && digits(t + 1, 2) && t[3] == ':' && digits(t + 4, 2) &&
           t[6] == '\0' && atoi(t + 1) <= 23 && atoi(t + 4) <= 59;
}

/* An IRI as far as a document id goes: "scheme:rest" without spaces. */
static int iri_valid(const char *iri)
{
    const char *p = iri;

    if (!isalpha((unsigned char)*p))
        return 0;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':' || p[1] == '\0')
        return 0;
    for (; *p != '\0'; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>')
            return 0;
    return 1;
}

/* The default timestamp: SOURCE_DATE_EPOCH when set, else now; UTC. */
static int default_timestamp(char out[32])
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    time_t when = time(NULL);
    struct tm tm;

    if (epoch != NULL && epoch[0] != '\0') {
        char *end;
        long long value;
        errno = 0;
        value = strtoll(epoch, &end, 10);
        if (errno != 0 || *end != '\0' || value < 0 || !isdigit((unsigned char)epoch[0]))
            return copa__error_set(COPA_EINVALID,
                                   "SOURCE_DATE_EPOCH '%s' is not a number of seconds", epoch);
        when = (time_t)value;
    }
    if (gmtime_r(&when, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return copa__error_set(COPA_EINVALID, "time %lld cannot be written as a date",
                               (long long)when);
    return 0;
}

static int check_options(const copa_vex_options *o)
{
    if (o->version != COPA_VEX_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_vex_create: unknown options version %u",
                               o->version);
    if (o->id != NULL && !iri_valid(o->id))
        return copa__error_set(COPA_EINVALID,
                               "VEX document id '%s' is not an IRI (scheme:..., no spaces)", o->id);
    if (o->author != NULL && o->author[0] == '\0')
        return copa__error_set(COPA_EINVALID, "the VEX author is empty");
    if (o->timestamp != NULL && !copa__vex_timestamp_valid(o->timestamp))
        return copa__error_set(COPA_EINVALID,
                               "VEX timestamp '%s' is not RFC 3339 (e.g. 2024-05-01T12:00:00Z)",
                               o->timestamp);
    return 0;
}

int copa_vex_create(copa_vex **out, const copa_vex_options *opts)
{
    static const copa_vex_options defaults = COPA_VEX_OPTIONS_INIT;
    char now[32];
    copa_vex *vex;
    int rc;

    if (out == NULL)
        return copa__error_set(COPA_EINVALID, "copa_vex_create: no output pointer");
    *out = NULL;
    if (opts == NULL)
        opts = &defaults;
    rc = check_options(opts);
    if (rc == 0 && opts->timestamp == NULL)
        rc = default_timestamp(now);
    if (rc != 0)
        return rc;
    vex = calloc(1, sizeof(*vex));
    if (vex == NULL)
        return copa__error_oom();
    vex->id = opts->id != NULL ? strdup(opts->id) : NULL;
    vex->author = strdup(opts->author != NULL ? opts->author : "copa");
    vex->timestamp = strdup(opts->timestamp != NULL ? opts->timestamp : now);
    vex->tooling = strdup(opts->tooling != NULL ? opts->tooling : "libcopa " COPA_VERSION);
    if ((opts->id != NULL && vex->id == NULL) || vex->author == NULL || vex->timestamp == NULL ||
        vex->tooling == NULL) {
        copa_vex_free(vex);
        return copa__error_oom();
    }
    *out = vex;
    return 0;
}

void copa_vex_free(copa_vex *vex)
{
    size_t i;

    if (vex == NULL)
        return;
    for (i = 0; i < vex->count; i++) {
        free(vex->claims[i].vulnerability);
        free(vex->claims[i].product);
        free(vex->claims[i].subcomponent);
    }
    free(vex->claims);
    free(vex->id);
    free(vex->author);
    free(vex->timestamp);
    free(vex->tooling);
    free(vex);
}

/* Parse and re-build a purl so claims compare in canonical form. */
static int canonical(char **out, const char *purl, const char *role)
{
    copa__purl parsed;
    int rc;

    *out = NULL;
    if (purl == NULL || purl[0] == '\0')
        return copa__error_set(COPA_EINVALID, "VEX %s: no purl", role);
    rc = copa__purl_parse(&parsed, purl);
    if (rc == 0)
        rc = copa__purl_to_string(out, &parsed);
    copa__purl_clear(&parsed);
    return rc != 0 ? copa__error_prefix("VEX %s: ", role) : 0;
}

static int same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int check_vulnerability(const char *id)
{
    const char *p;

    if (id == NULL || id[0] == '\0')
        return copa__error_set(COPA_EINVALID, "VEX: empty vulnerability ID");
    for (p = id; *p != '\0'; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return copa__error_set(
                COPA_EINVALID, "VEX: vulnerability ID '%s' holds a space or control character", id);
    return 0;
}

int copa_vex_add_fixed(copa_vex *vex, const char *vulnerability, const char *product_purl,
                       const char *subcomponent_purl)
{
    copa__vex_claim claim = {NULL, NULL, NULL};
    size_t i;
    int rc;

    if (vex == NULL)
        return copa__error_set(COPA_EINVALID, "copa_vex_add_fixed: no document");
    rc = check_vulnerability(vulnerability);
    if (rc == 0)
        rc = canonical(&claim.product, product_purl, "product");
    if (rc == 0 && subcomponent_purl != NULL)
        rc = canonical(&claim.subcomponent, subcomponent_purl, "subcomponent");
    if (rc == 0 && (claim.vulnerability = strdup(vulnerability)) == NULL)
        rc = copa__error_oom();
    for (i = 0; rc == 0 && i < vex->count; i++)
        if (strcmp(vex->claims[i].vulnerability, claim.vulnerability) == 0 &&
            strcmp(vex->claims[i].product, claim.product) == 0 &&
            same(vex->claims[i].subcomponent, claim.subcomponent))
            rc = 1; /* already claimed */
    if (rc == 0 && vex->count == vex->capacity) {
        size_t capacity = vex->capacity == 0 ? 16 : vex->capacity * 2;
        copa__vex_claim *grown = realloc(vex->claims, capacity * sizeof(*grown));
        if (grown == NULL)
            rc = copa__error_oom();
        else {
            vex->claims = grown;
            vex->capacity = capacity;
        }
    }
    if (rc == 0) {
        vex->claims[vex->count++] = claim;
        return 0;
    }
    free(claim.vulnerability);
    free(claim.product);
    free(claim.subcomponent);
    return rc == 1 ? 0 : rc;
}

size_t copa_vex_statement_count(const copa_vex *vex)
{
    size_t i, j, distinct = 0;

    if (vex == NULL)
        return 0;
    for (i = 0; i < vex->count; i++) {
        for (j = 0; j < i; j++)
            if (strcmp(vex->claims[j].vulnerability, vex->claims[i].vulnerability) == 0)
                break;
        distinct += j == i;
    }
    return distinct;
}

int copa__vex_add_fixes(copa_vex *vex, const char *product_purl, const copa__vex_fix *fixes,
                        size_t count)
{
    size_t i;

    for (i = 0; i < count; i++) {
        const copa__vex_fix *f = &fixes[i];
        char *purl;
        int rc = copa__purl_package(&purl, f->format, f->distro_id, f->distro_version, f->name,
                                    f->version, f->arch);
        if (rc == 0)
            rc = copa_vex_add_fixed(vex, f->vulnerability, product_purl, purl);
        free(purl);
        if (rc != 0)
            return copa__error_prefix(
                "VEX fix %s in %s: ", f->vulnerability != NULL ? f->vulnerability : "",
                f->name != NULL ? f->name : "");
    }
    return 0;
}
