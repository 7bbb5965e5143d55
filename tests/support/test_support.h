/*
 * Small helpers shared by the unit tests: fixture paths and reading files.
 */
#ifndef COPA_TEST_SUPPORT_H
#define COPA_TEST_SUPPORT_H

#include <stddef.h>

/* Absolute path of a file under tests/fixtures/; returns a static buffer. */
const char *test_fixture_path(const char *relative);

/* Read a whole file into a NUL-terminated malloc'd buffer; aborts on failure. */
char *test_read_file(const char *path, size_t *length);

#endif
