/*
 * The effects of maintainer scripts that copa produces without running
 * anything, after the packages are unpacked, the database written and the
 * dropped files hidden (so each effect sees the image as the layer leaves
 * it). What no effect covers is listed by notes.c.
 */
#include "debpatch/internal.h"

int copa__dp_effects(copa__dp_ctx *c)
{
    int rc = copa__dp_effect_ca_store(c);
    if (rc == 0)
        rc = copa__dp_effect_bookkeeping(c);
    if (rc == 0)
        rc = copa__dp_effect_ldso(c);
    return rc;
}
