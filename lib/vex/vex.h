/*
 * Private view of copa_vex and the input the patch pipeline feeds it.
 */
#ifndef COPA_LIB_VEX_VEX_H
#define COPA_LIB_VEX_VEX_H

#include "copa/vex.h"

#include <stddef.h>

/* One claim: vulnerability fixed in product by subcomponent (or NULL). */
typedef struct copa__vex_claim {
    char *vulnerability;
    char *product;      /* canonical purl */
    char *subcomponent; /* canonical purl, or NULL */
} copa__vex_claim;

struct copa_vex {
    char *id; /* NULL: derived from the content when written */
    char *author;
    char *timestamp;
    char *tooling;
    copa__vex_claim *claims;
    size_t count;
    size_t capacity;
};

/*
 * One fixed vulnerability as the patch pipeline knows it: the package that
 * reached a version fixing it, and the OS the package belongs to.
 */
typedef struct copa__vex_fix {
    const char *vulnerability;
    const char *name;
    const char *version; /* the new version */
    const char *arch;    /* the package's architecture; may be NULL */
    copa_pkg_format format;
    const char *distro_id;
    const char *distro_version; /* may be NULL */
} copa__vex_fix;

/*
 * Add `count` fixes as subcomponents of `product_purl`. Stops at the first
 * failure (claims added before it stay). 0, COPA_EINVALID, COPA_ENOMEM.
 */
int copa__vex_add_fixes(copa_vex *vex, const char *product_purl, const copa__vex_fix *fixes,
                        size_t count);

/* 1 when `timestamp` is an RFC 3339 date-time. */
int copa__vex_timestamp_valid(const char *timestamp);

#endif
