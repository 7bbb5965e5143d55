/*
 * The file capability (the security.capability extended attribute) of a
 * libarchive entry: tar layers and data.tar carry it as a pax
 * SCHILY.xattr.security.capability record, which libarchive turns into an
 * xattr of the entry.
 */
#ifndef COPA_LIB_UTIL_ARCHIVE_XATTR_H
#define COPA_LIB_UTIL_ARCHIVE_XATTR_H

#include <archive.h>
#include <archive_entry.h>
#include <stddef.h>
#include <string.h>

#define COPA__XATTR_CAPABILITY "security.capability"

/* Borrowed until the next header is read; *value is NULL when there is none. */
static inline void copa__archive_capability(struct archive_entry *ae, const void **value,
                                            size_t *length)
{
    const char *name;
    const void *v;
    size_t n;

    *value = NULL;
    *length = 0;
    if (archive_entry_xattr_reset(ae) == 0)
        return;
    while (archive_entry_xattr_next(ae, &name, &v, &n) == ARCHIVE_OK)
        if (name != NULL && strcmp(name, COPA__XATTR_CAPABILITY) == 0 && n > 0) {
            *value = v;
            *length = n;
        }
}

#endif
