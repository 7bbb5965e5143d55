/*
 * The Packages filter (packages.h): decides from the raw Package and
 * Provides values whether a stanza can matter to a resolver that only
 * looks at the closure of the installed packages (lib/patch/world_scope.c
 * walks the same names: Depends and Pre-Depends of candidates, providers
 * of a name). Following that closure while scanning is an optimization;
 * the caller checks the closure afterwards (copa__apt_filter_missed), so
 * a stanza this file drops wrongly costs a rescan, never a wrong plan.
 */
#include "repo/deb822.h"
#include "repo/packages.h"
#include "repo/relation_names.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

void copa__apt_filter_rescan(copa__apt_filter *f)
{
    copa__names_free(&f->late);
    copa__hash_set_free(&f->dropped);
}

void copa__apt_filter_free(copa__apt_filter *f)
{
    if (f == NULL)
        return;
    copa__apt_filter_rescan(f);
    copa__names_free(&f->wanted);
}

int copa__apt_filter_missed(const copa__apt_filter *f, const char *name)
{
    size_t len = strlen(name);
    if (copa__names_has(&f->late, name, len))
        return 1;
    return !copa__names_has(&f->wanted, name, len) &&
           copa__hash_set_has(&f->dropped, copa__names_hash(name, len));
}

int copa__apt_filter_want(copa__apt_filter *f, const char *name, size_t len)
{
    int rc;

    len = strnlen(name, len); /* as the stored C string ends */
    rc = copa__names_add(&f->wanted, name, len);
    if (rc == 1 && copa__hash_set_has(&f->dropped, copa__names_hash(name, len)))
        rc = copa__names_add(&f->late, name, len);
    return rc < 0 ? rc : 0;
}

/* A field's text as the index would store it: raw, or unfolded into *tmp
 * when it has continuation lines, so names are split exactly as
 * world_scope.c splits the stored copy. */
static int field_text(const copa__deb822_field *field, char **tmp, const char **p, const char **end)
{
    *tmp = NULL;
    *p = field->value;
    *end = field->value + field->value_len;
    if (memchr(field->value, '\n', field->value_len) == NULL)
        return 0;
    if ((*tmp = malloc(field->value_len + 1)) == NULL)
        return copa__error_oom();
    *p = *tmp;
    *end = *tmp + copa__deb822_unfold(field, *tmp);
    return 0;
}

static int want_relations(copa__apt_filter *f, const copa__deb822_field *field)
{
    const char *p, *end, *name;
    char *tmp;
    size_t len;
    int rc;

    if (field == NULL)
        return 0;
    if ((rc = field_text(field, &tmp, &p, &end)) != 0)
        return rc;
    while (rc == 0 && (p = copa__relation_next_name(p, end, &name, &len)) != NULL)
        rc = copa__apt_filter_want(f, name, len);
    free(tmp);
    return rc;
}

static int provides_wanted(const copa__apt_filter *f, const char *p, const char *end)
{
    const char *name;
    size_t len;

    while ((p = copa__relation_next_name(p, end, &name, &len)) != NULL)
        if (copa__names_has(&f->wanted, name, len))
            return 1;
    return 0;
}

/* Remember the names a dropped stanza answers to. */
static int note_dropped(copa__apt_filter *f, const copa__deb822_field *pkg, const char *p,
                        const char *end)
{
    const char *name;
    size_t len;
    int rc = 0;

    if (pkg != NULL)
        rc = copa__hash_set_add(&f->dropped, copa__names_hash(pkg->value, pkg->value_len));
    while (rc == 0 && p != NULL && (p = copa__relation_next_name(p, end, &name, &len)) != NULL)
        if (len != 0)
            rc = copa__hash_set_add(&f->dropped, copa__names_hash(name, len));
    return rc;
}

/* Keep the stanza? Its Package or a Provides name is wanted. */
static int decide(copa__apt_filter *f, const copa__deb822_stanza *st, const copa__deb822_field *pkg)
{
    const copa__deb822_field *prov = copa__deb822_get(st, "Provides");
    const char *p = NULL, *end = NULL;
    char *tmp = NULL;
    int rc;

    /* A folded Package value, or one with a NUL byte, is not stored as
     * written: keep the stanza rather than guess the name it gets. */
    if (pkg != NULL && (memchr(pkg->value, '\n', pkg->value_len) != NULL ||
                        memchr(pkg->value, '\0', pkg->value_len) != NULL ||
                        copa__names_has(&f->wanted, pkg->value, pkg->value_len)))
        return 1;
    if (prov != NULL && (rc = field_text(prov, &tmp, &p, &end)) != 0)
        return rc;
    rc = p != NULL && provides_wanted(f, p, end);
    if (rc == 0)
        rc = note_dropped(f, pkg, p, end);
    free(tmp);
    return rc;
}

int copa__apt_filter_stanza(copa__apt_filter *f, const copa__deb822_stanza *st)
{
    const copa__deb822_field *pkg = copa__deb822_get(st, "Package");
    int rc = decide(f, st, pkg);

    if (rc <= 0 || !f->follow)
        return rc;
    if (pkg != NULL && (rc = copa__apt_filter_want(f, pkg->value, pkg->value_len)) < 0)
        return rc;
    if ((rc = want_relations(f, copa__deb822_get(st, "Depends"))) < 0 ||
        (rc = want_relations(f, copa__deb822_get(st, "Pre-Depends"))) < 0)
        return rc;
    return 1;
}
