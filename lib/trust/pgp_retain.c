/*
 * Restricting a keyring to keys named by fingerprint (apt's Signed-By with
 * fingerprints): a primary key is kept, with all its subkeys, when its own
 * fingerprint or one of its subkeys' is listed.
 */
#include "trust/pgp_keyring.h"
#include "trust/pgp_packet.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int listed(const copa__pgp_key *key, const char *const *fprs, size_t count)
{
    char hex[65];
    size_t i, n;

    copa__pgp_hex(hex, key->fpr, key->fpr_len);
    for (i = 0; i < count; i++) {
        n = strlen(fprs[i]);
        if (n > 0 && fprs[i][n - 1] == '!')
            n--; /* apt's "exactly this (sub)key" marker; we keep the whole key */
        if (n == 2 * key->fpr_len && strncasecmp(fprs[i], hex, n) == 0)
            return 1;
    }
    return 0;
}

int copa__pgp_keyring_retain(copa__pgp_keyring *kr, const char *const *fprs, size_t count)
{
    unsigned char *keep = calloc(kr->n + 1, 1);
    size_t i, j, out = 0, new_primary = 0;

    if (keep == NULL)
        return copa__error_oom();
    for (i = 0; i < kr->n; i++)
        if (listed(&kr->keys[i], fprs, count))
            keep[kr->keys[i].primary] = 1;
    kr->n_primary = 0;
    for (i = 0; i < kr->n; i++) {
        j = kr->keys[i].primary;
        if (!keep[j]) {
            copa__pgp_key_clear(&kr->keys[i]);
            continue;
        }
        if (!kr->keys[i].is_subkey) {
            new_primary = out;
            kr->n_primary++;
        }
        kr->keys[out] = kr->keys[i];
        kr->keys[out].primary = new_primary;
        out++;
    }
    kr->n = out;
    free(keep);
    return 0;
}
