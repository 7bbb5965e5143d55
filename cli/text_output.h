/*
 * Everything the CLI prints goes through here, so text that came from input
 * (image labels, report fields, references, paths inside error messages)
 * cannot send escape sequences to the terminal: control characters other
 * than newline and tab are printed as \xHH.
 */
#ifndef COPA_CLI_TEXT_OUTPUT_H
#define COPA_CLI_TEXT_OUTPUT_H

#include <stdio.h>

/* Write text with control characters escaped. */
void cli_put(FILE *out, const char *text);
/* printf, then cli_put. */
void cli_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
