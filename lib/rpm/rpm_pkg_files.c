/*
 * The file list of an rpm header: DIRNAMES/BASENAMES/DIRINDEXES (or the
 * legacy OLDFILENAMES) joined into paths, and the per-file arrays beside
 * them. Every per-file array present must have one value per file; every
 * path must be absolute and normalized, since the engine writes these
 * paths into an image.
 */
#include "rpm/rpm_pkg.h"
#include "rpm/rpm_tags.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

typedef struct file_arrays {
    const char **dirnames, **basenames, **oldnames;
    uint64_t *dirindexes;
    uint32_t ndirs, nbase, nold, ndirindexes;
    const char **users, **groups, **digests, **links, **caps, **langs;
    uint64_t *modes, *sizes, *flags, *vflags, *mtimes, *inodes, *devices, *rdevs;
} file_arrays;

static void arrays_free(file_arrays *a)
{
    free(a->dirnames);
    free(a->basenames);
    free(a->oldnames);
    free(a->dirindexes);
    free(a->users);
    free(a->groups);
    free(a->digests);
    free(a->links);
    free(a->caps);
    free(a->langs);
    free(a->modes);
    free(a->sizes);
    free(a->flags);
    free(a->vflags);
    free(a->mtimes);
    free(a->inodes);
    free(a->devices);
    free(a->rdevs);
}

/*
 * A per-file array of another length than the file list, checked before the
 * accessor allocates for it: a hostile count would otherwise cost memory.
 */
static int check_count(const copa__rpm_header *h, uint32_t tag, uint32_t n, const char *name)
{
    const copa__rpm_entry *e = copa__rpm_header_find(h, tag);
    if (e != NULL && e->count != n)
        return copa__error_set(COPA_EINVALID, "%s: tag %u has %u values for %u files", name, tag,
                               e->count, n);
    return 0;
}

