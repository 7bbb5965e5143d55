/* The thread's "C" locale around libarchive calls; see bytes_locale.h. */
#include "util/bytes_locale.h"

#include <pthread.h>

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    /* Made once and kept for the process: locale objects are cheap and
     * freeing it would race with other threads still inside. */
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

locale_t copa__bytes_locale_enter(void)
{
    pthread_once(&c_locale_once, make_c_locale);
    if (c_locale == (locale_t)0)
        return (locale_t)0;
    return uselocale(c_locale);
}

void copa__bytes_locale_leave(locale_t previous)
{
    if (previous != (locale_t)0)
        uselocale(previous);
}
