/*
 * Pin priorities as apt's pkgPolicy computes them (apt-pkg/policy.cc):
 * every index file gets a default and then the first generic record that
 * matches it; a version takes the first specific record that matches it,
 * else the highest priority of the files that offer it.
 */
#include "apt/preferences.h"
#include "util/error.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

int copa__apt_prefs_file_priority(const copa__apt_prefs *p, const copa__apt_prefs_file *f)
{
    int prio = COPA__APT_PRIO_DEFAULT, fixed = 0;
    size_t i;

    if (f->status || f->but_automatic_upgrades)
        prio = COPA__APT_PRIO_INSTALLED; /* ButAutomaticUpgrades alone counts, as in apt */
    else if (f->not_automatic)
        prio = COPA__APT_PRIO_NOT_AUTOMATIC;
    for (i = 0; i < p->generic_count; i++) {
        const copa__apt_pin *g = &p->generic[i];
        /* The first match wins, except that a later "never" still applies. */
        if ((!fixed || g->priority == COPA__APT_PRIO_NEVER) && prio != COPA__APT_PRIO_NEVER &&
            copa__apt_pin_file_matches(g->match, f)) {
            prio = g->priority;
            fixed = 1;
        }
    }
    return prio;
}

/* arch:all packages belong to the native architecture in apt's cache. */
static int arch_matches(const copa__apt_prefs *p, const copa__apt_pin *pin, const char *arch)
{
    const char *have = arch == NULL || strcmp(arch, "all") == 0 ? p->native_arch : arch;
    const char *want = pin->arch == NULL ? p->native_arch : pin->arch;

    if (strcmp(want, "any") == 0)
        return 1;
    if (strcmp(want, "native") == 0)
        want = p->native_arch;
    return strcmp(want, have) == 0;
}

static int name_matches(const copa__apt_prefs *p, const copa__apt_pin *pin,
                        const copa__apt_prefs_version *v)
{
    const char *name = pin->source ? (v->source != NULL ? v->source : v->name) : v->name;

    if (!arch_matches(p, pin, v->arch))
        return 0;
    if (pin->pattern)
        return strcmp(pin->name.text, name) != 0 && copa__apt_expr_match(&pin->name, name);
    return strcmp(pin->name.text, name) == 0;
}

int copa__apt_prefs_version_priority(const copa__apt_prefs *p, const copa__apt_prefs_version *v)
{
    int best = INT_MIN;
    size_t i;

    for (i = 0; i < p->specific_count; i++) {
        const copa__apt_pin *s = &p->specific[i];
        size_t j;
        if (!name_matches(p, s, v) || !copa__apt_pin_version_matches(s->match, v))
            continue;
        /* The first matching record wins unless every file offering the version is "never". */
        for (j = 0; j < v->file_count; j++)
            if (copa__apt_prefs_file_priority(p, &v->files[j]) != COPA__APT_PRIO_NEVER)
                return s->priority;
        break;
    }
    for (i = 0; i < v->file_count; i++) {
        int prio = copa__apt_prefs_file_priority(p, &v->files[i]);
        if (v->files[i].status && !v->installed)
            prio = -1; /* a status entry that is not installed (config-files) */
        if (prio > best)
            best = prio;
    }
    return best == INT_MIN ? 0 : best;
}

static const char *host_of(const char *uri, char *buf, size_t size)
{
    const char *h = strstr(uri, "://"), *end;
    size_t n;

    if (h == NULL || size == 0)
        return "";
    h += 3;
    if (strchr(h, '@') != NULL && strchr(h, '@') < h + strcspn(h, "/"))
        h = strchr(h, '@') + 1; /* user:password@ */
    if (*h == '[') {            /* [IPv6] */
        end = strchr(h, ']');
        h++;
        end = end != NULL ? end : h + strlen(h);
    } else {
        end = h + strcspn(h, ":/");
    }
    n = (size_t)(end - h) < size ? (size_t)(end - h) : size - 1;
    memcpy(buf, h, n);
    buf[n] = '\0';
    return buf;
}