/* An optional per-file string array: absent is fine, another length is not. */
static int per_file_strings(const copa__rpm_header *h, uint32_t tag, uint32_t n, const char *name,
                            const char ***out)
{
    uint32_t count;
    int rc = check_count(h, tag, n, name);
    if (rc < 0)
        return rc;
    rc = copa__rpm_header_strings(h, tag, out, &count);
    if (rc == COPA_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc == COPA_ENOMEM ? rc : copa__error_prefix("%s: ", name);
    if (count != n)
        return copa__error_set(COPA_EINVALID, "%s: tag %u has %u values for %u files", name, tag,
                               count, n);
    return 0;
}

static int per_file_ints(const copa__rpm_header *h, uint32_t tag, uint32_t n, const char *name,
                         uint64_t **out)
{
    uint32_t count;
    int rc = check_count(h, tag, n, name);
    if (rc < 0)
        return rc;
    rc = copa__rpm_header_ints(h, tag, out, &count);
    if (rc == COPA_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc == COPA_ENOMEM ? rc : copa__error_prefix("%s: ", name);
    if (count != n)
        return copa__error_set(COPA_EINVALID, "%s: tag %u has %u values for %u files", name, tag,
                               count, n);
    return 0;
}

/* The names: the compressed triple, or the legacy full paths. Sets *n. */
static int read_names(const copa__rpm_header *h, const char *name, file_arrays *a, uint32_t *n)
{
    const copa__rpm_entry *e = copa__rpm_header_find(h, COPA__RPM_TAG_BASENAMES);
    int rc;

    *n = 0;
    if (e == NULL)
        e = copa__rpm_header_find(h, COPA__RPM_TAG_OLDFILENAMES);
    if (e != NULL && e->count > COPA__RPM_PKG_MAX_FILES)
        return copa__error_set(COPA_EINVALID, "%s: %u files (at most %u)", name, e->count,
                               (unsigned)COPA__RPM_PKG_MAX_FILES);
    rc = copa__rpm_header_strings(h, COPA__RPM_TAG_BASENAMES, &a->basenames, &a->nbase);
    if (rc == COPA_ENOTFOUND) {
        rc = copa__rpm_header_strings(h, COPA__RPM_TAG_OLDFILENAMES, &a->oldnames, &a->nold);
        if (rc == COPA_ENOTFOUND)
            return 0; /* a package without files */
        *n = a->nold;
        return rc < 0 ? copa__error_prefix("%s: ", name) : 0;
    }
    if (rc < 0)
        return copa__error_prefix("%s: ", name);
    *n = a->nbase;
    rc = copa__rpm_header_strings(h, COPA__RPM_TAG_DIRNAMES, &a->dirnames, &a->ndirs);
    if (rc == 0)
        rc = per_file_ints(h, COPA__RPM_TAG_DIRINDEXES, *n, name, &a->dirindexes);
    if (rc == 0 && a->dirindexes == NULL)
        return copa__error_set(COPA_EINVALID, "%s: BASENAMES without DIRINDEXES", name);
    if (rc == COPA_ENOTFOUND)
        return copa__error_set(COPA_EINVALID, "%s: BASENAMES without DIRNAMES", name);
    return rc < 0 && rc != COPA_EINVALID && rc != COPA_ENOMEM ? copa__error_prefix("%s: ", name)
                                                              : rc;
}

static int read_arrays(const copa__rpm_header *h, const char *name, uint32_t n, file_arrays *a)
{
    int rc = 0;
    uint64_t *long_sizes = NULL;

    if (rc == 0)
        rc = per_file_strings(h, COPA__RPM_TAG_FILEUSERNAME, n, name, &a->users);
    if (rc == 0)
        rc = per_file_strings(h, COPA__RPM_TAG_FILEGROUPNAME, n, name, &a->groups);
    if (rc == 0)
        rc = per_file_strings(h, COPA__RPM_TAG_FILEDIGESTS, n, name, &a->digests);
    if (rc == 0)
        rc = per_file_strings(h, COPA__RPM_TAG_FILELINKTOS, n, name, &a->links);
    if (rc == 0)
        rc = per_file_strings(h, COPA__RPM_TAG_FILECAPS, n, name, &a->caps);
    if (rc == 0)
        rc = per_file_strings(h, COPA__RPM_TAG_FILELANGS, n, name, &a->langs);
    if (rc == 0)
        rc = per_file_ints(h, COPA__RPM_TAG_FILEMODES, n, name, &a->modes);
    if (rc == 0)
        rc = per_file_ints(h, COPA__RPM_TAG_LONGFILESIZES, n, name, &long_sizes);
    if (rc == 0 && long_sizes == NULL)
        rc = per_file_ints(h, COPA__RPM_TAG_FILESIZES, n, name, &a->sizes);
    else
        a->sizes = long_sizes;
    if (rc == 0)
        rc = per_file_ints(h, COPA__RPM_TAG_FILEFLAGS, n, name, &a->flags);
    if (rc == 0)
        rc = per_file_ints(h, COPA__RPM_TAG_FILEVERIFYFLAGS, n, name, &a->vflags);
    if (rc == 0)
        rc = per_file_ints(h, COPA__RPM_TAG_FILEMTIMES, n, name, &a->mtimes);
    if (rc == 0)
        rc = per_file_ints(h, COPA__RPM_TAG_FILEINODES, n, name, &a->inodes);
    if (rc == 0)
        rc = per_file_ints(h, COPA__RPM_TAG_FILEDEVICES, n, name, &a->devices);
    if (rc == 0)
        rc = per_file_ints(h, COPA__RPM_TAG_FILERDEVS, n, name, &a->rdevs);
    return rc;
}

/* Absolute, no empty, "." or ".." component, no trailing '/' (the root itself excepted). */
static int path_is_clean(const char *p)
{
    const char *c;
    if (p[0] != '/')
        return 0;
    if (p[1] == '\0')
        return 1;
    for (c = p + 1;;) {
        const char *end = strchr(c, '/');
        size_t len = end != NULL ? (size_t)(end - c) : strlen(c);
        if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        if (end == NULL)
            return 1;
        c = end + 1;
    }
}

static int join_path(const file_arrays *a, uint32_t i, const char *name, char **out)
{
    const char *dir, *base;
    size_t dl, bl;

    if (a->oldnames != NULL) {
        dir = "";
        base = a->oldnames[i];
    } else {
        if (a->dirindexes[i] >= a->ndirs)
            return copa__error_set(COPA_EINVALID, "%s: file %u has directory index %llu of %u",
                                   name, i, (unsigned long long)a->dirindexes[i], a->ndirs);
        dir = a->dirnames[a->dirindexes[i]];
        base = a->basenames[i];
        if (strchr(base, '/') != NULL || base[0] == '\0')
            return copa__error_set(COPA_EINVALID, "%s: file base name '%s' is empty or has a '/'",
                                   name, base);
        if (dir[0] == '\0' || dir[strlen(dir) - 1] != '/')
            return copa__error_set(COPA_EINVALID, "%s: directory name '%s' does not end in '/'",
                                   name, dir);
    }
    dl = strlen(dir);
    bl = strlen(base);
    if ((*out = malloc(dl + bl + 1)) == NULL)
        return copa__error_oom();
    memcpy(*out, dir, dl);
    memcpy(*out + dl, base, bl + 1);
    if (!path_is_clean(*out))
        return copa__error_set(COPA_EINVALID, "%s: file path '%s' is not absolute and normalized",
                               name, *out);
    return 0;
}

#define STR_AT(arr, i) ((arr) != NULL ? (arr)[i] : "")
#define INT_AT(arr, i) ((arr) != NULL ? (arr)[i] : 0)

static int fill_file(const file_arrays *a, uint32_t i, const char *name, copa__rpm_file *f)
{
    int rc = join_path(a, i, name, &f->path);
    if (rc < 0)
        return rc;
    f->mode = (uint16_t)INT_AT(a->modes, i);
    f->size = INT_AT(a->sizes, i);
    f->user = STR_AT(a->users, i);
    f->group = STR_AT(a->groups, i);
    f->digest = STR_AT(a->digests, i);
    f->link = STR_AT(a->links, i);
    f->caps = STR_AT(a->caps, i);
    f->lang = STR_AT(a->langs, i);
    f->flags = (uint32_t)INT_AT(a->flags, i);
    f->verify_flags = (uint32_t)INT_AT(a->vflags, i);
    f->mtime = (uint32_t)INT_AT(a->mtimes, i);
    f->inode = (uint32_t)INT_AT(a->inodes, i);
    f->device = (uint32_t)INT_AT(a->devices, i);
    f->rdev = (uint16_t)INT_AT(a->rdevs, i);
    return 0;
}

static int read_digest_algo(copa__rpm_pkg *pkg, const char *name)
{
    uint64_t algo;
    int rc = copa__rpm_header_int(pkg->header, COPA__RPM_TAG_FILEDIGESTALGO, &algo);
    pkg->file_digest_algo = COPA__RPM_HASH_MD5; /* rpm's default when the tag is absent */
    if (rc == COPA_ENOTFOUND)
        return 0;
    if (rc < 0)
        return copa__error_prefix("%s: ", name);
    pkg->file_digest_algo = (uint32_t)algo;
    return 0;
}

static int compare_paths(const void *a, const void *b, void *files)
{
    const copa__rpm_file *f = files;
    return strcmp(f[*(const uint32_t *)a].path, f[*(const uint32_t *)b].path);
}

/* The lookup index; a path listed twice would make the payload ambiguous. */
static int index_paths(copa__rpm_pkg *pkg, const char *name)
{
    uint32_t i;
    if (pkg->file_count == 0)
        return 0;
    if ((pkg->by_path = malloc((size_t)pkg->file_count * sizeof(*pkg->by_path))) == NULL)
        return copa__error_oom();
    for (i = 0; i < pkg->file_count; i++)
        pkg->by_path[i] = i;
    qsort_r(pkg->by_path, pkg->file_count, sizeof(*pkg->by_path), compare_paths, pkg->files);
    for (i = 1; i < pkg->file_count; i++)
        if (strcmp(pkg->files[pkg->by_path[i]].path, pkg->files[pkg->by_path[i - 1]].path) == 0)
            return copa__error_set(COPA_EINVALID, "%s: file '%s' is listed twice", name,
                                   pkg->files[pkg->by_path[i]].path);
    return 0;
}

int copa__rpm_pkg_read_files(copa__rpm_pkg *pkg, const char *name)
{
    file_arrays a;
    uint32_t n = 0, i;
    int rc;

    memset(&a, 0, sizeof(a));
    rc = read_digest_algo(pkg, name);
    if (rc == 0)
        rc = read_names(pkg->header, name, &a, &n);
    if (rc == 0)
        rc = read_arrays(pkg->header, name, n, &a);
    if (rc == 0 && n > 0 && (pkg->files = calloc(n, sizeof(*pkg->files))) == NULL)
        rc = copa__error_oom();
    for (i = 0; rc == 0 && i < n; i++) {
        pkg->file_count = i + 1; /* so that a failure frees the paths made so far */
        rc = fill_file(&a, i, name, &pkg->files[i]);
    }
    arrays_free(&a);
    return rc < 0 ? rc : index_paths(pkg, name);
}
