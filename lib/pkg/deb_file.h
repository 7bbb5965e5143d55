/*
 * Reading a binary package (.deb, deb(5)): an ar archive whose first
 * member is `debian-binary` ("2.0\n"), then `control.tar[.gz|.xz|.zst]`,
 * then `data.tar[.gz|.xz|.zst|.bz2|.lzma]`; members named `_*` are skipped
 * as dpkg does. The control archive is read whole (it is small); data.tar
 * is streamed entry by entry, never staged on disk.
 */
#ifndef COPA_LIB_PKG_DEB_FILE_H
#define COPA_LIB_PKG_DEB_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct copa__deb copa__deb;

/* One regular file of control.tar (control, conffiles, md5sums, preinst,
 * postinst, prerm, postrm, config, triggers, shlibs, symbols, templates...). */
typedef struct copa__deb_member {
    char *name; /* without "./" */
    char *data; /* NUL-terminated */
    size_t len;
    unsigned int mode; /* permission bits (maintainer scripts are 0755) */
} copa__deb_member;

typedef enum copa__deb_type {
    COPA__DEB_FILE = 0,
    COPA__DEB_DIR,
    COPA__DEB_SYMLINK,
    COPA__DEB_HARDLINK,
    COPA__DEB_CHAR,
    COPA__DEB_BLOCK,
    COPA__DEB_FIFO
} copa__deb_type;

/* One data.tar entry; strings stay valid until the next copa__deb_data_next. */
typedef struct copa__deb_entry {
    const char *path; /* normalized: "usr/bin/x" (no "./", no trailing '/') */
    copa__deb_type type;
    unsigned int mode; /* permission bits including setuid/setgid/sticky */
    int64_t uid, gid;
    const char *uname; /* owner names from the tar header, or "" */
    const char *gname;
    int64_t size; /* bytes of content (regular files) */
    int64_t mtime;
    const char *link; /* symlink target as written, or the hardlink's
                         normalized target path; "" otherwise */
    unsigned int rdev_major, rdev_minor;
    const void *capability; /* a security.capability xattr in data.tar, or NULL */
    size_t capability_length;
} copa__deb_entry;

/*
 * Open a .deb and read everything before data.tar: the format version and
 * the control archive. Errors name the file and what is wrong
 * (COPA_EINVALID: not an ar archive, wrong debian-binary, missing or
 * unknown members, a bad control.tar; COPA_ENOTFOUND: no such file).
 */
int copa__deb_open(copa__deb **out, const char *path);

/* The same over a buffer that must outlive the handle; `name` is used in
 * messages. */
int copa__deb_open_memory(copa__deb **out, const char *name, const void *data, size_t len);

void copa__deb_free(copa__deb *deb);

/* The control archive's member `name` ("control", "postinst"), or NULL. */
const copa__deb_member *copa__deb_control_member(const copa__deb *deb, const char *name);

/* All control archive members in archive order. */
const copa__deb_member *copa__deb_control_members(const copa__deb *deb, size_t *count);

/*
 * The next entry of data.tar: 1 with an entry, 0 at the end (the package
 * is then checked to have nothing unexpected after data.tar), or
 * COPA_EINVALID for a damaged archive or an entry whose path (or hardlink
 * target) is absolute or contains "..", naming the .deb and the path.
 * The root entry "./" is skipped.
 */
int copa__deb_data_next(copa__deb *deb, copa__deb_entry *out);

/*
 * Read up to `len` bytes of the current entry's content into `buf`;
 * `*got` is 0 at its end. Returns 0 or COPA_EINVALID (truncated package).
 */
int copa__deb_data_read(copa__deb *deb, void *buf, size_t len, size_t *got);

/*
 * Normalize a tar member path: drop leading "./" and "/" separators
 * doubled or dotted ("a//b/./c" -> "a/b/c"), drop a trailing '/'.
 * Returns 0, or -1 for an absolute path or a ".." component. `dst` holds
 * strlen(src) + 1 bytes; the root ("./", ".") gives "".
 */
int copa__deb_path_normalize(char *dst, const char *src);

#endif
