/*
 * Loading an image's dpkg database through copa__image_files.
 */
#include "pkg/dpkg_db.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *copa__dpkg_arch_from_oci(const char *arch, const char *variant)
{
    static const struct {
        const char *oci, *variant, *deb;
    } map[] = {
        {"amd64", NULL, "amd64"},       {"arm64", NULL, "arm64"},    {"arm", "v5", "armel"},
        {"arm", "v6", "armel"},         {"arm", NULL, "armhf"},      {"386", NULL, "i386"},
        {"ppc64le", NULL, "ppc64el"},   {"s390x", NULL, "s390x"},    {"riscv64", NULL, "riscv64"},
        {"mips64le", NULL, "mips64el"}, {"loong64", NULL, "loong64"}};
    size_t i;
    if (arch == NULL)
        return NULL;
    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].oci, arch) == 0 &&
            (map[i].variant == NULL || (variant != NULL && strcmp(map[i].variant, variant) == 0)))
            return map[i].deb;
    return NULL;
}

/* status.d holds one stanza file per package, beside its .md5sums file. */
static int is_stanza_file(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && !(len > 8 && strcmp(name + len - 8, ".md5sums") == 0);
}

static int read_status(copa__dpkg_status **out, const copa__image_files *files, const char *path,
                       unsigned int flags)
{
    char *text = NULL;
    size_t len = 0;
    int rc = files->read(&text, &len, path, files->payload);
    if (rc < 0)
        return rc;
    rc = copa__dpkg_status_parse(out, path, text, len, flags);
    free(text);
    return rc;
}

static int load_status_d(copa__dpkg_db *db, const copa__image_files *files)
{
    char **names = NULL;
    size_t count = 0, i;
    int rc = files->list(&names, &count, COPA__DPKG_ADMINDIR "/status.d", files->payload);

    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return 0;
    }
    if (rc == 0 && count > 0) {
        db->status_d = calloc(count, sizeof(*db->status_d));
        if (db->status_d == NULL)
            rc = copa__error_oom();
    }
    /* Names come sorted, so stanza files load in a stable order. */
    for (i = 0; rc == 0 && i < count; i++) {
        copa__buf path = COPA__BUF_INIT;
        if (!is_stanza_file(names[i]))
            continue;
        if (copa__buf_appendf(&path, COPA__DPKG_ADMINDIR "/status.d/%s", names[i]) < 0)
            rc = copa__error_oom();
        else
            rc = read_status(&db->status_d[db->status_d_count], files, path.data,
                             COPA__DPKG_STATUS_D);
        if (rc == 0)
            db->status_d_count++;
        copa__buf_free(&path);
    }
    copa__image_files_free_names(names, count);
    return rc;
}

/* dpkg's order: by name; the unqualified (native or all) one first; then arch. */
static int cmp_entry(const void *a, const void *b)
{
    const copa__dpkg_entry *x = a, *y = b;
    int c = strcmp(x->pkg->name, y->pkg->name);
    if (c != 0)
        return c;
    if (x->foreign != y->foreign)
        return x->foreign - y->foreign;
    return strcmp(x->pkg->arch, y->pkg->arch);
}

static int add_entry(copa__dpkg_entry **arr, size_t *n, const copa__dpkg_db *db,
                     const copa__dpkg_pkg *pkg, const copa__dpkg_status *file, int distroless)
{
    copa__dpkg_entry *grown = realloc(*arr, (*n + 1) * sizeof(*grown)), *e;
    copa__buf id = COPA__BUF_INIT;

    if (grown == NULL)
        return copa__error_oom();
    *arr = grown;
    e = &grown[*n];
    e->pkg = pkg;
    e->file = file;
    e->distroless = distroless;
    e->foreign = pkg->arch[0] != '\0' && strcmp(pkg->arch, "all") != 0 && db->native_arch != NULL &&
                 strcmp(pkg->arch, db->native_arch) != 0;
    if ((e->foreign ? copa__buf_appendf(&id, "%s:%s", pkg->name, pkg->arch)
                    : copa__buf_append_str(&id, pkg->name)) < 0)
        return copa__error_oom();
    e->id = copa__buf_detach(&id);
    (*n)++;
    return 0;
}

