/*
 * Fuzz the WWW-Authenticate parser: any bytes up to the first NUL are a
 * header value. On success the chosen scheme must be Bearer or Basic.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__auth_challenge c;
    char *text = malloc(size + 1);

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (copa__auth_challenge_parse(&c, text) == 0) {
        if (strcasecmp(c.scheme, "Bearer") != 0 && strcasecmp(c.scheme, "Basic") != 0)
            abort();
        copa__auth_challenge_free(&c);
    } else if (c.scheme != NULL || c.realm != NULL || c.service != NULL || c.scope != NULL) {
        abort(); /* a failure leaves nothing behind */
    }
    free(text);
    return 0;
}
