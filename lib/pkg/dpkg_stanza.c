/*
 * Building an installed package's status stanza from its control file,
 * in the field order and formats that dpkg writes.
 */
#include "pkg/dpkg_write.h"
#include "repo/deb822.h"
#include "repo/depends.h"
#include "util/error.h"

#include <string.h>
#include <strings.h>

typedef enum kind {
    PLAIN = 0,
    BOOL_YES, /* written only as "yes" when true (Essential, Protected) */
    DEPENDS,  /* rewritten in canonical form */
    STATUS,
    CONFFILES,
    DROPPED /* belongs to the available file, or is recomputed by dpkg */
} kind;

/* dpkg's fieldinfos[] order (lib/dpkg/parse.c), which its writer follows. */
static const struct {
    const char *name;
    kind k;
} known[] = {{"Package", PLAIN},
             {"Essential", BOOL_YES},
             {"Protected", BOOL_YES},
             {"Status", STATUS},
             {"Priority", PLAIN},
             {"Section", PLAIN},
             {"Installed-Size", PLAIN},
             {"Origin", PLAIN},
             {"Maintainer", PLAIN},
             {"Bugs", PLAIN},
             {"Architecture", PLAIN},
             {"Multi-Arch", PLAIN},
             {"Source", PLAIN},
             {"Version", PLAIN},
             {"Config-Version", DROPPED},
             {"Replaces", DEPENDS},
             {"Provides", DEPENDS},
             {"Depends", DEPENDS},
             {"Pre-Depends", DEPENDS},
             {"Recommends", DEPENDS},
             {"Suggests", DEPENDS},
             {"Breaks", DEPENDS},
             {"Conflicts", DEPENDS},
             {"Enhances", DEPENDS},
             {"Conffiles", CONFFILES},
             {"Filename", DROPPED},
             {"Size", DROPPED},
             {"MD5sum", DROPPED},
             {"MSDOS-Filename", DROPPED},
             {"Description", PLAIN},
             {"Triggers-Pending", DROPPED},
             {"Triggers-Awaited", DROPPED}};

#define KNOWN_COUNT (sizeof(known) / sizeof(known[0]))

static int is_known(const copa__deb822_field *f)
{
    size_t i;
    for (i = 0; i < KNOWN_COUNT; i++)
        if (copa__deb822_is(f, known[i].name))
            return 1;
    return 0;
}

static int write_depends(copa__buf *out, const char *name, const copa__deb822_field *f)
{
    copa__arena arena;
    copa__apt_deps deps;
    char *line;
    size_t g, a;
    int rc, restricted = 0;

    copa__arena_init(&arena);
    line = copa__arena_alloc(&arena, f->value_len + 1);
    if (line == NULL)
        return copa__error_oom();
    copa__deb822_unfold(f, line);
    rc = copa__apt_deps_parse(&deps, &arena, line, strlen(line), 0);
    for (g = 0; rc == 0 && g < deps.count; g++)
        for (a = 0; a < deps.groups[g].count; a++)
            restricted |= deps.groups[g].alts[a].restricted;
    if (rc == 0 && (restricted || deps.count == 0)) {
        /* Not for a binary package; keep what it says rather than drop parts. */
        if (deps.count > 0)
            rc = copa__buf_appendf(out, "%s: %s\n", name, line);
    } else if (rc == 0) {
        rc = copa__buf_appendf(out, "%s: ", name);
        for (g = 0; rc == 0 && g < deps.count; g++)
            for (a = 0; rc == 0 && a < deps.groups[g].count; a++) {
                const copa__apt_dep *d = &deps.groups[g].alts[a];
                rc = copa__buf_appendf(out, "%s%s%s%s",
                                       a > 0   ? " | "
                                       : g > 0 ? ", "
                                               : "",
                                       d->name, d->arch != NULL ? ":" : "",
                                       d->arch != NULL ? d->arch : "");
                if (rc == 0 && d->rel != COPA__REL_ANY)
                    rc = copa__buf_appendf(out, " (%s %s)", copa__apt_relation_str(d->rel),
                                           d->version);
            }
        if (rc == 0)
            rc = copa__buf_append(out, "\n", 1);
    } else {
        rc = copa__error_prefix("control field %s: ", name);
    }
    copa__arena_free(&arena);
    return rc < 0 && rc != COPA_EINVALID ? copa__error_oom() : rc;
}

