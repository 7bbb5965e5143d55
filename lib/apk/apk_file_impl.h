/* Internals shared by the apk_file*.c files. */
#ifndef COPA_LIB_APK_APK_FILE_IMPL_H
#define COPA_LIB_APK_APK_FILE_IMPL_H

#include "apk/apk_file.h"
#include "util/arena.h"
#include "util/buffer.h"

#include <zlib.h>

struct archive;

/*
 * A second, header-only walk over the data tar, in step with libarchive:
 * libarchive does not expose unknown PAX keywords such as
 * APK-TOOLS.checksum.SHA1, so this walk reads them (and the entry's path,
 * to prove both walks are at the same entry).
 */
typedef struct copa__apk_scan {
    z_stream zs;
    int ready;
    const unsigned char *data;
    size_t len;
    int end; /* the end-of-archive block was seen */
} copa__apk_scan;

typedef struct copa__apk_scan_entry {
    copa__buf path;
    unsigned char sha1[COPA__APK_SHA1_LEN];
    int has_sha1;
} copa__apk_scan_entry;

int copa__apk_scan_init(copa__apk_scan *s, const unsigned char *data, size_t len);
/* 1 with the next entry, 0 at the end, COPA_EINVALID (naming `name`). */
int copa__apk_scan_next(copa__apk_scan *s, const char *name, copa__apk_scan_entry *out);
void copa__apk_scan_free(copa__apk_scan *s);

struct copa__apk_file {
    char *name;
    const unsigned char *data;
    size_t len;
    void *map; /* mmap of the file, or NULL */
    size_t map_len;
    copa__arena arena;
    copa__apk_members signatures;
    size_t control_offset, control_len, data_offset;
    copa__apk_members control;
    copa__apk_member *scripts;
    size_t script_count;
    copa__apk_pkginfo info;
    unsigned char identity[COPA__APK_SHA1_LEN];
    /* data iteration */
    struct archive *ar;
    int data_started, data_done;
    copa__apk_scan scan;
    copa__apk_scan_entry scanned;
    copa__buf path, link, uname, gname;
    char **symlinks; /* directories this package made symlinks */
    size_t symlink_count;
};

int copa__apk_pkginfo_parse(copa__apk_file *f, const char *text, size_t len);

#endif
