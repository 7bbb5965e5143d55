/*
 * What `copa patch` prints while it runs (progress modes) and at the end
 * (the summary table).
 */
#ifndef COPA_CLI_PATCH_OUTPUT_H
#define COPA_CLI_PATCH_OUTPUT_H

#include <copa.h>
#include <stdio.h>

typedef enum cli_progress_mode {
    CLI_PROGRESS_AUTO = 0, /* tty: bars; else plain */
    CLI_PROGRESS_TTY,
    CLI_PROGRESS_PLAIN,
    CLI_PROGRESS_JSON,
    CLI_PROGRESS_QUIET
} cli_progress_mode;

typedef struct cli_progress_state {
    cli_progress_mode mode;
    FILE *out;
    int debug;
    int bar_open; /* a bar line is being redrawn */
    double last_draw;
} cli_progress_state;

/* Parse "auto|plain|json|quiet"; -1 when unknown. */
int cli_progress_mode_parse(cli_progress_mode *out, const char *text);
/* Resolve AUTO against whether `out` is a terminal. */
void cli_progress_start(cli_progress_state *st, cli_progress_mode mode, FILE *out, int debug);
/* The copa_progress_cb of the CLI (never cancels). */
int cli_progress_event(const copa_progress *event, void *payload);
/* End a bar line that is still open. */
void cli_progress_finish(cli_progress_state *st);

/* The final summary table. */
/* A multi-platform patch: one line per platform of the index (nothing otherwise). */
void cli_patch_platforms(FILE *out, const copa_patch_result *r);
void cli_patch_summary(FILE *out, const copa_patch_result *result);

/* The report's vulnerabilities without a fix (nothing when none). */
void cli_patch_unfixable(FILE *out, const copa_patch_result *result);

/* "12.3 MB" style sizes. */
void cli_format_size(char *out, size_t size, double bytes);

#endif
