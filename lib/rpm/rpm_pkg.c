/*
 * The package model from a header: identity, dependencies, scriptlets.
 * Files are read by rpm_pkg_files.c.
 */
#include "rpm/rpm_pkg.h"
#include "rpm/rpm_tags.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* A required string: absent or mistyped is an error naming the tag. */
static int required_string(const copa__rpm_header *h, uint32_t tag, const char *what,
                           const char *name, const char **out)
{
    int rc = copa__rpm_header_string(h, tag, out);
    if (rc == COPA_ENOTFOUND)
        return copa__error_set(COPA_EINVALID, "%s: rpm header has no %s (tag %u)", name, what, tag);
    return rc < 0 ? copa__error_prefix("%s: ", name) : 0;
}

/* An optional string: absent gives `fallback`. */
static int optional_string(const copa__rpm_header *h, uint32_t tag, const char *fallback,
                           const char *name, const char **out)
{
    int rc = copa__rpm_header_string(h, tag, out);
    if (rc == COPA_ENOTFOUND) {
        *out = fallback;
        return 0;
    }
    return rc < 0 ? copa__error_prefix("%s: ", name) : 0;
}

/* One dependency set: NAME, FLAGS, VERSION arrays of one length (FLAGS and VERSION optional). */
static int read_deps(const copa__rpm_header *h, uint32_t name_tag, uint32_t flags_tag,
                     uint32_t version_tag, const char *name, copa__rpm_deps *out)
{
    const char **names = NULL, **versions = NULL;
    const copa__rpm_entry *ev = NULL, *ef = NULL;
    uint64_t *flags = NULL;
    const copa__rpm_entry *e = copa__rpm_header_find(h, name_tag);
    uint32_t n = 0, nv = 0, nf = 0, i;
    int rc;

    /* lengths first: the accessors allocate for whatever count a header claims */
    if (e != NULL &&
        (e->count > COPA__RPM_PKG_MAX_DEPS ||
         ((ev = copa__rpm_header_find(h, version_tag)) != NULL && ev->count != e->count) ||
         ((ef = copa__rpm_header_find(h, flags_tag)) != NULL && ef->count != e->count)))
        return copa__error_set(
            COPA_EINVALID, "%s: tag %u has %u names (at most %u) but %u versions and %u flags",
            name, name_tag, e->count, (unsigned)COPA__RPM_PKG_MAX_DEPS,
            ev != NULL ? ev->count : e->count, ef != NULL ? ef->count : e->count);
    rc = copa__rpm_header_strings(h, name_tag, &names, &n);
    if (rc == COPA_ENOTFOUND)
        return 0;
    if (rc == 0)
        rc = copa__rpm_header_strings(h, version_tag, &versions, &nv);
    if (rc == 0 || rc == COPA_ENOTFOUND)
        rc = copa__rpm_header_ints(h, flags_tag, &flags, &nf);
    if (rc == COPA_ENOTFOUND)
        rc = 0;
    if (rc == 0 && ((versions != NULL && nv != n) || (flags != NULL && nf != n)))
        rc = copa__error_set(COPA_EINVALID, "%s: tag %u has %u names but %u versions and %u flags",
                             name, name_tag, n, nv, nf);
    if (rc == 0 && (out->items = calloc(n, sizeof(*out->items))) == NULL)
        rc = copa__error_oom();
    for (i = 0; rc == 0 && i < n; i++) {
        out->items[i].name = names[i];
        out->items[i].version = versions != NULL ? versions[i] : "";
        out->items[i].flags = flags != NULL ? (uint32_t)flags[i] : 0;
    }
    if (rc == 0)
        out->count = n;
    else if (rc != COPA_ENOMEM)
        copa__error_prefix("%s: ", name);
    free(names);
    free(versions);
    free(flags);
    return rc;
}

