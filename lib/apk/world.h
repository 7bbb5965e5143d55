/*
 * /etc/apk/world: the packages the user asked for, with the constraints
 * apk keeps honouring on every upgrade (docs/apk.md). Each whitespace-
 * separated token is [!]name[@tag][op version], op one of < <= <~ = ~ =~
 * >~ >= > (and >< with a checksum); names may be provider names such as
 * so:libc.musl-x86_64.so.1 or cmd:sh.
 */
#ifndef COPA_LIB_APK_WORLD_H
#define COPA_LIB_APK_WORLD_H

#include "util/arena.h"
#include "util/image_files.h"

#include <stddef.h>

#define COPA__APK_WORLD_PATH "/etc/apk/world"

enum {
    COPA__APK_OP_LESS = 1,
    COPA__APK_OP_EQUAL = 2,
    COPA__APK_OP_GREATER = 4,
    COPA__APK_OP_FUZZY = 8, /* ~: same version prefix */
};

typedef struct copa__apk_constraint {
    const char *token;   /* as written */
    const char *name;    /* package or provider name */
    const char *tag;     /* repository tag without '@', or NULL */
    int conflict;        /* written with '!' */
    unsigned ops;        /* COPA__APK_OP_* bits; 0: any version */
    const char *version; /* NULL when ops is 0 */
    int checksum;        /* "><": version is a package checksum, not a version */
    size_t line;
} copa__apk_constraint;

typedef struct copa__apk_world {
    copa__arena arena;
    copa__apk_constraint *items;
    size_t count, cap;
} copa__apk_world;

/*
 * Parse a world file (`path` names it in messages). COPA_EINVALID naming
 * path and line: NUL bytes, a token over 4 KiB, an empty name, an unknown
 * operator, an operator without version, an invalid version, an empty tag.
 */
int copa__apk_world_parse(copa__apk_world **out, const char *path, const char *text, size_t len);

/* Read /etc/apk/world through `files`; COPA_ENOTFOUND when absent. */
int copa__apk_world_load(copa__apk_world **out, const copa__image_files *files);

void copa__apk_world_free(copa__apk_world *world);

#endif
