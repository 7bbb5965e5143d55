/*
 * The installed-package database of rpm's sqlite backend (rpm >= 4.16:
 * Fedora 33+, EL9, Amazon Linux 2023, CBL-Mariner 2, Azure Linux 3),
 * read from the bytes the image holds. rpmdb.sqlite and its write-ahead
 * log are copied into a private temporary directory and opened there
 * read-only, so nothing of the image is opened in place and committed
 * transactions still in the -wal file are seen. The header blobs are
 * handed out raw; parsing them is lib/rpm's.
 */
#ifndef COPA_LIB_RPMREPO_RPMDB_SQLITE_H
#define COPA_LIB_RPMREPO_RPMDB_SQLITE_H

#include "util/image_files.h"

#include <stddef.h>
#include <stdint.h>

#define COPA_RPMDB_SQLITE_VAR "/var/lib/rpm/rpmdb.sqlite"
#define COPA_RPMDB_SQLITE_USR "/usr/lib/sysimage/rpm/rpmdb.sqlite"

typedef struct copa__rpmdb_sqlite copa__rpmdb_sqlite;

/*
 * Find and open the image's database: /var/lib/rpm/rpmdb.sqlite, else
 * /usr/lib/sysimage/rpm/rpmdb.sqlite (symbolic links followed inside the
 * image). COPA_ENOTFOUND when neither exists; COPA_EINVALID for a file
 * that is not an rpm sqlite database (no Packages table, corrupt) and for
 * two different databases at the two places (only rpm's %_dbpath could
 * say which is current);
 * COPA_ERROR for temporary-file failures; COPA_ENOMEM.
 */
int copa__rpmdb_sqlite_open(copa__rpmdb_sqlite **out, const copa__image_files *files);

/* Open a database already on the host (tests): copied the same way. */
int copa__rpmdb_sqlite_open_host(copa__rpmdb_sqlite **out, const char *path);

/* Close it and remove the private copy. NULL is a no-op. */
void copa__rpmdb_sqlite_close(copa__rpmdb_sqlite *db);

/* The image path the database was read from. */
const char *copa__rpmdb_sqlite_path(const copa__rpmdb_sqlite *db);

/* Whether a -wal file came with it (its committed pages are part of what is read). */
int copa__rpmdb_sqlite_had_wal(const copa__rpmdb_sqlite *db);

/*
 * The index tables rpm's sqlite backend creates (Name, Basenames, ...)
 * that this database lacks, NULL-terminated; empty for a complete one.
 * A writer must create them; a reader can go without.
 */
const char *const *copa__rpmdb_sqlite_missing_tables(const copa__rpmdb_sqlite *db);

/* The tables rpm's sqlite backend creates besides Packages, NULL-terminated. */
const char *const *copa__rpmdb_sqlite_index_tables(void);

/*
 * Receives one Packages row: its header number and the header blob,
 * valid only during the call. A non-zero return stops the walk and is
 * returned.
 */
typedef int (*copa__rpmdb_row_cb)(uint32_t hnum, const void *blob, size_t len, void *payload);

/*
 * Call `cb` for every row of Packages in hnum order. COPA_EINVALID for a
 * row whose hnum is not a positive 32-bit number or whose blob is not a
 * blob, for a corrupt database, or for more rows or larger blobs than
 * the caps.
 */
int copa__rpmdb_sqlite_each(copa__rpmdb_sqlite *db, copa__rpmdb_row_cb cb, void *payload);

#endif
