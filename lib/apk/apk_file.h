/*
 * Reading an .apk v2 package: three gzip members, signature (optional
 * here: packages from a repository are trusted through the index), control
 * (a cut tar with .PKGINFO and the scripts .pre-install, .post-install,
 * .pre-upgrade, .post-upgrade, .pre-deinstall, .post-deinstall, .trigger)
 * and data (a tar whose regular files and symlinks carry a PAX record
 * APK-TOOLS.checksum.SHA1).
 *
 * The chain of trust is checked before anything is exposed: the SHA-1 of
 * the control member's compressed bytes must be the index's C: for the
 * package, and the SHA-256 of the data members' compressed bytes must be
 * .PKGINFO's datahash. Data entries are then streamed with libarchive and
 * their paths checked (no absolute paths, no "..", nothing under a symlink
 * of the same package).
 */
#ifndef COPA_LIB_APK_APK_FILE_H
#define COPA_LIB_APK_APK_FILE_H

#include "apk/index.h"
#include "apk/signature.h"

#include <stddef.h>
#include <stdint.h>

typedef struct copa__apk_file copa__apk_file;

/* .PKGINFO: "key = value" lines; repeated keys (depend, provides...) accumulate. */
typedef struct copa__apk_pkginfo {
    const char *name, *version, *arch, *description, *url, *license;
    const char *origin, *maintainer, *commit; /* NULL when absent */
    uint64_t installed_size, build_time, provider_priority;
    copa__apk_deps depends, provides, install_if, replaces;
    const char **triggers; /* trigger path globs */
    size_t trigger_count;
    unsigned char datahash[32];
    int has_datahash;
} copa__apk_pkginfo;

typedef struct copa__apk_file_options {
    /* The index's C: for this package (required unless no_identity). */
    const unsigned char *identity; /* COPA__APK_SHA1_LEN bytes */
    int no_identity;               /* a local file with no index: skip that check */
} copa__apk_file_options;

/*
 * Open a package held in memory (`data` must outlive the handle); `name`
 * ("busybox-1.36.1-r5.apk") is used in messages. Verifies the identity
 * and the datahash and parses .PKGINFO. COPA_EVERIFY when the control
 * member's SHA-1 is not the index's C: or the data's SHA-256 is not the
 * datahash (also when .PKGINFO has no datahash), naming the package;
 * COPA_EINVALID for a damaged package.
 */
int copa__apk_file_open_memory(copa__apk_file **out, const char *name, const void *data, size_t len,
                               const copa__apk_file_options *opts);

/* The same for a file, mapped read-only for the handle's life. */
int copa__apk_file_open(copa__apk_file **out, const char *path, const copa__apk_file_options *opts);

void copa__apk_file_free(copa__apk_file *f);

const copa__apk_pkginfo *copa__apk_file_pkginfo(const copa__apk_file *f);

/* SHA-1 of the control member: the package's identity (the index's C:). */
const unsigned char *copa__apk_file_identity(const copa__apk_file *f);

/* Control members other than .PKGINFO and signatures: the scripts, in archive order. */
const copa__apk_member *copa__apk_file_scripts(const copa__apk_file *f, size_t *count);

/*
 * Check the package's own signature (what `apk verify` does) with the
 * keys the caller trusts: 0, or COPA_EVERIFY as for the index (unsigned,
 * unknown key naming the key file, bad signature).
 */
int copa__apk_file_verify_signature(const copa__apk_file *f, const copa__apk_key *keys,
                                    size_t key_count, copa__apk_sig_result *res);

typedef enum copa__apk_entry_type {
    COPA__APK_FILE = 0,
    COPA__APK_DIR,
    COPA__APK_SYMLINK,
    COPA__APK_HARDLINK,
    COPA__APK_CHAR,
    COPA__APK_BLOCK,
    COPA__APK_FIFO
} copa__apk_entry_type;

/* One data entry; strings stay valid until the next copa__apk_file_data_next. */
typedef struct copa__apk_entry {
    const char *path; /* normalized: "usr/bin/x" */
    copa__apk_entry_type type;
    unsigned int mode; /* permission bits including setuid/setgid/sticky */
    int64_t uid, gid;
    const char *uname, *gname; /* from the tar header, or "" */
    int64_t size;
    int64_t mtime;
    const char *link; /* symlink target as written, or the hardlink's normalized target */
    unsigned int rdev_major, rdev_minor;
    /* APK-TOOLS.checksum.SHA1 of the entry, when present */
    unsigned char sha1[COPA__APK_SHA1_LEN];
    int has_sha1;
} copa__apk_entry;

/*
 * The next data entry: 1 with an entry, 0 at the end, COPA_EINVALID for a
 * damaged tar or a refused path (absolute, "..", under a symlink of this
 * package, a hardlink to such a path), naming the package and the path.
 * The root entry "./" is skipped.
 */
int copa__apk_file_data_next(copa__apk_file *f, copa__apk_entry *out);

/* Read the current entry's content; `*got` is 0 at its end. 0 or COPA_EINVALID. */
int copa__apk_file_data_read(copa__apk_file *f, void *buf, size_t len, size_t *got);

#endif
