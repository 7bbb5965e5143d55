/*
 * Whole-file reads and atomic writes (temporary name in the same directory,
 * fsync, rename), so a reader never sees half a file.
 */
#ifndef COPA_LIB_UTIL_FILE_H
#define COPA_LIB_UTIL_FILE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Read a whole file into a NUL-terminated malloc'd buffer. Errors name the
 * path: COPA_ENOTFOUND when it does not exist, COPA_ERROR otherwise.
 * Files larger than `max_size` bytes are rejected with COPA_EINVALID.
 */
int copa__file_read_all(char **out, size_t *length, const char *path, size_t max_size);

/*
 * copa__file_read_all for files an image or a layout supplies: anything but
 * a regular file (a fifo that would block, a device) is COPA_EINVALID
 * naming the path. Users' own files (auth files, configs) may be pipes and
 * are read with copa__file_read_all.
 */
int copa__file_read_regular(char **out, size_t *length, const char *path, size_t max_size);

/* Create `dir` and its missing parents (mode 0755). 0 or COPA_ERROR naming it. */
int copa__file_mkdirs(const char *dir);

/* Create the directory that will hold `path`, and its parents. */
int copa__file_mkdirs_parent(const char *path);

/*
 * Open a new temporary file next to `final_path` (same directory, created
 * if missing) for writing and reading, so that it can later be renamed
 * onto `final_path`: *temp gets its malloc'd name, *fp the stream.
 * 0, or COPA_ERROR naming the file (nothing is left behind).
 */
int copa__file_temp_beside(char **temp, FILE **fp, const char *final_path);

/* Write `data` to `path` atomically. 0 or COPA_ERROR naming the path. */
int copa__file_write_atomic(const char *path, const void *data, size_t length);

#endif
