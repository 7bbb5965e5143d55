/*
 * Progress and summary output of `copa patch`. Progress goes to stderr so
 * stdout stays for the plan and the summary (and scripts can parse them).
 */
#include "patch_output.h"
#include "text_output.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

int cli_progress_mode_parse(cli_progress_mode *out, const char *text)
{
    static const char *const names[] = {"auto", "tty", "plain", "json", "quiet"};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(text, names[i]) == 0 && i != CLI_PROGRESS_TTY) {
            *out = (cli_progress_mode)i;
            return 0;
        }
    }
    return -1;
}

void cli_progress_start(cli_progress_state *st, cli_progress_mode mode, FILE *out, int debug)
{
    memset(st, 0, sizeof(*st));
    st->out = out;
    st->debug = debug;
    if (mode == CLI_PROGRESS_AUTO)
        mode = isatty(fileno(out)) ? CLI_PROGRESS_TTY : CLI_PROGRESS_PLAIN;
    st->mode = mode;
}

void cli_format_size(char *out, size_t size, double bytes)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    size_t u = 0;

    while (bytes >= 1000.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
        bytes /= 1000.0;
        u++;
    }
    if (u == 0)
        snprintf(out, size, "%.0f %s", bytes, units[u]);
    else
        snprintf(out, size, "%.1f %s", bytes, units[u]);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void draw_bar(cli_progress_state *st, const copa_progress *e)
{
    char done[32], total[32];
    int width = 30, filled = 0, i;
    double t = now_s();

    /* Redraw at most 10 times a second, and always at the end. */
    if (t - st->last_draw < 0.1 && !(e->total > 0 && e->done >= e->total))
        return;
    st->last_draw = t;
    cli_format_size(done, sizeof(done), e->done);
    cli_format_size(total, sizeof(total), e->total);
    if (e->total > 0)
        filled = (int)(width * (e->done / e->total));
    if (filled > width)
        filled = width;
    /* The bar's own \r and erase-line go out as they are; the item is escaped. */
    fputc('\r', st->out);
    cli_printf(st->out, "  %-12.12s [", e->item);
    for (i = 0; i < width; i++)
        fputc(i < filled ? '=' : ' ', st->out);
    if (e->total > 0)
        cli_printf(st->out, "] %s / %s", done, total);
    else
        cli_printf(st->out, "] %s", done);
    fputs("\033[K", st->out);
    fflush(st->out);
    st->bar_open = 1;
}

void cli_progress_finish(cli_progress_state *st)
{
    if (st->bar_open) {
        fputc('\n', st->out);
        st->bar_open = 0;
    }
}

static void plain(cli_progress_state *st, const copa_progress *e)
{
    char done[32], total[32], where[112];

    /* Platforms patched at once: each line says whose it is. */
    if (e->platform != NULL && e->platform[0] != '\0')
        snprintf(where, sizeof(where), "[%s] ", e->platform);
    else
        where[0] = '\0';
    switch (e->kind) {
    case COPA_PROGRESS_STAGE_BEGIN:
        cli_progress_finish(st);
        cli_printf(st->out, "%s%s: %s\n", where, e->stage, e->message);
        break;
    case COPA_PROGRESS_STAGE_END:
        cli_progress_finish(st);
        if (st->debug || st->mode == CLI_PROGRESS_PLAIN)
            cli_printf(st->out, "%s%s: done in %.2f s%s%s\n", where, e->stage, e->elapsed,
                       st->debug && e->message[0] != '\0' ? ": " : "", st->debug ? e->message : "");
        break;
    case COPA_PROGRESS_BYTES:
        if (st->mode == CLI_PROGRESS_TTY) {
            draw_bar(st, e);
        } else if (st->debug || (e->total > 0 && e->done >= e->total)) {
            /* Logs get one line per finished item, not a flood. */
            cli_format_size(done, sizeof(done), e->done);
            cli_format_size(total, sizeof(total), e->total);
            cli_printf(st->out, "%s%s: %s %s / %s\n", where, e->stage, e->item, done, total);
        }
        break;
    case COPA_PROGRESS_NOTE:
    default:
        cli_progress_finish(st);
        cli_printf(st->out, "%snote: %s\n", where, e->message);
        break;
    }
}