/* The sources.list component the package was read from (component_ends). */
static const char *component_of(const copa__apt_repo *repo, const copa__apt_package *pkg)
{
    const copa__apt_source *src = &repo->src;
    size_t k, i;

    if (src->flat || src->component_count == 0)
        return NULL;
    if (repo->component_ends == NULL || pkg < repo->packages.items ||
        pkg >= repo->packages.items + repo->packages.count)
        return src->component_count == 1 ? src->components[0] : NULL;
    k = (size_t)(pkg - repo->packages.items);
    for (i = 0; i < src->component_count; i++)
        if (k < repo->component_ends[i])
            return src->components[i];
    return NULL;
}

void copa__apt_prefs_file_of(copa__apt_prefs_file *out, const copa__apt_candidate *c, char *site,
                             size_t site_size)
{
    const copa__apt_repo *repo = c->repo;
    const copa__apt_release *rel = &repo->release;

    memset(out, 0, sizeof(*out));
    if (repo->have_release) {
        out->origin = rel->origin;
        out->label = rel->label;
        out->archive = rel->suite;
        out->codename = rel->codename;
        out->version = rel->version;
        out->not_automatic = rel->not_automatic;
        out->but_automatic_upgrades = rel->but_automatic_upgrades;
    }
    out->component = component_of(repo, c->pkg);
    out->arch = repo->packages.arch;
    if (c->pkg != NULL && c->pkg->arch != NULL && strcmp(c->pkg->arch, "all") == 0 &&
        repo->have_release && copa__apt_release_has_all_index(rel))
        out->arch = "all";
    out->site =
        host_of(repo->original_uri != NULL ? repo->original_uri : repo->src.uri, site, site_size);
}

int copa__apt_prefs_priority(const copa__apt_prefs *p, const copa__apt_repo *repo,
                             const copa__apt_package *pkg)
{
    copa__apt_candidate c;
    copa__apt_prefs_file file;
    copa__apt_prefs_version v;
    char site[256];

    c.repo = repo;
    c.pkg = pkg;
    copa__apt_prefs_file_of(&file, &c, site, sizeof(site));
    memset(&v, 0, sizeof(v));
    v.name = pkg->name;
    v.arch = pkg->arch;
    v.source = pkg->source;
    v.version = pkg->version;
    v.files = &file;
    v.file_count = 1;
    return copa__apt_prefs_version_priority(p, &v);
}

typedef struct file_slot {
    copa__apt_prefs_file file;
    char site[256];
} file_slot;

int copa__apt_prefs_candidates_priority(int *out, const copa__apt_prefs *p,
                                        const copa__apt_candidate *c, size_t n,
                                        const copa__apt_package *inst)
{
    const copa__apt_package *pkg = n > 0 ? c[0].pkg : inst;
    copa__apt_prefs_file *files;
    copa__apt_prefs_version v;
    file_slot *slots;
    size_t i;

    *out = 0;
    if (pkg == NULL)
        return 0;
    if ((slots = calloc(n + 1, sizeof(*slots))) == NULL ||
        (files = calloc(n + 1, sizeof(*files))) == NULL) {
        free(slots);
        return copa__error_oom();
    }
    for (i = 0; i < n; i++) {
        copa__apt_prefs_file_of(&slots[i].file, &c[i], slots[i].site, sizeof(slots[i].site));
        files[i] = slots[i].file;
    }
    memset(&v, 0, sizeof(v));
    v.name = pkg->name;
    v.arch = pkg->arch;
    v.source = pkg->source;
    v.version = pkg->version;
    v.files = files;
    v.file_count = n;
    if (inst != NULL) {
        files[n].status = 1;
        v.file_count++;
        v.installed = 1;
    }
    *out = copa__apt_prefs_version_priority(p, &v);
    free(files);
    free(slots);
    return 0;
}
