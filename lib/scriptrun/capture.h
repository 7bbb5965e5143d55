/*
 * --run-scripts in one call, for an engine's write stage: the image's
 * layers and the native layer (still in its writer) extracted into a
 * scratch tree, the plan's maintainer scripts run there in the sandbox in
 * dpkg's order, and what they changed added to the same writer. The
 * scratch tree is removed afterwards, whatever happened.
 */
#ifndef COPA_LIB_SCRIPTRUN_CAPTURE_H
#define COPA_LIB_SCRIPTRUN_CAPTURE_H

#include "layer/writer.h"
#include "resolve/resolve.h"
#include "scriptrun/maintscripts.h"
#include "scriptrun/tree.h"
#include "util/image_files.h"

/* Apply the image's layers to `tree`, lowest first (copa__tree_apply_layer each). */
typedef int (*copa__scriptrun_base_fn)(void *payload, copa__tree *tree);

typedef struct copa__scriptrun_input {
    const copa__rs_plan *plan;      /* the steps, in the order dpkg is to see them */
    const copa__image_files *files; /* the image before the patch: the installed prerm/postrm */
    copa__layer_writer *writer;     /* the native layer; the scripts' changes replace entries */
    copa__scriptrun_base_fn apply_base;
    void *base_payload;
    copa__maint_options maint; /* timeout, DPKG_RUNNING_VERSION, progress */
    /*
     * Non-NULL: a failing postinst does not end the run (--ignore-errors):
     * the other packages are still configured, the failed one is recorded
     * in the status file as dpkg records it (half-configured, with its
     * Config-Version) and reported here ("package: message").
     */
    int (*failed)(void *payload, const char *package, const char *message);
    void *failed_payload;
} copa__scriptrun_input;

/* 0 with *changed = paths added or replaced; the errors of copa__maint_run and the tree. */
int copa__scriptrun_capture(const copa__scriptrun_input *in, size_t *changed);

#endif