int cli_progress_event(const copa_progress *e, void *payload)
{
    cli_progress_state *st = payload;
    char *json = NULL;

    switch (st->mode) {
    case CLI_PROGRESS_QUIET:
        return 0;
    case CLI_PROGRESS_JSON:
        if (copa_progress_to_json(&json, e) == 0) {
            cli_printf(st->out, "%s\n", json);
            fflush(st->out);
        }
        copa_progress_json_free(json);
        return 0;
    default:
        plain(st, e);
        return 0;
    }
}

static void updates(FILE *out, const copa_patch_result *r)
{
    size_t i, n = copa_patch_result_update_count(r);
    char size[32];

    cli_printf(out, "Patched (%zu):\n", n);
    for (i = 0; i < n; i++) {
        const copa_patch_update *u = copa_patch_result_update(r, i);
        cli_format_size(size, sizeof(size), u->size);
        cli_printf(out, "  %-28s %-22s -> %-22s %9s  %s\n", u->name, u->is_new ? "(new)" : u->from,
                   u->to, size, u->reason);
    }
}

static void skipped(FILE *out, const copa_patch_result *r)
{
    size_t i, n = copa_patch_result_skipped_count(r);

    if (n == 0)
        return;
    cli_printf(out, "Skipped (%zu):\n", n);
    for (i = 0; i < n; i++) {
        const copa_patch_skipped *k = copa_patch_result_skipped(r, i);
        cli_printf(out, "  %-28s %-12s %s\n", k->name, k->cause, k->message);
    }
}

void cli_patch_unfixable(FILE *out, const copa_patch_result *r)
{
    size_t i, n = copa_patch_result_unfixable_count(r);

    if (n == 0)
        return;
    cli_printf(out, "Unfixable, no fix published (%zu):\n", n);
    for (i = 0; i < n; i++) {
        const copa_patch_unfixable *u = copa_patch_result_unfixable(r, i);
        cli_printf(out, "  %-28s %-22s %-20s %s\n", u->name, u->installed, u->vulnerability_id,
                   u->status);
    }
}

void cli_patch_platforms(FILE *out, const copa_patch_result *r)
{
    size_t i, n = copa_patch_result_platform_count(r);

    if (n == 0)
        return;
    cli_printf(out, "Platforms (%zu):\n", n);
    cli_printf(out, "  %-20s %-11s %7s  %-71s %s\n", "PLATFORM", "STATUS", "UPDATES", "DIGEST",
               "MESSAGE");
    for (i = 0; i < n; i++) {
        const copa_patch_platform *p = copa_patch_result_platform(r, i);
        cli_printf(out, "  %-20s %-11s %7zu  %-71s %s\n", p->platform, p->status, p->update_count,
                   p->digest[0] != '\0' ? p->digest : "-", p->message);
    }
}

void cli_patch_summary(FILE *out, const copa_patch_result *r)
{
    size_t i, n = copa_patch_result_skipped_script_count(r);
    char size[32];

    cli_patch_platforms(out, r);
    updates(out, r);
    skipped(out, r);
    cli_patch_unfixable(out, r);
    if (n > 0) {
        cli_printf(out, "Maintainer scripts not run (%zu):\n", n);
        for (i = 0; i < n; i++)
            cli_printf(out, "  %s\n", copa_patch_result_skipped_script(r, i));
    }
    cli_format_size(size, sizeof(size), copa_patch_result_layer_size(r));
    if (copa_patch_result_layer_compression(r)[0] != '\0')
        cli_printf(out, "Layer size: %s (%s)\n", size, copa_patch_result_layer_compression(r));
    else
        cli_printf(out, "Layer size: %s\n", size);
    cli_printf(out, "Elapsed: %.1f s\n", copa_patch_result_elapsed(r));
    if (copa_patch_result_digest(r)[0] != '\0') {
        cli_printf(out, "Destination: %s\n", copa_patch_result_destination(r));
        cli_printf(out, "Digest: %s\n", copa_patch_result_digest(r));
    }
}
