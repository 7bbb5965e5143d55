/*
 * plan_image: what `copa patch` would do to an image, without doing it.
 *
 *   plan_image oci:./layout:1.0                   update every package
 *   plan_image --report trivy.json nginx:1.25     only the report's fixes
 *   plan_image --json oci:./layout:1.0            the plan as JSON
 *
 * copa_plan() opens the image, reads its package database and its own apt
 * sources (verified against its own keys), and resolves the upgrades;
 * nothing is downloaded or written. The plan is the same text (or JSON) that
 * `copa patch --dry-run` prints.
 *
 * Exit status: 0, 1 when libcopa fails (its error's name and message on
 * stderr; for a fix that cannot be made the plan is printed too), 2 on
 * usage errors.
 */
#include <copa.h>
#include <stdio.h>
#include <string.h>

static int usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [--json] [--report REPORT.json] IMAGE\n", argv0);
    return 2;
}

int main(int argc, char **argv)
{
    copa_patch_options opts;
    copa_plan_format format = COPA_PLAN_TEXT;
    char *plan = NULL;
    int i, rc;

    copa_patch_options_init(&opts, COPA_PATCH_OPTIONS_VERSION);
    for (i = 1; i < argc - 1; i++) {
        if (strcmp(argv[i], "--json") == 0)
            format = COPA_PLAN_JSON;
        else if (strcmp(argv[i], "--report") == 0 && i + 1 < argc - 1)
            opts.report = argv[++i];
        else
            return usage(argv[0]);
    }
    if (i != argc - 1)
        return usage(argv[0]);
    opts.image = argv[i];

    /* Fetching repositories and verifying signatures needs the global set-up. */
    if (copa_init() < 0) {
        fprintf(stderr, "plan_image: %s\n", copa_error_last());
        return 1;
    }
    rc = copa_plan(&plan, &opts, format);
    /* A fix that cannot be made (COPA_EUNSATISFIABLE) still gives a plan. */
    if (plan != NULL && plan[0] != '\0') {
        fputs(plan, stdout);
        /* The JSON plan has no final newline; end the output with one like the CLI does. */
        if (plan[strlen(plan) - 1] != '\n')
            putchar('\n');
    }
    if (rc != 0)
        fprintf(stderr, "plan_image: %s: %s\n", copa_error_name(rc), copa_error_last());
    copa_plan_free(plan);
    copa_shutdown();
    return rc == 0 ? 0 : 1;
}