static int add_file(copa__dpkg_db *db, const copa__dpkg_status *st, int distroless)
{
    size_t i;
    int rc = 0;
    for (i = 0; rc == 0 && i < st->count; i++) {
        const copa__dpkg_pkg *p = &st->pkgs[i];
        if (!copa__dpkg_pkg_is_installed(p))
            rc = add_entry(&db->others, &db->other_count, db, p, st, distroless);
        else if (distroless && copa__dpkg_db_find(db, p->name) != NULL &&
                 strcmp(copa__dpkg_db_find(db, p->name)->pkg->arch, p->arch) == 0)
            continue; /* already in the status file, which dpkg itself maintains */
        else
            rc = add_entry(&db->installed, &db->installed_count, db, p, st, distroless);
    }
    return rc;
}

/* The architecture of the installed dpkg package, when there is one. */
static const char *dpkg_package_arch(const copa__dpkg_status *st)
{
    size_t i;
    for (i = 0; st != NULL && i < st->count; i++)
        if (strcmp(st->pkgs[i].name, "dpkg") == 0 && copa__dpkg_pkg_is_installed(&st->pkgs[i]))
            return st->pkgs[i].arch;
    return NULL;
}

static int decide_arch(copa__dpkg_db *db, const copa__image_files *files, const char *config_arch)
{
    const char *dpkg_arch = dpkg_package_arch(db->status), **archs = NULL, *native;
    size_t count = 0, i;
    char *text = NULL;
    size_t len = 0;
    int rc = files->read(&text, &len, COPA__DPKG_ADMINDIR "/arch", files->payload);

    if (rc == 0)
        rc = copa__dpkg_arch_parse(&archs, &count, &db->arena, text, len);
    free(text);
    if (rc < 0 && rc != COPA_ENOTFOUND)
        return rc;
    if (dpkg_arch != NULL && config_arch != NULL && strcmp(dpkg_arch, config_arch) != 0)
        return copa__error_set(COPA_EINVALID,
                               "the image config says architecture %s but its dpkg package is "
                               "%s: the image is mislabelled",
                               config_arch, dpkg_arch);
    native = dpkg_arch != NULL     ? dpkg_arch
             : config_arch != NULL ? config_arch
             : count > 0           ? archs[0]
                                   : NULL;
    if (native != NULL && (db->native_arch = strdup(native)) == NULL)
        return copa__error_oom();
    db->foreign_archs = copa__arena_alloc(&db->arena, (count + 1) * sizeof(char *));
    if (db->foreign_archs == NULL)
        return copa__error_oom();
    for (i = 0; i < count; i++)
        if (native == NULL || strcmp(archs[i], native) != 0)
            db->foreign_archs[db->foreign_arch_count++] = archs[i];
    return 0;
}

int copa__dpkg_db_load(copa__dpkg_db **out, const copa__image_files *files, const char *config_arch)
{
    copa__dpkg_db *db = calloc(1, sizeof(*db));
    size_t i;
    int rc;

    *out = NULL;
    if (db == NULL)
        return copa__error_oom();
    copa__arena_init(&db->arena);
    rc = read_status(&db->status, files, COPA__DPKG_ADMINDIR "/status", 0);
    if (rc == COPA_ENOTFOUND)
        rc = 0;
    if (rc == 0)
        rc = load_status_d(db, files);
    if (rc == 0 && db->status == NULL && db->status_d_count == 0)
        rc = copa__error_set(COPA_ENOTFOUND,
                             "the image has no dpkg database (neither "
                             "%s/status nor %s/status.d)",
                             COPA__DPKG_ADMINDIR, COPA__DPKG_ADMINDIR);
    if (rc == 0)
        rc = decide_arch(db, files, config_arch);
    if (rc == 0 && db->status != NULL)
        rc = add_file(db, db->status, 0);
    for (i = 0; rc == 0 && i < db->status_d_count; i++)
        rc = add_file(db, db->status_d[i], 1);
    if (rc < 0) {
        copa__dpkg_db_free(db);
        return rc;
    }
    if (db->installed_count > 0)
        qsort(db->installed, db->installed_count, sizeof(*db->installed), cmp_entry);
    if (db->other_count > 0)
        qsort(db->others, db->other_count, sizeof(*db->others), cmp_entry);
    *out = db;
    return 0;
}

