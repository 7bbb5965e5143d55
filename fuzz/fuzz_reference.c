/*
 * Fuzz reference parsing: any bytes up to the first NUL are a reference.
 * A reference that parses must parse again from its normalized string to
 * the same string.
 */
#include <copa.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    copa_reference *ref, *again;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (copa_reference_parse(&ref, text) == 0) {
        if (copa_reference_parse(&again, copa_reference_string(ref)) != 0 ||
            strcmp(copa_reference_string(ref), copa_reference_string(again)) != 0)
            abort();
        copa_reference_free(again);
        copa_reference_free(ref);
    }
    free(text);
    return 0;
}
