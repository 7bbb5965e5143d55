/*
 * Reading rpmdb.sqlite: open the private copy read-only (a plain file
 * name, never a URI), with SQLite's defensive settings (no triggers, no
 * views, no schema functions, bounded value sizes), check it is rpm's
 * layout, and walk Packages(hnum, blob) in hnum order.
 */
#include "rpmrepo/rpmdb_sqlite.h"
#include "rpmrepo/rpmdb_internal.h"
#include "util/error.h"
#include "util/file.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* rpm refuses headers over 256 MiB (its HEADER_DATA_MAX); so do we. */
enum { MAX_BLOB = 256 * 1024 * 1024, MAX_ROWS = 1000000, BUSY_MS = 0 };
#define MAX_DB_COMPARE ((size_t)1024 * 1024 * 1024)

/* The index tables of rpm's sqlite backend (rpm 4.16+, lib/backend/sqlite.c), as rpm creates them.
 */
static const char *const index_tables[] = {"Name",
                                           "Basenames",
                                           "Group",
                                           "Requirename",
                                           "Providename",
                                           "Conflictname",
                                           "Obsoletename",
                                           "Triggername",
                                           "Dirnames",
                                           "Installtid",
                                           "Sigmd5",
                                           "Sha1header",
                                           "Filetriggername",
                                           "Transfiletriggername",
                                           "Recommendname",
                                           "Suggestname",
                                           "Supplementname",
                                           "Enhancename",
                                           NULL};

struct copa__rpmdb_sqlite {
    char *image_path;
    char *dir;
    int had_wal;
    sqlite3 *db;
    const char *missing[sizeof(index_tables) / sizeof(*index_tables)];
};

const char *const *copa__rpmdb_sqlite_index_tables(void)
{
    return index_tables;
}

static int db_fail(copa__rpmdb_sqlite *db, const char *what)
{
    return copa__error_set(COPA_EINVALID, "%s: %s: %s", db->image_path, what,
                           db->db != NULL ? sqlite3_errmsg(db->db) : "cannot open");
}

