/*
 * os-release(5): which distribution an image is, and therefore which
 * package format patches it.
 */
#ifndef COPA_LIB_PKG_OSRELEASE_H
#define COPA_LIB_PKG_OSRELEASE_H

#include "copa/pkgversion.h"
#include "util/image_files.h"

#include <stddef.h>

typedef struct copa__os_release {
    /* Each is a malloc'd string, or NULL when the file does not set it. */
    char *id;               /* "debian", "ubuntu", ... (lower case by spec) */
    char *id_like;          /* space-separated list, e.g. "debian" */
    char *version_id;       /* "12", "22.04"; absent on testing/sid */
    char *version_codename; /* "bookworm" */
    char *pretty_name;
    const char *path;       /* which file was read (a static string) */
    copa_pkg_format format; /* decided from ID and ID_LIKE; UNKNOWN if none fits */
} copa__os_release;

/*
 * Parse the text of an os-release file (`name` is used in messages).
 * Shell-like assignments: KEY=value, values in "double quotes" (with \" \\
 * \$ \` escapes), 'single quotes' (no escapes) or bare (a backslash quotes
 * the next byte); '#' comment lines and blank lines are skipped; lines that
 * are not assignments are ignored, as systemd does. Returns 0,
 * COPA_EINVALID for an unterminated quote ("NAME:LINE: ..."), COPA_ENOMEM.
 * `out` is always initialised (free it with copa__os_release_free).
 */
int copa__os_release_parse(copa__os_release *out, const char *text, size_t len, const char *name);

/*
 * Read /etc/os-release, or /usr/lib/os-release when the first is missing,
 * from the image. COPA_ENOTFOUND when neither exists (the message names
 * both paths).
 */
int copa__os_release_load(copa__os_release *out, const copa__image_files *files);

/*
 * The package format of a distribution: deb for ID debian/ubuntu or an
 * ID_LIKE naming one of them; apk for alpine/wolfi/chainguard; rpm for the
 * Red Hat, Fedora, SUSE, Amazon and Azure Linux families.
 */
copa_pkg_format copa__os_release_format(const char *id, const char *id_like);

/*
 * Check a scanner report's OS against the image. `family` matches when it
 * equals ID or one of the ID_LIKE words (case-insensitive); when it equals
 * ID, `version` must agree with VERSION_ID on its leading components
 * ("12" vs "12.5", "22.04" vs "22.04") or equal VERSION_CODENAME. Empty or
 * NULL report values are not checked. Returns 0 or COPA_EINVALID with both
 * sides in the message.
 */
int copa__os_release_check_report(const copa__os_release *os, const char *family,
                                  const char *version);

/* Whether `word` is one of the space-separated words of `list`. */
int copa__word_in_list(const char *list, const char *word);

void copa__os_release_free(copa__os_release *os);

#endif