static void free_entries(copa__dpkg_entry *e, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(e[i].id);
    free(e);
}

void copa__dpkg_db_free(copa__dpkg_db *db)
{
    size_t i;
    if (db == NULL)
        return;
    free_entries(db->installed, db->installed_count);
    free_entries(db->others, db->other_count);
    copa__dpkg_status_free(db->status);
    for (i = 0; i < db->status_d_count; i++)
        copa__dpkg_status_free(db->status_d[i]);
    free(db->status_d);
    free(db->native_arch);
    copa__arena_free(&db->arena);
    free(db);
}

const copa__dpkg_entry *copa__dpkg_db_find(const copa__dpkg_db *db, const char *id)
{
    const char *colon = strchr(id, ':');
    size_t nlen = colon != NULL ? (size_t)(colon - id) : strlen(id), i;
    const char *arch = colon != NULL ? colon + 1 : NULL;

    if (arch != NULL && strcmp(arch, "native") == 0)
        arch = NULL;
    for (i = 0; i < db->installed_count; i++) {
        const copa__dpkg_entry *e = &db->installed[i];
        if (strlen(e->pkg->name) != nlen || memcmp(e->pkg->name, id, nlen) != 0)
            continue;
        if (arch == NULL ? !e->foreign
                         : strcmp(arch, "any") == 0 || strcmp(arch, e->pkg->arch) == 0)
            return e;
    }
    return NULL;
}

size_t copa__dpkg_db_held(const copa__dpkg_db *db, const copa__dpkg_entry **out, size_t max)
{
    size_t i, n = 0;
    for (i = 0; i < db->installed_count; i++)
        if (db->installed[i].pkg->want == COPA__DPKG_WANT_HOLD) {
            if (n < max)
                out[n] = &db->installed[i];
            n++;
        }
    return n;
}

char *copa__dpkg_info_path(const copa__dpkg_db *db, const copa__dpkg_entry *e, const char *ext)
{
    copa__buf b = COPA__BUF_INIT;
    int rc;
    (void)db;
    if (e->distroless && strcmp(ext, "md5sums") == 0)
        rc = copa__buf_appendf(&b, "%s.md5sums", e->file->name);
    else if (strcmp(e->pkg->multi_arch, "same") == 0 && e->pkg->arch[0] != '\0')
        rc = copa__buf_appendf(&b, COPA__DPKG_ADMINDIR "/info/%s:%s.%s", e->pkg->name, e->pkg->arch,
                               ext);
    else
        rc = copa__buf_appendf(&b, COPA__DPKG_ADMINDIR "/info/%s.%s", e->pkg->name, ext);
    if (rc < 0) {
        copa__buf_free(&b);
        return NULL;
    }
    return copa__buf_detach(&b);
}

static int read_info(char **text, size_t *len, char **path, const copa__dpkg_db *db,
                     const copa__dpkg_entry *e, const copa__image_files *files, const char *ext)
{
    *path = copa__dpkg_info_path(db, e, ext);
    if (*path == NULL)
        return copa__error_oom();
    return files->read(text, len, *path, files->payload);
}

int copa__dpkg_db_read_list(copa__dpkg_list *out, copa__arena *arena, const copa__dpkg_db *db,
                            const copa__dpkg_entry *e, const copa__image_files *files)
{
    char *text = NULL, *path = NULL;
    size_t len = 0;
    int rc = read_info(&text, &len, &path, db, e, files, "list");
    if (rc == 0)
        rc = copa__dpkg_list_parse(out, arena, text, len, path);
    free(text);
    free(path);
    return rc;
}

int copa__dpkg_db_read_md5sums(copa__dpkg_md5sums *out, copa__arena *arena, const copa__dpkg_db *db,
                               const copa__dpkg_entry *e, const copa__image_files *files)
{
    char *text = NULL, *path = NULL;
    size_t len = 0;
    int rc = read_info(&text, &len, &path, db, e, files, "md5sums");
    if (rc == 0)
        rc = copa__dpkg_md5sums_parse(out, arena, text, len, path);
    free(text);
    free(path);
    return rc;
}
