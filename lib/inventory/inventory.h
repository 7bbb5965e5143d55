/*
 * The inventory of an image (copa/packages.h): its OS and installed OS
 * packages. open.c reads the image through the patch pipeline's loading
 * stages, packages.c turns an engine's installed packages (engine/engine.h)
 * into entries, and table.c, json.c
 * and cyclonedx.c write the three output formats.
 */
#ifndef COPA_LIB_INVENTORY_INVENTORY_H
#define COPA_LIB_INVENTORY_INVENTORY_H

#include "copa/packages.h"
#include "copa/image.h"
#include "engine/engine.h"
#include "pkg/osrelease.h"
#include "util/arena.h"

#include <cjson/cJSON.h>
#include <stddef.h>

struct copa_inventory {
    const char *image; /* the reference as given */
    const char *image_purl;
    const char *digest;
    const char *os_id, *os_version, *os_pretty_name;
    const char *package_manager;
    copa_package *packages; /* sorted by name, then arch */
    size_t package_count;
    copa__arena arena; /* every string above */
};

/* What an inventory is made of: open.c reads it from an image, a patch
 * (lib/patch/sbom.c) takes it from the image it just wrote. */
typedef struct copa__inventory_input {
    const char *image;         /* the reference as the user wrote it */
    const copa_reference *ref; /* the same, parsed: names the image's purl */
    const char *digest;        /* the manifest digest */
    const copa__os_release *os;
    const copa__engine *engine; /* loaded: its installed packages */
    char *const *patched;       /* "name=version" copa's layer installed */
    size_t patched_count;
} copa__inventory_input;

/* A new inventory from `in` (nothing is borrowed). 0, COPA_EINVALID, COPA_ENOMEM. */
int copa__inventory_build(copa_inventory **out, const copa__inventory_input *in);

/*
 * Fill inv->packages and inv->package_manager from the installed packages
 * of `engine` (sorted by name then arch). `patched` holds the
 * "name=version" words of copa's patch label (patched_count of them): a
 * package at that version was installed by copa's layer. Needs inv->os_id
 * and inv->os_version set. 0, COPA_EINVALID (a package without a
 * version), COPA_ENOMEM.
 */
int copa__inventory_from_engine(copa_inventory *inv, const copa__engine *engine,
                                char *const *patched, size_t patched_count);

/* The three output formats; each returns a malloc'd string in *out. */
int copa__inventory_table(char **out, const copa_inventory *inv);
int copa__inventory_json(char **out, const copa_inventory *inv);
int copa__inventory_cyclonedx(char **out, const copa_inventory *inv);

#endif
