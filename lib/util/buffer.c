#include "util/buffer.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int copa__buf_reserve(copa__buf *buf, size_t extra)
{
    size_t needed, capacity;
    char *data;

    if (extra > (size_t)-1 - buf->length - 1)
        return copa__error_oom();
    needed = buf->length + extra + 1;
    if (needed <= buf->capacity)
        return 0;
    capacity = buf->capacity < 64 ? 64 : buf->capacity;
    while (capacity < needed)
        capacity = capacity > (size_t)-1 / 2 ? needed : capacity * 2;
    data = realloc(buf->data, capacity);
    if (data == NULL)
        return copa__error_oom();
    buf->data = data;
    buf->capacity = capacity;
    return 0;
}

int copa__buf_append(copa__buf *buf, const void *data, size_t length)
{
    int error = copa__buf_reserve(buf, length);

    if (error != 0)
        return error;
    if (length > 0)
        memcpy(buf->data + buf->length, data, length);
    buf->length += length;
    buf->data[buf->length] = '\0';
    return 0;
}

int copa__buf_append_str(copa__buf *buf, const char *text)
{
    return copa__buf_append(buf, text, strlen(text));
}

int copa__buf_vappendf(copa__buf *buf, const char *fmt, va_list ap)
{
    va_list measure;
    int length, error;

    va_copy(measure, ap);
    length = vsnprintf(NULL, 0, fmt, measure);
    va_end(measure);
    if (length < 0)
        return copa__error_set(COPA_ERROR, "cannot format text");
    if ((error = copa__buf_reserve(buf, (size_t)length)) != 0)
        return error;
    vsnprintf(buf->data + buf->length, (size_t)length + 1, fmt, ap);
    buf->length += (size_t)length;
    return 0;
}

int copa__buf_appendf(copa__buf *buf, const char *fmt, ...)
{
    va_list ap;
    int error;

    va_start(ap, fmt);
    error = copa__buf_vappendf(buf, fmt, ap);
    va_end(ap);
    return error;
}

char *copa__buf_detach(copa__buf *buf)
{
    char *data = buf->data;

    if (data == NULL)
        data = calloc(1, 1);
    buf->data = NULL;
    buf->length = buf->capacity = 0;
    return data;
}

void copa__buf_clear(copa__buf *buf)
{
    buf->length = 0;
    if (buf->data != NULL)
        buf->data[0] = '\0';
}

void copa__buf_free(copa__buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->length = buf->capacity = 0;
}