static int read_all_deps(copa__rpm_pkg *p, const char *name)
{
    const copa__rpm_header *h = p->header;
    int rc = read_deps(h, COPA__RPM_TAG_PROVIDENAME, COPA__RPM_TAG_PROVIDEFLAGS,
                       COPA__RPM_TAG_PROVIDEVERSION, name, &p->provides);
    if (rc == 0)
        rc = read_deps(h, COPA__RPM_TAG_REQUIRENAME, COPA__RPM_TAG_REQUIREFLAGS,
                       COPA__RPM_TAG_REQUIREVERSION, name, &p->requires);
    if (rc == 0)
        rc = read_deps(h, COPA__RPM_TAG_CONFLICTNAME, COPA__RPM_TAG_CONFLICTFLAGS,
                       COPA__RPM_TAG_CONFLICTVERSION, name, &p->conflicts);
    if (rc == 0)
        rc = read_deps(h, COPA__RPM_TAG_OBSOLETENAME, COPA__RPM_TAG_OBSOLETEFLAGS,
                       COPA__RPM_TAG_OBSOLETEVERSION, name, &p->obsoletes);
    if (rc == 0)
        rc = read_deps(h, COPA__RPM_TAG_RECOMMENDNAME, COPA__RPM_TAG_RECOMMENDFLAGS,
                       COPA__RPM_TAG_RECOMMENDVERSION, name, &p->recommends);
    if (rc == 0)
        rc = read_deps(h, COPA__RPM_TAG_SUGGESTNAME, COPA__RPM_TAG_SUGGESTFLAGS,
                       COPA__RPM_TAG_SUGGESTVERSION, name, &p->suggests);
    if (rc == 0)
        rc = read_deps(h, COPA__RPM_TAG_SUPPLEMENTNAME, COPA__RPM_TAG_SUPPLEMENTFLAGS,
                       COPA__RPM_TAG_SUPPLEMENTVERSION, name, &p->supplements);
    if (rc == 0)
        rc = read_deps(h, COPA__RPM_TAG_ENHANCENAME, COPA__RPM_TAG_ENHANCEFLAGS,
                       COPA__RPM_TAG_ENHANCEVERSION, name, &p->enhances);
    return rc;
}

static unsigned read_scripts(const copa__rpm_header *h)
{
    static const struct {
        uint32_t body, prog;
        unsigned bit;
    } scripts[] = {
        {COPA__RPM_TAG_PRETRANS, COPA__RPM_TAG_PRETRANSPROG, COPA__RPM_SCRIPT_PRETRANS},
        {COPA__RPM_TAG_PREIN, COPA__RPM_TAG_PREINPROG, COPA__RPM_SCRIPT_PRE},
        {COPA__RPM_TAG_POSTIN, COPA__RPM_TAG_POSTINPROG, COPA__RPM_SCRIPT_POST},
        {COPA__RPM_TAG_PREUN, COPA__RPM_TAG_PREUNPROG, COPA__RPM_SCRIPT_PREUN},
        {COPA__RPM_TAG_POSTUN, COPA__RPM_TAG_POSTUNPROG, COPA__RPM_SCRIPT_POSTUN},
        {COPA__RPM_TAG_POSTTRANS, COPA__RPM_TAG_POSTTRANSPROG, COPA__RPM_SCRIPT_POSTTRANS},
        {COPA__RPM_TAG_PREUNTRANS, COPA__RPM_TAG_PREUNTRANSPROG, COPA__RPM_SCRIPT_PREUNTRANS},
        {COPA__RPM_TAG_POSTUNTRANS, COPA__RPM_TAG_POSTUNTRANSPROG, COPA__RPM_SCRIPT_POSTUNTRANS},
        {COPA__RPM_TAG_VERIFYSCRIPT, 0, COPA__RPM_SCRIPT_VERIFY},
        {COPA__RPM_TAG_TRIGGERSCRIPTS, COPA__RPM_TAG_TRIGGERNAME, COPA__RPM_SCRIPT_TRIGGERS},
        {COPA__RPM_TAG_FILETRIGGERSCRIPTS, COPA__RPM_TAG_FILETRIGGERNAME,
         COPA__RPM_SCRIPT_FILETRIGGERS},
        {COPA__RPM_TAG_TRANSFILETRIGGERSCRIPTS, COPA__RPM_TAG_TRANSFILETRIGGERNAME,
         COPA__RPM_SCRIPT_TRANSFILETRIGGERS},
    };
    unsigned bits = 0;
    size_t i;
    for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
        if (copa__rpm_header_find(h, scripts[i].body) != NULL ||
            (scripts[i].prog != 0 && copa__rpm_header_find(h, scripts[i].prog) != NULL))
            bits |= scripts[i].bit;
    return bits;
}

