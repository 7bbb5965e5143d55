/*
 * The registry flags shared by copa inspect and copa copy.
 */
#ifndef COPA_CLI_TRANSPORT_FLAGS_H
#define COPA_CLI_TRANSPORT_FLAGS_H

#include <stddef.h>

enum {
    CLI_OPT_CREDS = 1000,
    CLI_OPT_INSECURE_REGISTRY,
    CLI_OPT_CERT_DIR,
    CLI_OPT_CA_FILE,
    CLI_OPT_CACHE_DIR
};

#define CLI_TRANSPORT_LONG_OPTIONS                                                                 \
    {"creds", required_argument, NULL, CLI_OPT_CREDS},                                             \
        {"insecure-registry", required_argument, NULL, CLI_OPT_INSECURE_REGISTRY},                 \
        {"cert-dir", required_argument, NULL, CLI_OPT_CERT_DIR},                                   \
        {"ca-file", required_argument, NULL, CLI_OPT_CA_FILE},                                     \
    {                                                                                              \
        "cache-dir", required_argument, NULL, CLI_OPT_CACHE_DIR                                    \
    }

#define CLI_TRANSPORT_HELP                                                                         \
    "Registry options:\n"                                                                          \
    "  --creds USER:PASS           credentials (else the usual auth files: $REGISTRY_AUTH_FILE,\n" \
    "                              containers auth.json, docker config.json)\n"                    \
    "  --insecure-registry H[:P]   talk plain HTTP to this registry (repeatable; loopback\n"       \
    "                              registries too need it)\n"                                      \
    "  --cert-dir DIR              trust the CA certificates DIR/*.crt\n"                          \
    "  --ca-file FILE              trust the CA certificates in FILE (PEM)\n"                      \
    "  --cache-dir DIR             cache (default $COPA_CACHE_DIR, $XDG_CACHE_HOME/copa or\n"      \
    "                              ~/.cache/copa)\n"

enum { CLI_MAX_INSECURE = 32 };

typedef struct cli_transport_flags {
    char *creds; /* a private copy; the argv string is wiped */
    const char *insecure[CLI_MAX_INSECURE + 1];
    size_t insecure_count;
    const char *ca_file, *cert_dir, *cache_dir;
} cli_transport_flags;

/*
 * Copy the registry flags into any options struct that has the common
 * fields (copa_inspect_options, copa_copy_options, copa_patch_options,
 * copa_apt_options). A macro because those are different struct types;
 * cache_dir is left to each command (sources names it differently).
 */
#define CLI_APPLY_REGISTRY_FLAGS(opts, flags)                                                      \
    do {                                                                                           \
        (opts).credentials = (flags).creds;                                                        \
        (opts).insecure_registries = (flags).insecure;                                             \
        (opts).ca_file = (flags).ca_file;                                                          \
        (opts).cert_dir = (flags).cert_dir;                                                        \
    } while (0)

/* 1: opt was a registry flag and is recorded; 0: not one of them; -1: usage error (printed). */
int cli_transport_flag(cli_transport_flags *flags, const char *command, int opt, char *arg);
void cli_transport_flags_free(cli_transport_flags *flags);

#endif
