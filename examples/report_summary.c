/*
 * report_summary: read a scanner report with libcopa and print the OS
 * package updates it asks for, one per line.
 *
 *   report_summary trivy.json
 *   report_summary --format grype grype.json
 *
 * Output (stable, meant to be read by scripts; updates sorted by name):
 *
 *   report: trivy.json (trivy)
 *   os: debian 12.5 (deb)
 *   updates: 2
 *   libpam0g 1.5.2-6+deb12u1 -> 1.5.2-6+deb12u2 CVE-2024-22365
 *   libssl3 3.0.11-1~deb12u2 -> 3.0.13-1~deb12u1 CVE-2023-6129,CVE-2024-0727
 *   language packages: 2
 *   unfixed: 4
 *   warnings: 1
 *
 * On failure it prints the error's name and libcopa's message and exits 1.
 * Report parsing is pure computation: no copa_init() is needed.
 */
#include <copa.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what)
{
    fprintf(stderr, "report_summary: %s: %s: %s\n", what, copa_error_name(copa_error_last_code()),
            copa_error_last());
    return 1;
}

static void print_update(const copa_report_update *u)
{
    size_t i;

    printf("%s %s -> %s ", u->name, u->installed_version, u->fixed_version);
    for (i = 0; i < u->vulnerability_count; i++)
        printf("%s%s", i > 0 ? "," : "", u->vulnerability_ids[i]);
    putchar('\n');
}

static void print_summary(const copa_report *report, const char *path)
{
    const copa_report_metadata *meta = copa_report_metadata_get(report);
    size_t i, n = copa_report_update_count(report);

    printf("report: %s (%s)\n", path, copa_report_format_name(meta->format));
    if (meta->os_family[0] != '\0')
        printf("os: %s %s (%s)\n", meta->os_family, meta->os_version,
               copa_pkg_format_name(meta->pkg_format));
    else
        printf("os: none\n");
    printf("updates: %lu\n", (unsigned long)n);
    for (i = 0; i < n; i++)
        print_update(copa_report_update_get(report, i));
    printf("language packages: %lu\n", (unsigned long)copa_report_lang_count(report));
    printf("unfixed: %lu\n", (unsigned long)copa_report_unfixed_count(report));
    printf("warnings: %lu\n", (unsigned long)copa_report_warning_count(report));
}

int main(int argc, char **argv)
{
    copa_report_options opts;
    copa_report *report = NULL;
    const char *path;

    if (copa_report_options_init(&opts, COPA_REPORT_OPTIONS_VERSION) != 0)
        return fail("options");
    if (argc == 4 && strcmp(argv[1], "--format") == 0) {
        if (copa_report_format_from_name(&opts.format, argv[2]) != 0)
            return fail("--format");
        path = argv[3];
    } else if (argc == 2) {
        path = argv[1];
    } else {
        fprintf(stderr, "usage: %s [--format trivy|grype|native|auto] REPORT.json\n", argv[0]);
        return 2;
    }

    if (copa_report_parse_file(&report, path, &opts) != 0)
        return fail("parse");
    print_summary(report, path);
    copa_report_free(report);
    return fflush(stdout) == 0 ? 0 : 1;
}
