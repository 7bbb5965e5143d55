/*
 * Durations on the command line (--timeout), shared by copa patch and its
 * bulk mode so both accept exactly the same text.
 */
#ifndef COPA_CLI_DURATION_H
#define COPA_CLI_DURATION_H

/* "90", "90s", "5m", "1h", "1500ms" -> milliseconds; -1 when malformed. */
long cli_duration_ms(const char *text);

#endif
