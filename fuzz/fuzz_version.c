/*
 * Fuzz the version orderings: any bytes, split in two at the first NUL, are
 * compared under each format. Checks the ordering's own laws too:
 * antisymmetry, and that a valid version equals itself.
 */
#include <copa.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const copa_pkg_format formats[] = {COPA_PKG_DEB, COPA_PKG_RPM, COPA_PKG_APK};
    char *text = malloc(size + 2);
    const char *a, *b;
    size_t i;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    text[size + 1] = '\0';
    a = text;
    b = text + strlen(text) + 1;
    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        int ab, ba, aa;
        if (copa_version_compare(&ab, formats[i], a, b) != 0)
            continue;
        if (copa_version_compare(&ba, formats[i], b, a) != 0 || ab != -ba)
            abort();
        if (copa_version_compare(&aa, formats[i], a, a) != 0 || aa != 0)
            abort();
    }
    free(text);
    return 0;
}
