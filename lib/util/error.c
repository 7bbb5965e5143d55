/*
 * The per-thread last error. A fixed buffer per thread keeps this free of
 * allocation, so it works after an out-of-memory failure and leaves nothing
 * to free when a thread ends.
 */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { ERROR_MESSAGE_MAX = 2048 };

static _Thread_local char last_message[ERROR_MESSAGE_MAX];
static _Thread_local int last_code;

int copa__error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof(last_message), fmt, ap);
    va_end(ap);
    last_code = code;
    return code;
}

int copa__error_prefix(const char *fmt, ...)
{
    char joined[ERROR_MESSAGE_MAX];
    size_t prefix_length, message_length;
    va_list ap;
    int written;

    va_start(ap, fmt);
    written = vsnprintf(joined, sizeof(joined), fmt, ap);
    va_end(ap);
    if (written < 0)
        return last_code;
    prefix_length = (size_t)written < sizeof(joined) ? (size_t)written : sizeof(joined) - 1;
    /* Two layers naming the same thing ("IMAGE: IMAGE: ...") say it once. */
    if (strncmp(last_message, joined, prefix_length) == 0)
        return last_code;
    /* The message goes after the prefix, cut to what still fits. */
    message_length = strnlen(last_message, sizeof(last_message) - 1);
    if (message_length > sizeof(joined) - 1 - prefix_length)
        message_length = sizeof(joined) - 1 - prefix_length;
    memcpy(joined + prefix_length, last_message, message_length);
    joined[prefix_length + message_length] = '\0';
    memcpy(last_message, joined, sizeof(last_message));
    return last_code;
}

int copa__error_oom(void)
{
    return copa__error_set(COPA_ENOMEM, "out of memory");
}

const char *copa_error_last(void)
{
    return last_message;
}

int copa_error_last_code(void)
{
    return last_code;
}

void copa_error_clear(void)
{
    last_message[0] = '\0';
    last_code = COPA_OK;
}

const char *copa_error_name(int code)
{
    static const char *const names[] = {
        "COPA_OK",         "COPA_ERROR",    "COPA_ENOTFOUND",
        "COPA_EAUTH",      "COPA_EINVALID", "COPA_EUNSUPPORTED",
        "COPA_EVERIFY",    "COPA_ENETWORK", "COPA_EUNSATISFIABLE",
        "COPA_ECANCELLED", "COPA_ENOMEM",   "COPA_EEXTERNAL",
        "COPA_ETIMEOUT",   "COPA_ELAYER",
    };
    size_t index = (size_t)(-(long)code);

    if (code > 0 || index >= sizeof(names) / sizeof(names[0]))
        return "COPA_UNKNOWN";
    return names[index];
}
