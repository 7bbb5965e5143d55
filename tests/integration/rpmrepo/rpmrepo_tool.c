/*
 * Helper program for the rpmrepo integration and hostile tests: prints
 * what lib/rpmrepo reads, one line per item, for comparison with the real
 * tools (rpm -qp, rpm -qa, the manifests' own commands).
 *
 *   rpmrepo_tool conf ROOT RELEASEVER BASEARCH
 *       id|enabled|gpgcheck|repo_gpgcheck|priority|baseurl,...|gpgkey,...
 *   rpmrepo_tool repo REPODIR [KEYFILE] [--insecure]
 *       verifies repodata/repomd.xml.asc with KEYFILE when given, then
 *       each metadata file used against repomd.xml; prints
 *       pkg name|epoch|version|release|arch|sha256|href
 *       adv id|type|severity|cve,...|name-epoch:version-release.arch,...
 *   rpmrepo_tool rpmdb ROOT        hnum per row, then "wal 0|1", "missing T..."
 *   rpmrepo_tool manifest ROOT     1|name|version|release|arch and
 *                                  2|name|epoch|version|release|arch lines
 * Exits 1 with the library's message on failure.
 */
#include "rpmrepo/manifest.h"
#include "rpmrepo/primary.h"
#include "rpmrepo/repo_conf.h"
#include "rpmrepo/repomd.h"
#include "rpmrepo/rpmdb_sqlite.h"
#include "rpmrepo/updateinfo.h"
#include "trust/pgp.h"
#include "util/file.h"
#include "copa/errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_FILE ((size_t)1 << 30)

static int fail(void)
{
    fprintf(stderr, "rpmrepo_tool: %s\n", copa_error_last());
    return 1;
}

static void print_list(const copa__rpm_list *l)
{
    size_t i;

    for (i = 0; i < l->count; i++)
        printf("%s%s", i ? "," : "", l->items[i]);
}

static int cmd_conf(const char *root, const char *releasever, const char *basearch)
{
    copa__rpm_conf_options o = {COPA_RPM_FLAVOR_AUTO, releasever, basearch, NULL};
    copa__image_files files;
    copa__rpm_conf *conf = NULL;
    size_t i;

    if (copa__image_files_dir_open(&files, root) != 0 || copa__rpm_conf_read(&conf, &files, &o))
        return fail();
    for (i = 0; i < conf->repo_count; i++) {
        const copa__rpm_repo *r = &conf->repos[i];
        printf("%s|%d|%d|%d|%d|", r->id, r->enabled, r->gpgcheck, r->repo_gpgcheck, r->priority);
        print_list(&r->baseurls);
        printf("|");
        print_list(&r->gpgkey_paths);
        printf("\n");
    }
    for (i = 0; i < conf->note_count; i++)
        fprintf(stderr, "note: %s\n", conf->notes[i]);
    copa__rpm_conf_free(conf);
    copa__image_files_dir_close(&files);
    return 0;
}

static int read_file(char **data, size_t *len, const char *dir, const char *rel)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    return copa__file_read_all(data, len, path, MAX_FILE);
}

static int verify_signature(const char *dir, const char *keyfile, const char *md, size_t md_len)
{
    char *key = NULL, *sig = NULL;
    size_t key_len, sig_len;
    copa__pgp_keyring *ring = NULL;
    copa__pgp_result res;
    int rc;

    memset(&res, 0, sizeof(res));
    rc = copa__file_read_all(&key, &key_len, keyfile, MAX_FILE);
    if (rc == 0)
        rc = read_file(&sig, &sig_len, dir, "repodata/repomd.xml.asc");
    if (rc == 0)
        rc = copa__pgp_keyring_create(&ring);
    if (rc == 0)
        rc = copa__pgp_keyring_add(ring, keyfile, key, key_len);
    if (rc == 0)
        rc = copa__pgp_verify_detached(&res, ring, md, md_len, sig, sig_len, (int64_t)time(NULL));
    if (rc == 0)
        printf("signed-by %s\n", res.primary_fingerprint);
    copa__pgp_result_clear(&res);
    copa__pgp_keyring_free(ring);
    free(key);
    free(sig);
    return rc;
}

/* Read the metadata file of `type` and check it against repomd.xml. */
static int fetch(char **data, size_t *len, const char *dir, const copa__repomd *md,
                 const char *type, int insecure)
{
    const copa__repomd_data *d = copa__repomd_find(md, type);
    int rc;

    *data = NULL;
    if (d == NULL)
        return COPA_ENOTFOUND;
    rc = read_file(data, len, dir, d->href);
    if (rc == 0)
        rc = copa__repomd_verify(d, *data, *len, insecure);
    return rc;
}

static void print_packages(const copa__rpm_primary *p)
{
    size_t i;

    for (i = 0; i < p->count; i++) {
        const copa__rpm_pkg *k = &p->pkgs[i];
        printf("pkg %s|%s|%s|%s|%s|%s|%s|%u|%u\n", k->name, k->epoch, k->version, k->release,
               k->arch, k->checksum, k->href, k->dep_count[COPA_RPM_DEP_PROVIDES],
               k->dep_count[COPA_RPM_DEP_REQUIRES]);
    }
}