static int read_identity(copa__rpm_pkg *p, const char *name)
{
    const copa__rpm_header *h = p->header;
    uint64_t epoch;
    int rc;

    if ((rc = required_string(h, COPA__RPM_TAG_NAME, "name", name, &p->name)) < 0 ||
        (rc = required_string(h, COPA__RPM_TAG_VERSION, "version", name, &p->version)) < 0 ||
        (rc = required_string(h, COPA__RPM_TAG_RELEASE, "release", name, &p->release)) < 0 ||
        (rc = optional_string(h, COPA__RPM_TAG_ARCH, "", name, &p->arch)) < 0 ||
        (rc = optional_string(h, COPA__RPM_TAG_SOURCERPM, "", name, &p->sourcerpm)) < 0 ||
        (rc = optional_string(h, COPA__RPM_TAG_PAYLOADFORMAT, "cpio", name, &p->payload_format)) <
            0 ||
        (rc = optional_string(h, COPA__RPM_TAG_PAYLOADCOMPRESSOR, "gzip", name,
                              &p->payload_compressor)) < 0)
        return rc;
    if (p->name[0] == '\0' || p->version[0] == '\0' || p->release[0] == '\0')
        return copa__error_set(COPA_EINVALID,
                               "%s: rpm header has an empty name, version or release", name);
    rc = copa__rpm_header_int(h, COPA__RPM_TAG_EPOCH, &epoch);
    if (rc == 0) {
        if (epoch > UINT32_MAX)
            return copa__error_set(COPA_EINVALID, "%s: epoch %llu is too large", name,
                                   (unsigned long long)epoch);
        p->has_epoch = 1;
        p->epoch = (uint32_t)epoch;
    } else if (rc != COPA_ENOTFOUND) {
        return copa__error_prefix("%s: ", name);
    }
    return 0;
}

static void free_deps(copa__rpm_deps *d)
{
    free(d->items);
}

void copa__rpm_pkg_free(copa__rpm_pkg *pkg)
{
    uint32_t i;
    if (pkg == NULL)
        return;
    free_deps(&pkg->provides);
    free_deps(&pkg->requires);
    free_deps(&pkg->conflicts);
    free_deps(&pkg->obsoletes);
    free_deps(&pkg->recommends);
    free_deps(&pkg->suggests);
    free_deps(&pkg->supplements);
    free_deps(&pkg->enhances);
    for (i = 0; i < pkg->file_count; i++)
        free(pkg->files[i].path);
    free(pkg->files);
    free(pkg->by_path);
    free(pkg);
}

int copa__rpm_pkg_from_header(copa__rpm_pkg **out, const copa__rpm_header *h, const char *name)
{
    copa__rpm_pkg *p = calloc(1, sizeof(*p));
    int rc;

    *out = NULL;
    if (p == NULL)
        return copa__error_oom();
    p->header = h;
    if ((rc = read_identity(p, name)) < 0 || (rc = read_all_deps(p, name)) < 0 ||
        (rc = copa__rpm_pkg_read_files(p, name)) < 0) {
        copa__rpm_pkg_free(p);
        return rc;
    }
    p->scripts = read_scripts(h);
    *out = p;
    return 0;
}

long copa__rpm_pkg_find_file(const copa__rpm_pkg *pkg, const char *path)
{
    uint32_t lo = 0, hi = pkg->file_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(pkg->files[pkg->by_path[mid]].path, path);
        if (c == 0)
            return (long)pkg->by_path[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

char *copa__rpm_pkg_nevra(const copa__rpm_pkg *pkg)
{
    copa__buf b = COPA__BUF_INIT;
    int rc;
    if (pkg->has_epoch)
        rc =
            copa__buf_appendf(&b, "%s-%u:%s-%s", pkg->name, pkg->epoch, pkg->version, pkg->release);
    else
        rc = copa__buf_appendf(&b, "%s-%s-%s", pkg->name, pkg->version, pkg->release);
    if (rc == 0 && pkg->arch[0] != '\0')
        rc = copa__buf_appendf(&b, ".%s", pkg->arch);
    if (rc < 0) {
        copa__buf_free(&b);
        return NULL;
    }
    return copa__buf_detach(&b);
}
