/*
 * Archive names are bytes. libarchive converts pax names through the
 * calling thread's locale (and normalises UTF-8 to NFC on the way), so an
 * application that called setlocale() would see, and make us write, other
 * bytes than the archive holds. Around libarchive header calls the thread
 * switches to the "C" locale, where every non-ASCII conversion fails and
 * libarchive keeps the raw bytes. uselocale() is per thread and undone
 * afterwards: the library never calls setlocale().
 */
#ifndef COPA_LIB_UTIL_BYTES_LOCALE_H
#define COPA_LIB_UTIL_BYTES_LOCALE_H

#include <locale.h>

/* Switch the calling thread to the "C" locale; returns the previous one
 * (or (locale_t)0 when "C" could not be made; leave accepts that). */
locale_t copa__bytes_locale_enter(void);
/* Restore what copa__bytes_locale_enter returned. */
void copa__bytes_locale_leave(locale_t previous);

#endif
