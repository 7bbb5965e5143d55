/*
 * shim.h - C side of the Go bindings.
 *
 * Every libcopa call that can fail goes through a wrapper here that copies
 * the error code and message into a copa_go_err before returning to Go:
 * the message is per thread, and a goroutine may run on another thread by
 * the time Go reads it. Options structs are filled with their *_init()
 * here too, so their version field is always the library's.
 */
#ifndef COPA_GO_SHIM_H
#define COPA_GO_SHIM_H

#include <stdint.h>
#include <stdlib.h>

#include <copa.h>

typedef struct copa_go_err {
    int code;
    char *message; /* malloc'd copy; the caller frees it */
} copa_go_err;

typedef struct copa_go_registry {
    const char *platform;
    const char *credentials;
    const char *const *insecure_registries;
    const char *ca_file;
    const char *cert_dir;
    const char *cache_dir;
} copa_go_registry;

int copa_go_init(copa_go_err *e);
int copa_go_version_compare(copa_go_err *e, int *out, const char *format, const char *a,
                            const char *b);
int copa_go_version_valid(copa_go_err *e, const char *format, const char *v);
int copa_go_report_parse(copa_go_err *e, copa_report **out, const char *path, const char *data,
                         size_t length, const char *format, const char *scanner, int ignore_errors,
                         unsigned int timeout_ms);
int copa_go_report_to_json(copa_go_err *e, char **out, const copa_report *report);
int copa_go_reference_parse(copa_go_err *e, copa_reference **out, const char *text);
int copa_go_image_inspect(copa_go_err *e, char **out, const char *image, int json,
                          const copa_go_registry *r);
int copa_go_image_copy(copa_go_err *e, const char *from, const char *to, const copa_go_registry *r);
/* The inventory of an image (packages.h), and its text in one of the formats. */
int copa_go_packages_open(copa_go_err *e, copa_inventory **out, const char *image,
                          const copa_go_registry *r);
int copa_go_inventory_format(copa_go_err *e, char **out, const copa_inventory *inv, int format);
int copa_go_vex_create(copa_go_err *e, copa_vex **out, const char *id, const char *author,
                       const char *timestamp, const char *tooling);
int copa_go_vex_add_fixed(copa_go_err *e, copa_vex *vex, const char *vulnerability,
                          const char *product, const char *subcomponent);
int copa_go_vex_to_json(copa_go_err *e, char **out, const copa_vex *vex);
int copa_go_vex_write_file(copa_go_err *e, const copa_vex *vex, const char *path);
int copa_go_purl_package(copa_go_err *e, char **out, const char *format, const char *distro_id,
                         const char *distro_version, const char *name, const char *version,
                         const char *arch);
int copa_go_purl_image(copa_go_err *e, char **out, const char *registry, const char *repository,
                       const char *digest, const char *tag);
/* handle != 0: progress events go to the Go function goCopaProgress(handle). */
int copa_go_patch(copa_go_err *e, copa_patch_result **out, copa_patch_options *opts,
                  uintptr_t handle);
int copa_go_plan(copa_go_err *e, char **out, copa_patch_options *opts, int json, uintptr_t handle);

#endif
