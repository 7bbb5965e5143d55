/*
 * The .deb handle, shared by deb_file.c (opening, control) and deb_data.c
 * (the data.tar iterator).
 */
#ifndef COPA_LIB_PKG_DEB_FILE_IMPL_H
#define COPA_LIB_PKG_DEB_FILE_IMPL_H

#include "pkg/deb_file.h"
#include "util/buffer.h"

#include <archive.h>

/* Where the data.tar iterator reads from. */
typedef enum copa__deb_data_mode {
    COPA__DEB_DATA_TAR = 0, /* the ar member, decompressed and read as tar */
    COPA__DEB_DATA_RAW,     /* the ar member decompressed, as bytes (deb_decode.c) */
    COPA__DEB_DATA_FROM_FD  /* an uncompressed tar decoded earlier (deb_decode.c) */
} copa__deb_data_mode;

struct copa__deb {
    char *name;
    struct archive *ar;   /* the outer ar archive */
    struct archive *data; /* data.tar, reading from the current ar member */
    copa__deb_member *members;
    size_t member_count;
    char outer_buf[65536];
    copa__buf path, link, uname, gname; /* storage for the current entry */
    int data_done;
    copa__deb_data_mode data_mode;
    int data_fd; /* COPA__DEB_DATA_FROM_FD: the uncompressed data.tar */
};

/* Open `path` reading data.tar as `mode` says (fd for FROM_FD, else -1). */
int copa__deb_open_mode(copa__deb **out, const char *path, copa__deb_data_mode mode, int fd);

/* After data.tar only `_*` members may follow (deb(5)). */
int copa__deb_check_trailer(copa__deb *deb);

/* "NAME: WHAT: libarchive's message" as COPA_EINVALID. */
int copa__deb_archive_error(const copa__deb *deb, struct archive *a, const char *what);

#endif