static void harden(sqlite3 *s)
{
    sqlite3_db_config(s, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(s, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
    sqlite3_db_config(s, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
    sqlite3_db_config(s, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(s, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    sqlite3_limit(s, SQLITE_LIMIT_LENGTH, MAX_BLOB);
    sqlite3_limit(s, SQLITE_LIMIT_ATTACHED, 0);
}

/* The type and creating SQL of table `name`: 1 when it is an ordinary table. */
static int is_plain_table(copa__rpmdb_sqlite *db, const char *name, int *rc)
{
    sqlite3_stmt *st = NULL;
    int found = 0, step;

    *rc = 0;
    if (sqlite3_prepare_v2(db->db, "SELECT sql FROM sqlite_master WHERE type='table' AND name=?1",
                           -1, &st, NULL) != SQLITE_OK) {
        *rc = db_fail(db, "not an SQLite database");
        return 0;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const char *sql = (const char *)sqlite3_column_text(st, 0);
        /* A virtual table would run module code on our reads. */
        found = sql != NULL && strncmp(sql, "CREATE TABLE", 12) == 0;
    } else if (step != SQLITE_DONE) {
        *rc = db_fail(db, "cannot read the schema");
    }
    sqlite3_finalize(st);
    return found;
}

static int check_layout(copa__rpmdb_sqlite *db)
{
    size_t i, n = 0;
    int rc;

    if (!is_plain_table(db, "Packages", &rc))
        return rc != 0 ? rc
                       : copa__error_set(COPA_EINVALID,
                                         "%s: no Packages table: not an rpm "
                                         "sqlite database",
                                         db->image_path);
    for (i = 0; index_tables[i] != NULL; i++) {
        if (!is_plain_table(db, index_tables[i], &rc)) {
            if (rc != 0)
                return rc;
            db->missing[n++] = index_tables[i];
        }
    }
    db->missing[n] = NULL;
    return 0;
}

static int open_copy(copa__rpmdb_sqlite **out, const copa__rpmdb_source *src)
{
    copa__rpmdb_sqlite *db = calloc(1, sizeof(*db));
    char path[4200];
    int rc;

    *out = NULL;
    if (db == NULL || (db->image_path = strdup(src->path)) == NULL) {
        free(db);
        return copa__error_oom();
    }
    rc = copa__rpmdb_copy(&db->dir, &db->had_wal, src);
    if (rc == 0) {
        snprintf(path, sizeof(path), "%s/rpmdb.sqlite", db->dir);
        if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
            rc = db_fail(db, "cannot open");
    }
    if (rc == 0) {
        harden(db->db);
        sqlite3_busy_timeout(db->db, BUSY_MS);
        rc = check_layout(db);
    }
    if (rc != 0) {
        copa__rpmdb_sqlite_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

/*
 * With a database at both places that are not the same file (no symlink
 * between them), only rpm's %_dbpath says which is current: patching
 * against the stale one would write a wrong database, so it is refused.
 */
static int check_single(const copa__rpmdb_sqlite *db, const copa__image_files *files)
{
    char *other = NULL, *ours = NULL, path[4200];
    size_t other_len = 0, ours_len = 0;
    int rc = files->read(&other, &other_len, COPA_RPMDB_SQLITE_USR, files->payload);

    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return 0;
    }
    snprintf(path, sizeof(path), "%s/rpmdb.sqlite", db->dir);
    if (rc == 0)
        rc = copa__file_read_all(&ours, &ours_len, path, MAX_DB_COMPARE);
    if (rc == 0 && (ours_len != other_len || memcmp(ours, other, ours_len) != 0))
        rc = copa__error_set(COPA_EINVALID,
                             "two different rpm databases, %s and %s: which one rpm uses "
                             "depends on its %%_dbpath; refusing to guess",
                             COPA_RPMDB_SQLITE_VAR, COPA_RPMDB_SQLITE_USR);
    free(other);
    free(ours);
    return rc;
}

int copa__rpmdb_sqlite_open(copa__rpmdb_sqlite **out, const copa__image_files *files)
{
    copa__rpmdb_source src = {COPA_RPMDB_SQLITE_VAR, files->read, files->payload};
    int rc = open_copy(out, &src);

    if (rc == 0 && (rc = check_single(*out, files)) != 0) {
        copa__rpmdb_sqlite_close(*out);
        *out = NULL;
        return rc;
    }
    if (rc != COPA_ENOTFOUND)
        return rc;
    copa_error_clear();
    src.path = COPA_RPMDB_SQLITE_USR;
    rc = open_copy(out, &src);
    if (rc == COPA_ENOTFOUND)
        return copa__error_set(COPA_ENOTFOUND, "no rpm sqlite database (%s or %s)",
                               COPA_RPMDB_SQLITE_VAR, COPA_RPMDB_SQLITE_USR);
    return rc;
}

int copa__rpmdb_sqlite_open_host(copa__rpmdb_sqlite **out, const char *path)
{
    copa__rpmdb_source src = {path, copa__rpmdb_host_read, NULL};

    return open_copy(out, &src);
}

void copa__rpmdb_sqlite_close(copa__rpmdb_sqlite *db)
{
    if (db == NULL)
        return;
    if (db->db != NULL)
        sqlite3_close(db->db);
    copa__rpmdb_copy_remove(db->dir);
    free(db->image_path);
    free(db);
}

const char *copa__rpmdb_sqlite_path(const copa__rpmdb_sqlite *db)
{
    return db->image_path;
}

int copa__rpmdb_sqlite_had_wal(const copa__rpmdb_sqlite *db)
{
    return db->had_wal;
}

const char *const *copa__rpmdb_sqlite_missing_tables(const copa__rpmdb_sqlite *db)
{
    return db->missing;
}

static int row(copa__rpmdb_sqlite *db, sqlite3_stmt *st, copa__rpmdb_row_cb cb, void *payload)
{
    sqlite3_int64 hnum;
    const void *blob;
    int len;

    if (sqlite3_column_type(st, 0) != SQLITE_INTEGER || sqlite3_column_type(st, 1) != SQLITE_BLOB)
        return copa__error_set(COPA_EINVALID, "%s: a Packages row is not (integer, blob)",
                               db->image_path);
    hnum = sqlite3_column_int64(st, 0);
    if (hnum <= 0 || hnum > (sqlite3_int64)UINT32_MAX)
        return copa__error_set(COPA_EINVALID, "%s: Packages hnum %lld out of range", db->image_path,
                               (long long)hnum);
    blob = sqlite3_column_blob(st, 1);
    len = sqlite3_column_bytes(st, 1);
    if (blob == NULL && len > 0)
        return copa__error_oom();
    return cb((uint32_t)hnum, blob != NULL ? blob : "", (size_t)len, payload);
}

int copa__rpmdb_sqlite_each(copa__rpmdb_sqlite *db, copa__rpmdb_row_cb cb, void *payload)
{
    sqlite3_stmt *st = NULL;
    size_t rows = 0;
    int rc = 0, step;

    if (sqlite3_prepare_v2(db->db, "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(db, "cannot read Packages");
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (++rows > MAX_ROWS) {
            rc = copa__error_set(COPA_EINVALID, "%s: more than %d packages", db->image_path,
                                 MAX_ROWS);
            break;
        }
        rc = row(db, st, cb, payload);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_fail(db, "cannot read Packages");
    sqlite3_finalize(st);
    return rc;
}
