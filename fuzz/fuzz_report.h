/*
 * The body shared by the report fuzz targets (one per parser).
 */
#ifndef COPA_FUZZ_REPORT_H
#define COPA_FUZZ_REPORT_H

#include <copa.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int fuzz_report_one(const uint8_t *data, size_t size, copa_report_format format)
{
    copa_report_options opts = COPA_REPORT_OPTIONS_INIT;
    copa_report *report = NULL, *again = NULL;
    char *json = NULL;
    size_t i;

    opts.format = format;
    opts.ignore_errors = size > 0 && (data[0] & 1);
    if (copa_report_parse_buffer(&report, (const char *)data, size, "fuzz", &opts) != 0) {
        /* A failure always leaves a message and no report. */
        if (report != NULL || copa_error_last()[0] == '\0')
            abort();
        return 0;
    }
    if (copa_report_to_json(&json, report) != 0)
        abort();
    opts.format = COPA_REPORT_NATIVE;
    opts.ignore_errors = 0;
    /* The output is valid native JSON with the same OS updates (lang-only
     * reports with no OS print an empty OS type, which native rejects). */
    if (copa_report_metadata_get(report)->os_family[0] != '\0') {
        if (copa_report_parse_buffer(&again, json, strlen(json), "fuzz-out", &opts) != 0)
            abort();
        if (copa_report_update_count(again) != copa_report_update_count(report))
            abort();
        for (i = 0; i < copa_report_update_count(report); i++)
            if (strcmp(copa_report_update_get(again, i)->fixed_version,
                       copa_report_update_get(report, i)->fixed_version) != 0)
                abort();
    }
    copa_report_free(again);
    copa_report_json_free(json);
    copa_report_free(report);
    return 0;
}

#endif
