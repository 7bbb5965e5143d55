/*
 * patch_image: patch an image's OS packages into an OCI layout, showing
 * progress, then print what was done.
 *
 *   patch_image oci:./layout:1.0 ./patched            update every package
 *   patch_image --report trivy.json nginx:1.25 ./patched
 *   patch_image --cancel-at download oci:./layout:1.0 ./patched
 *
 * Progress: one line per stage on stderr ("stage resolve ... done 0.12 s").
 * The progress callback also shows cancellation: with --cancel-at STAGE it
 * returns non-zero when STAGE begins, and copa_patch() stops and returns
 * that value unchanged; nothing is written.
 *
 * Output on stdout (stable, meant to be read by scripts):
 *
 *   destination: oci:./patched:1.0-patched
 *   digest: sha256:...
 *   update: openssl 3.0.11-1~deb12u2 -> 3.0.13-1~deb12u1 (CVE-2024-0727)
 *   skipped: ...
 *   unfixable: ...
 *   layer: 123456 bytes
 *
 * or "up to date" when there was nothing to fix.
 *
 * Exit status: 0; 1 when libcopa fails (error name and message on stderr);
 * 3 when cancelled; 2 on usage errors.
 */
#include <copa.h>
#include <stdio.h>
#include <string.h>

/* What the progress callback needs: where to cancel, and whether it did. */
typedef struct progress_state {
    const char *cancel_at;
    int cancelled;
} progress_state;

/* Returned by the callback to cancel; any non-zero value works and comes back from copa_patch(). */
#define CANCEL_CODE 42

static int on_progress(const copa_progress *event, void *payload)
{
    progress_state *state = payload;

    switch (event->kind) {
    case COPA_PROGRESS_STAGE_BEGIN:
        if (state->cancel_at != NULL && strcmp(event->stage, state->cancel_at) == 0) {
            fprintf(stderr, "stage %s: cancelling\n", event->stage);
            state->cancelled = 1;
            return CANCEL_CODE;
        }
        fprintf(stderr, "stage %s ...\n", event->stage);
        break;
    case COPA_PROGRESS_STAGE_END:
        fprintf(stderr, "stage %s done %.2f s\n", event->stage, event->elapsed);
        break;
    case COPA_PROGRESS_NOTE:
        fprintf(stderr, "note: %s\n", event->message);
        break;
    case COPA_PROGRESS_BYTES:
        /* Byte counts come often; a real tool would draw a bar here. */
        break;
    }
    return 0;
}

static void print_result(const copa_patch_result *result)
{
    size_t i;

    if (copa_patch_result_up_to_date(result)) {
        printf("up to date\n");
        return;
    }
    printf("destination: %s\n", copa_patch_result_destination(result));
    printf("digest: %s\n", copa_patch_result_digest(result));
    for (i = 0; i < copa_patch_result_update_count(result); i++) {
        const copa_patch_update *u = copa_patch_result_update(result, i);
        printf("update: %s %s -> %s (%s)\n", u->name, u->is_new ? "(new)" : u->from, u->to,
               u->reason);
    }
    for (i = 0; i < copa_patch_result_skipped_count(result); i++)
        printf("skipped: %s\n", copa_patch_result_skipped(result, i)->message);
    for (i = 0; i < copa_patch_result_unfixable_count(result); i++) {
        const copa_patch_unfixable *u = copa_patch_result_unfixable(result, i);
        printf("unfixable: %s %s %s\n", u->name, u->installed, u->vulnerability_id);
    }
    printf("layer: %.0f bytes\n", copa_patch_result_layer_size(result));
}

static int usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [--report REPORT.json] [--cancel-at STAGE] IMAGE OCI_DIR\n", argv0);
    return 2;
}

int main(int argc, char **argv)
{
    copa_patch_options opts;
    copa_patch_result *result = NULL;
    progress_state state = {NULL, 0};
    int i, rc;

    copa_patch_options_init(&opts, COPA_PATCH_OPTIONS_VERSION);
    for (i = 1; i < argc - 2; i++) {
        if (strcmp(argv[i], "--report") == 0 && i + 1 < argc - 2)
            opts.report = argv[++i];
        else if (strcmp(argv[i], "--cancel-at") == 0 && i + 1 < argc - 2)
            state.cancel_at = argv[++i];
        else
            return usage(argv[0]);
    }
    if (i != argc - 2)
        return usage(argv[0]);
    opts.image = argv[i];
    opts.oci_dir = argv[i + 1];
    opts.progress = on_progress;
    opts.progress_payload = &state;

    if (copa_init() < 0) {
        fprintf(stderr, "patch_image: %s\n", copa_error_last());
        return 1;
    }
    rc = copa_patch(&result, &opts);
    if (rc == 0) {
        print_result(result);
    } else if (state.cancelled && rc == CANCEL_CODE) {
        fprintf(stderr, "patch_image: cancelled at stage %s\n", state.cancel_at);
    } else {
        fprintf(stderr, "patch_image: %s: %s\n", copa_error_name(rc), copa_error_last());
        /* A failed patch may still say which fixes could not be made. */
        for (i = 0; result != NULL && (size_t)i < copa_patch_result_skipped_count(result); i++)
            fprintf(stderr, "skipped: %s\n", copa_patch_result_skipped(result, (size_t)i)->message);
    }
    copa_patch_result_free(result);
    copa_shutdown();
    if (rc == 0)
        return fflush(stdout) == 0 ? 0 : 1;
    return state.cancelled && rc == CANCEL_CODE ? 3 : 1;
}
