/*
 * Fuzz the native report parser: any bytes, read with --format native. The first
 * byte's low bit chooses ignore-errors. A report that parses must print as
 * JSON, and that JSON must read back (as native) with the same updates.
 */
#include "fuzz_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_report_one(data, size, COPA_REPORT_NATIVE);
}