static int write_conffiles(copa__buf *out, const copa__dpkg_conffile *cf, size_t n)
{
    size_t i;
    int rc;
    if (n == 0)
        return 0;
    rc = copa__buf_append_str(out, "Conffiles:\n");
    for (i = 0; rc == 0 && i < n; i++)
        rc = copa__buf_appendf(out, " %s %s%s%s\n", cf[i].path, cf[i].md5,
                               cf[i].flags & COPA__CONFFILE_OBSOLETE ? " obsolete" : "",
                               cf[i].flags & COPA__CONFFILE_REMOVE_ON_UPGRADE ? " remove-on-upgrade"
                                                                              : "");
    return rc;
}

/* `name` NULL: the field's own spelling (user-defined fields). */
static int write_field(copa__buf *out, const char *name, const copa__deb822_field *f)
{
    if (f->value_len == 0)
        return 0; /* dpkg does not write empty fields */
    if (name == NULL)
        return copa__buf_appendf(out, "%.*s: %.*s\n", (int)f->name_len, f->name, (int)f->value_len,
                                 f->value);
    return copa__buf_appendf(out, "%s: %.*s\n", name, (int)f->value_len, f->value);
}

static int write_known(copa__buf *out, const copa__deb822_stanza *s, size_t k, const char *status,
                       const copa__dpkg_conffile *cf, size_t ncf)
{
    const copa__deb822_field *f = copa__deb822_get(s, known[k].name);

    switch (known[k].k) {
    case STATUS:
        return copa__buf_appendf(out, "Status: %s\n", status);
    case CONFFILES:
        return write_conffiles(out, cf, ncf);
    case DROPPED:
        return 0;
    case BOOL_YES:
        if (f == NULL || f->value_len != 3 || strncasecmp(f->value, "yes", 3) != 0)
            return 0;
        return copa__buf_appendf(out, "%s: yes\n", known[k].name);
    case DEPENDS:
        return f == NULL ? 0 : write_depends(out, known[k].name, f);
    case PLAIN:
    default:
        return f == NULL ? 0 : write_field(out, known[k].name, f);
    }
}

static int check_control(const copa__deb822_stanza *s)
{
    static const char *const required[] = {"Package", "Version", "Architecture"};
    size_t i;
    for (i = 0; i < 3; i++) {
        const copa__deb822_field *f = copa__deb822_get(s, required[i]);
        if (f == NULL || f->value_len == 0)
            return copa__error_set(COPA_EINVALID, "control file: missing %s field", required[i]);
    }
    return 0;
}

int copa__dpkg_stanza_build(copa__buf *out, const char *control, size_t control_len,
                            const char *status, const copa__dpkg_conffile *conffiles,
                            size_t conffile_count)
{
    copa__deb822_parser p;
    copa__deb822_stanza s, extra;
    size_t i;
    int rc;

    copa__deb822_init(&p, "control file", 0);
    copa__deb822_feed(&p, control, control_len, 1);
    rc = copa__deb822_next(&p, &s);
    if (rc == 0)
        rc = copa__error_set(COPA_EINVALID, "control file: empty");
    if (rc == 1)
        rc = check_control(&s);
    for (i = 0; rc == 0 && i < KNOWN_COUNT; i++)
        rc = write_known(out, &s, i, status, conffiles, conffile_count);
    for (i = 0; rc == 0 && i < s.count; i++)
        if (!is_known(&s.fields[i])) /* user-defined fields keep their spelling and order */
            rc = write_field(out, NULL, &s.fields[i]);
    if (rc == 0 && copa__deb822_next(&p, &extra) != 0)
        rc = copa__error_set(COPA_EINVALID, "control file: more than one stanza");
    copa__deb822_free(&p);
    return rc;
}
