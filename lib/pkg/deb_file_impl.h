/*
 * The .deb handle, shared by deb_file.c (opening, control) and deb_data.c
 * (the data.tar iterator).
 */
#ifndef COPA_LIB_PKG_DEB_FILE_IMPL_H
#define COPA_LIB_PKG_DEB_FILE_IMPL_H

#include "pkg/deb_file.h"
#include "util/buffer.h"

#include <archive.h>

struct copa__deb {
    char *name;
    struct archive *ar;   /* the outer ar archive */
    struct archive *data; /* data.tar, reading from the current ar member */
    copa__deb_member *members;
    size_t member_count;
    char outer_buf[65536];
    copa__buf path, link, uname, gname; /* storage for the current entry */
    int data_done;
};

/* "NAME: WHAT: libarchive's message" as COPA_EINVALID. */
int copa__deb_archive_error(const copa__deb *deb, struct archive *a, const char *what);

#endif
