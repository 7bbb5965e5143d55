#include "transport_flags.h"
#include "exit_codes.h"

#include <stdlib.h>
#include <string.h>

int cli_transport_flag(cli_transport_flags *flags, const char *command, int opt, char *arg)
{
    switch (opt) {
    case CLI_OPT_CREDS:
        if (strchr(arg, ':') == NULL) {
            cli_usage_error(command, "--creds expects USER:PASS");
            return -1;
        }
        free(flags->creds);
        if ((flags->creds = strdup(arg)) == NULL)
            return -1;
        /* Keep the password out of /proc/PID/cmdline (ps) from now on. */
        memset(arg, 'x', strlen(arg));
        return 1;
    case CLI_OPT_INSECURE_REGISTRY:
        if (flags->insecure_count == CLI_MAX_INSECURE) {
            cli_usage_error(command, "too many --insecure-registry options");
            return -1;
        }
        flags->insecure[flags->insecure_count++] = arg;
        return 1;
    case CLI_OPT_CERT_DIR:
        flags->cert_dir = arg;
        return 1;
    case CLI_OPT_CA_FILE:
        flags->ca_file = arg;
        return 1;
    case CLI_OPT_CACHE_DIR:
        flags->cache_dir = arg;
        return 1;
    default:
        return 0;
    }
}

void cli_transport_flags_free(cli_transport_flags *flags)
{
    if (flags->creds != NULL)
        memset(flags->creds, 0, strlen(flags->creds));
    free(flags->creds);
    flags->creds = NULL;
}
