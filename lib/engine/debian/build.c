/*
 * The Debian engine's fetch and write stages: the plan's .debs downloaded
 * and verified against the signed indexes (lib/debpatch/fetch.c), then the
 * layer written by lib/debpatch: files through the image's own symlinks,
 * conffile decisions, whiteouts, script effects made natively, the dpkg
 * database. The maintainer scripts that did not run and the notes go out
 * as events.
 */
#include "engine/debian/debian.h"
#include "scriptrun/capture.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

static void fetch_options(copa__debpatch_fetch_options *fo, const copa__engine_net *net,
                          const copa__engine_events *events)
{
    memset(fo, 0, sizeof(*fo));
    fo->cache_dir = net->cache_dir;
    fo->mirrors = net->mirrors;
    fo->ca_file = net->ca_file;
    fo->cancel = net->cancel;
    fo->cancel_payload = net->cancel_payload;
    if (events != NULL && events->bytes != NULL) {
        fo->progress = events->bytes;
        fo->payload = events->payload;
    }
}

int copa__debian_fetch(copa__engine *engine, char ***paths, const copa__rs_plan *plan,
                       const copa__engine_net *net, const copa__engine_events *events)
{
    copa__debpatch_fetch_options fo;

    (void)engine;
    fetch_options(&fo, net, events);
    return copa__debpatch_fetch(paths, plan, &fo);
}

/* Scripts that did not run, and notes (with --run-scripts the scripts ran). */
static int report(const copa__debpatch_result *dr, int scripts_ran,
                  const copa__engine_events *events)
{
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && !scripts_ran && events->script != NULL && i < dr->nskipped_scripts; i++)
        rc = events->script(events->payload, dr->skipped_scripts[i]);
    for (i = 0; rc == 0 && events->note != NULL && i < dr->nnotes; i++)
        rc = events->note(events->payload, dr->notes[i]);
    return rc;
}

/* A script that ran: a note, so the user sees what was executed. */
static int script_ran(void *payload, const char *what)
{
    const copa__engine_events *events = payload;
    char note[512];

    snprintf(note, sizeof(note), "ran in the sandbox: %s", what);
    return events->note != NULL ? events->note(events->payload, note) : 0;
}

/* --ignore-errors: a postinst that failed, said; the package is half-configured as dpkg leaves it.
 */
static int script_failed(void *payload, const char *package, const char *message)
{
    const copa__engine_events *events = payload;
    char note[1400];

    snprintf(note, sizeof(note),
             "%s: %s; dpkg's status records %s as half-configured, as dpkg would "
             "(--ignore-errors)",
             package, message, package);
    return events->note != NULL ? events->note(events->payload, note) : 0;
}

/*
 * --run-scripts: the plan's maintainer scripts over the image with the
 * native layer, their changes into the same writer. *ran is 1 when they ran.
 */
static int run_scripts(const copa__engine_write_input *in, const copa__engine_events *events,
                       int *ran)
{
    copa__scriptrun_input si;
    size_t changed = 0;
    char note[1200];
    int rc;

    *ran = 0;
    memset(&si, 0, sizeof(si));
    si.plan = in->plan;
    si.files = in->files;
    si.writer = in->writer;
    si.apply_base = in->apply_base;
    si.base_payload = in->base_payload;
    si.maint.ran = script_ran;
    si.maint.payload = (void *)events;
    if (in->ignore_errors) { /* a failing postinst: dpkg goes on with the others */
        si.failed = script_failed;
        si.failed_payload = (void *)events;
    }
    rc = copa__scriptrun_capture(&si, &changed);
    if (rc == 0) {
        *ran = 1;
        snprintf(note, sizeof(note),
                 "the maintainer scripts ran in the sandbox and changed %zu path%s", changed,
                 changed == 1 ? "" : "s");
        return events->note != NULL ? events->note(events->payload, note) : 0;
    }
    if (!in->ignore_errors || rc == COPA_ECANCELLED || rc == COPA_ENOMEM)
        return rc;
    snprintf(note, sizeof(note),
             "--run-scripts: %s; the layer holds the packages without their "
             "scripts' effects (--ignore-errors)",
             copa_error_last());
    return events->note != NULL ? events->note(events->payload, note) : 0;
}

int copa__debian_write(copa__engine *engine, const copa__engine_write_input *in,
                       const copa__engine_events *events)
{
    const copa__debian *d = (const copa__debian *)engine;
    copa__debpatch_fetch_options old_fo;
    copa__debian_old_deb_source old_src;
    copa__debpatch_input bi;
    copa__debpatch_result dr;
    int rc, ran = 0;

    memset(&bi, 0, sizeof(bi));
    memset(&dr, 0, sizeof(dr));
    bi.rootfs = in->rootfs;
    bi.files = in->files;
    bi.db = d->db;
    bi.plan = in->plan;
    bi.deb_paths = in->paths;
    bi.epoch = -1;
    bi.writer = in->writer;
    /* Old versions' .debs (distroless conffiles) come mid-build: no byte progress. */
    fetch_options(&old_fo, in->net, NULL);
    old_src.engine = d;
    old_src.fetch = &old_fo;
    bi.old_deb = copa__debian_old_deb;
    bi.old_deb_payload = &old_src;
    rc = copa__debpatch_build(&dr, &bi);
    if (rc == 0 && in->run_scripts)
        rc = run_scripts(in, events, &ran);
    if (rc == 0)
        rc = report(&dr, ran, events);
    copa__debpatch_result_free(&dr);
    return rc;
}
