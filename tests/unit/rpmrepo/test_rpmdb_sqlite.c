/*
 * rpmdb.sqlite read from an image root: the rows of Packages in hnum
 * order, committed rows still in the -wal file, the Fedora symlink and
 * the /usr/lib/sysimage location, missing index tables, and databases
 * that are not rpm's.
 */
#include "rpmrepo/rpmdb_sqlite.h"
#include "copa/errors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "rpmrepo_test.h"

/* rpm's schema for the tables we create (as rpm 4.18 writes it). */
static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

    if (rc != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", sql, err);
    assert_int_equal(rc, SQLITE_OK);
}

static void create_rpm_schema(sqlite3 *db, int with_indexes)
{
    const char *const *t;
    char sql[512];

    exec(db, "CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,"
             "blob BLOB NOT NULL)");
    for (t = copa__rpmdb_sqlite_index_tables(); with_indexes && *t != NULL; t++) {
        snprintf(sql, sizeof(sql),
                 "CREATE TABLE IF NOT EXISTS '%s' (key 'TEXT' NOT NULL, hnum INTEGER NOT NULL, "
                 "idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES 'Packages'(hnum))",
                 *t);
        exec(db, sql);
    }
}

typedef struct rows {
    uint32_t hnum[16];
    char blob[16][16];
    size_t count;
} rows;

static int collect(uint32_t hnum, const void *blob, size_t len, void *payload)
{
    rows *r = payload;

    assert_true(r->count < 16 && len < 16);
    r->hnum[r->count] = hnum;
    memcpy(r->blob[r->count], blob, len);
    r->blob[r->count++][len] = '\0';
    return 0;
}

static int read_root(const char *root, rows *r, int *had_wal)
{
    copa__image_files files;
    copa__rpmdb_sqlite *db = NULL;
    int rc;

    memset(r, 0, sizeof(*r));
    assert_int_equal(copa__image_files_dir_open(&files, root), 0);
    rc = copa__rpmdb_sqlite_open(&db, &files);
    if (rc == 0) {
        if (had_wal != NULL)
            *had_wal = copa__rpmdb_sqlite_had_wal(db);
        rc = copa__rpmdb_sqlite_each(db, collect, r);
    }
    copa__rpmdb_sqlite_close(db);
    copa__image_files_dir_close(&files);
    return rc;
}

static void copy_file(const char *from, const char *to)
{
    char cmd[8500];

    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
    assert_int_equal(system(cmd), 0);
}

/*
 * Rows 1-2 checkpointed into the main file, rows 3-4 (and the deletion
 * of 2) committed only in the -wal: the copy taken while the writer is
 * still open must show 1, 3, 4, and without its -wal only 1, 2.
 */
static void test_wal_rows(void **state)
{
    char *work = root_new(), *root = root_new(), path[4200], dst[4200];
    sqlite3 *db;
    rows r;
    int had_wal = 0;
    (void)state;

    snprintf(path, sizeof(path), "%s/rpmdb.sqlite", work);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    exec(db, "PRAGMA journal_mode=WAL");
    exec(db, "PRAGMA wal_autocheckpoint=0");
    create_rpm_schema(db, 1);
    exec(db, "INSERT INTO Packages(blob) VALUES (x'6f6e65'), (x'74776f')");
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    exec(db, "INSERT INTO Packages(blob) VALUES (x'7468726565'), (x'666f7572')");
    exec(db, "DELETE FROM Packages WHERE hnum = 2");
    root_put(root, "/var/lib/rpm/.keep", "");
    snprintf(dst, sizeof(dst), "%s/var/lib/rpm/rpmdb.sqlite", root);
    copy_file(path, dst);
    strcat(path, "-wal");
    strcat(dst, "-wal");
    copy_file(path, dst);
    strcpy(path + strlen(path) - 4, "-shm");
    strcpy(dst + strlen(dst) - 4, "-shm");
    copy_file(path, dst);
    assert_int_equal(read_root(root, &r, &had_wal), 0);
    assert_int_equal(r.count, 3);
    assert_true(had_wal);
    assert_int_equal(r.hnum[0], 1);
    assert_string_equal(r.blob[0], "one");
    assert_int_equal(r.hnum[1], 3);
    assert_string_equal(r.blob[1], "three");
    assert_int_equal(r.hnum[2], 4);
    /* The same image without its -wal: the older state. */
    unlink(dst);
    strcpy(dst + strlen(dst) - 4, "-wal");
    unlink(dst);
    assert_int_equal(read_root(root, &r, &had_wal), 0);
    assert_false(had_wal);
    assert_int_equal(r.count, 2);
    assert_int_equal(r.hnum[1], 2);
    sqlite3_close(db);
    root_remove(work);
    root_remove(root);
}

