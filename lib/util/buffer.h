/*
 * A growable byte buffer, always NUL-terminated so it can hold text.
 */
#ifndef COPA_LIB_UTIL_BUFFER_H
#define COPA_LIB_UTIL_BUFFER_H

#include <stdarg.h>
#include <stddef.h>

typedef struct copa__buf {
    char *data; /* NULL until the first append; then NUL-terminated */
    size_t length;
    size_t capacity;
} copa__buf;

#define COPA__BUF_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Make room for `extra` more bytes (plus the NUL). 0 or COPA_ENOMEM. */
int copa__buf_reserve(copa__buf *buf, size_t extra);
int copa__buf_append(copa__buf *buf, const void *data, size_t length);
int copa__buf_append_str(copa__buf *buf, const char *text);
int copa__buf_appendf(copa__buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int copa__buf_vappendf(copa__buf *buf, const char *fmt, va_list ap);
/* Hand the bytes to the caller (who frees them) and reset the buffer. */
char *copa__buf_detach(copa__buf *buf);
void copa__buf_clear(copa__buf *buf);
void copa__buf_free(copa__buf *buf);

#endif