static void print_advisories(const copa__rpm_updateinfo *ui)
{
    size_t i, j;

    for (i = 0; i < ui->count; i++) {
        const copa__rpm_advisory *a = &ui->advisories[i];
        printf("adv %s|%s|%s|", a->id, a->type, a->severity ? a->severity : "");
        for (j = 0; j < a->cve_count; j++)
            printf("%s%s", j ? "," : "", a->cves[j]);
        printf("|");
        for (j = 0; j < a->pkg_count; j++)
            printf("%s%s-%s:%s-%s.%s", j ? "," : "", a->pkgs[j].name, a->pkgs[j].epoch,
                   a->pkgs[j].version, a->pkgs[j].release, a->pkgs[j].arch ? a->pkgs[j].arch : "");
        printf("\n");
    }
}

static int cmd_repo(const char *dir, const char *keyfile, int insecure)
{
    char *xml = NULL, *data = NULL;
    size_t len, data_len;
    copa__repomd *md = NULL;
    copa__rpm_primary *p = NULL;
    copa__rpm_updateinfo *ui = NULL;
    int rc = read_file(&xml, &len, dir, "repodata/repomd.xml");

    if (rc == 0 && keyfile != NULL)
        rc = verify_signature(dir, keyfile, xml, len);
    if (rc == 0)
        rc = copa__repomd_parse(&md, "repomd.xml", xml, len);
    if (rc == 0 && (rc = fetch(&data, &data_len, dir, md, "primary", insecure)) == 0)
        rc = copa__rpm_primary_parse(&p, "primary.xml", data, data_len, NULL);
    free(data);
    data = NULL;
    if (rc == 0) {
        print_packages(p);
        rc = fetch(&data, &data_len, dir, md, "updateinfo", insecure);
        if (rc == 0)
            rc = copa__rpm_updateinfo_parse(&ui, "updateinfo.xml", data, data_len);
        else if (rc == COPA_ENOTFOUND)
            rc = 0;
        if (rc == 0 && ui != NULL)
            print_advisories(ui);
    }
    free(data);
    free(xml);
    copa__rpm_updateinfo_free(ui);
    copa__rpm_primary_free(p);
    copa__repomd_free(md);
    return rc == 0 ? 0 : fail();
}

static int print_row(uint32_t hnum, const void *blob, size_t len, void *payload)
{
    (void)blob, (void)payload;
    printf("%u %zu\n", hnum, len);
    return 0;
}

static int cmd_rpmdb(const char *root)
{
    copa__image_files files;
    copa__rpmdb_sqlite *db = NULL;
    const char *const *missing;
    int rc;

    if (copa__image_files_dir_open(&files, root) != 0)
        return fail();
    rc = copa__rpmdb_sqlite_open(&db, &files);
    if (rc == 0)
        rc = copa__rpmdb_sqlite_each(db, print_row, NULL);
    if (rc == 0) {
        printf("wal %d\npath %s\nmissing", copa__rpmdb_sqlite_had_wal(db),
               copa__rpmdb_sqlite_path(db));
        for (missing = copa__rpmdb_sqlite_missing_tables(db); *missing; missing++)
            printf(" %s", *missing);
        printf("\n");
    }
    copa__rpmdb_sqlite_close(db);
    copa__image_files_dir_close(&files);
    return rc == 0 ? 0 : fail();
}

static int cmd_manifest(const char *root)
{
    copa__image_files files;
    copa__rpm_manifest *m = NULL;
    size_t i;

    if (copa__image_files_dir_open(&files, root) != 0 || copa__rpm_manifest_read(&m, &files))
        return fail();
    for (i = 0; i < m->one.count; i++) {
        const copa__rpm_manifest_entry *e = &m->one.entries[i];
        printf("1|%s|%s|%s|%s\n", e->name, e->version, e->release, e->arch ? e->arch : "");
    }
    for (i = 0; i < m->two.count; i++) {
        const copa__rpm_manifest_entry *e = &m->two.entries[i];
        printf("2|%s|%s|%s|%s|%s\n", e->name, e->epoch ? e->epoch : "(none)", e->version,
               e->release, e->arch);
    }
    copa__rpm_manifest_free(m);
    copa__image_files_dir_close(&files);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "conf") == 0)
        return cmd_conf(argv[2], argv[3], argv[4]);
    if (argc >= 3 && argc <= 5 && strcmp(argv[1], "repo") == 0) {
        int insecure = strcmp(argv[argc - 1], "--insecure") == 0;
        const char *key = argc - insecure > 3 ? argv[3] : NULL;
        return cmd_repo(argv[2], key, insecure);
    }
    if (argc == 3 && strcmp(argv[1], "rpmdb") == 0)
        return cmd_rpmdb(argv[2]);
    if (argc == 3 && strcmp(argv[1], "manifest") == 0)
        return cmd_manifest(argv[2]);
    fprintf(stderr, "usage: rpmrepo_tool conf|repo|rpmdb|manifest ...\n");
    return 2;
}
