/*
 * Long options only in full (long_options.h).
 */
#include "long_options.h"

#include "exit_codes.h"

#include <stdio.h>
#include <string.h>

static const struct option *exact(const struct option *opts, const char *name, size_t len)
{
    for (; opts->name != NULL; opts++)
        if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
            return opts;
    return NULL;
}

static const struct option *prefixed(const struct option *opts, const char *name, size_t len)
{
    for (; opts->name != NULL; opts++)
        if (strlen(opts->name) > len && strncmp(opts->name, name, len) == 0)
            return opts;
    return NULL;
}

/* Whether short option `c` takes a value. */
static int short_takes_value(const char *shortopts, char c)
{
    const char *p = c != ':' && c != '+' ? strchr(shortopts, c) : NULL;
    return p != NULL && p[1] == ':';
}

/* Index of the last token a short-option cluster at argv[i] consumes. */
static int skip_short(int i, const char *token, const char *shortopts)
{
    size_t k;

    for (k = 1; token[k] != '\0'; k++)
        if (short_takes_value(shortopts, token[k]))
            return token[k + 1] == '\0' ? i + 1 : i; /* "-t TAG" or "-tTAG" */
    return i;
}

int cli_check_long_options(const char *command, int argc, char *const argv[], const char *shortopts,
                           const struct option *longopts)
{
    int i, stop_at_operand = shortopts[0] == '+';

    for (i = 1; i < argc; i++) {
        const char *token = argv[i], *name;
        const struct option *o;
        size_t len;
        char message[256];

        if (strcmp(token, "--") == 0)
            break;
        if (token[0] != '-' || token[1] == '\0') {
            if (stop_at_operand)
                break;
            continue;
        }
        if (token[1] != '-') {
            i = skip_short(i, token, shortopts);
            continue;
        }
        name = token + 2;
        len = strcspn(name, "=");
        if ((o = exact(longopts, name, len)) != NULL) {
            if (o->has_arg == required_argument && name[len] != '=')
                i++;
            continue;
        }
        if ((o = prefixed(longopts, name, len)) == NULL)
            continue; /* unknown altogether: getopt_long says so */
        snprintf(message, sizeof(message),
                 "unknown option '--%.*s' (options are not abbreviated; did you mean --%s?)",
                 (int)(len < 64 ? len : 64), name, o->name);
        return cli_usage_error(command, message);
    }
    return 0;
}
