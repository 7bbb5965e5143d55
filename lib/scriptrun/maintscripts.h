/*
 * The upgraded packages' maintainer scripts, run in the sandbox in the
 * order apt drives dpkg (every package unpacked, then every one
 * configured), with dpkg's arguments and environment. The tree already
 * holds the new files and the new info/ scripts (the native layer); the
 * installed versions' prerm and postrm come from the caller (the base
 * image) and are placed in the tree only while they run.
 */
#ifndef COPA_LIB_SCRIPTRUN_MAINTSCRIPTS_H
#define COPA_LIB_SCRIPTRUN_MAINTSCRIPTS_H

#include <stddef.h>

typedef struct copa__maint_step {
    const char *package;     /* DPKG_MAINTSCRIPT_PACKAGE */
    const char *info_name;   /* info/ file stem: "bash", or "libc6:amd64" (Multi-Arch: same) */
    const char *arch;        /* DPKG_MAINTSCRIPT_ARCH */
    const char *old_version; /* NULL: a new install */
    const char *new_version;
    /* The installed version's prerm and postrm (NULL: none). */
    const char *old_prerm, *old_postrm;
    size_t old_prerm_len, old_postrm_len;
} copa__maint_step;

/* Called after each script that ran (for notes): "openssl: postinst (configure 3.0.11-1)". */
typedef int (*copa__maint_ran_fn)(void *payload, const char *what);

/* A postinst that failed while the run kept going (step index, the error's message). */
typedef int (*copa__maint_failed_fn)(void *payload, size_t step, const char *message);

typedef struct copa__maint_options {
    unsigned timeout_seconds; /* per script; 0: 300 */
    const char *dpkg_version; /* DPKG_RUNNING_VERSION, or NULL */
    copa__maint_ran_fn ran;
    void *payload;
    /*
     * Non-NULL: a postinst that fails is reported here and the other
     * packages are still configured, as dpkg goes on after one package's
     * configuration failed (the package stays half-configured). NULL: the
     * first failure ends the run.
     */
    copa__maint_failed_fn failed;
    void *failed_payload;
} copa__maint_options;

/*
 * For each step in order: old prerm `upgrade NEW`, new preinst `install` or
 * `upgrade OLD`, old postrm `upgrade NEW`; then for each step: new postinst
 * `configure OLD` (`configure ""` for a new install); then, when the image
 * has dpkg, `dpkg --triggers-only --pending` (triggers the scripts
 * activated). A missing script is skipped, as dpkg does.
 * COPA_EEXTERNAL naming the script, its arguments, how it ended and its
 * last lines of output when one fails; COPA_EUNSUPPORTED when the image
 * has scripts but no /bin/sh (distroless) or its architecture cannot run
 * here (naming the missing binfmt handler); the sandbox's errors.
 */
int copa__maint_run(const char *root, const copa__maint_step *steps, size_t count,
                    const copa__maint_options *options);

#endif