static void make_db(const char *path, int with_indexes, const char *extra_sql)
{
    sqlite3 *db;

    unlink(path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    create_rpm_schema(db, with_indexes);
    exec(db, "INSERT INTO Packages(hnum, blob) VALUES (7, x'61'), (3, x'62')");
    if (extra_sql != NULL)
        exec(db, extra_sql);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Fedora: /var/lib/rpm -> ../../usr/lib/sysimage/rpm; followed inside the image. */
static void test_locations(void **state)
{
    char *root = root_new(), path[4200], cmd[9000];
    copa__image_files files;
    copa__rpmdb_sqlite *db = NULL;
    rows r;
    (void)state;

    root_put(root, "/usr/lib/sysimage/rpm/.keep", "");
    snprintf(path, sizeof(path), "%s/usr/lib/sysimage/rpm/rpmdb.sqlite", root);
    make_db(path, 0, NULL);
    assert_int_equal(read_root(root, &r, NULL), 0);
    assert_int_equal(r.count, 2);
    assert_int_equal(r.hnum[0], 3);
    assert_int_equal(r.hnum[1], 7);
    snprintf(cmd, sizeof(cmd),
             "mkdir -p '%s/var/lib' && ln -s ../../usr/lib/sysimage/rpm '%s/var/lib/rpm'", root,
             root);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(copa__image_files_dir_open(&files, root), 0);
    assert_int_equal(copa__rpmdb_sqlite_open(&db, &files), 0);
    assert_string_equal(copa__rpmdb_sqlite_path(db), COPA_RPMDB_SQLITE_VAR);
    /* A database without rpm's index tables is readable; they are reported. */
    assert_non_null(copa__rpmdb_sqlite_missing_tables(db)[0]);
    assert_string_equal(copa__rpmdb_sqlite_missing_tables(db)[0], "Name");
    copa__rpmdb_sqlite_close(db);
    make_db(path, 1, NULL);
    assert_int_equal(copa__rpmdb_sqlite_open(&db, &files), 0);
    assert_null(copa__rpmdb_sqlite_missing_tables(db)[0]);
    copa__rpmdb_sqlite_close(db);
    /* /var/lib/rpm a directory of its own with another database: refused. */
    snprintf(cmd, sizeof(cmd), "rm '%s/var/lib/rpm' && mkdir '%s/var/lib/rpm'", root, root);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof(cmd), "%s/var/lib/rpm/rpmdb.sqlite", root);
    make_db(cmd, 1, "INSERT INTO Packages(hnum, blob) VALUES (8, x'63')");
    db = NULL;
    assert_int_equal(copa__rpmdb_sqlite_open(&db, &files), COPA_EINVALID);
    assert_null(db);
    assert_non_null(strstr(copa_error_last(), "two different rpm databases"));
    /* The same bytes at both places (a copy, not a link) are one database. */
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s/var/lib/rpm/rpmdb.sqlite'", path, root);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(copa__rpmdb_sqlite_open(&db, &files), 0);
    copa__rpmdb_sqlite_close(db);
    copa__image_files_dir_close(&files);
    root_remove(root);
}

static void test_refused(void **state)
{
    char *root = root_new(), path[4200];
    rows r;
    (void)state;

    assert_int_equal(read_root(root, &r, NULL), COPA_ENOTFOUND);
    root_put(root, "/var/lib/rpm/rpmdb.sqlite", "not a database at all, just text\n");
    assert_int_equal(read_root(root, &r, NULL), COPA_EINVALID);
    snprintf(path, sizeof(path), "%s/var/lib/rpm/rpmdb.sqlite", root);
    make_db(path, 1, "INSERT INTO Packages(hnum, blob) VALUES (-5, x'63')");
    assert_int_equal(read_root(root, &r, NULL), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "out of range"));
    make_db(path, 1, "INSERT INTO Packages(hnum, blob) VALUES (9, 'text')");
    assert_int_equal(read_root(root, &r, NULL), COPA_EINVALID);
    /* Packages as a view over another table: not rpm's layout. */
    {
        sqlite3 *db;
        unlink(path);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        exec(db, "CREATE TABLE t(hnum INTEGER, blob BLOB)");
        exec(db, "CREATE VIEW Packages AS SELECT hnum, blob FROM t");
        sqlite3_close(db);
    }
    assert_int_equal(read_root(root, &r, NULL), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "no Packages table"));
    root_remove(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wal_rows),
        cmocka_unit_test(test_locations),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
