/*
 * Fuzz the .repo/dnf.conf parser and the variable expansion: the input is
 * parsed once as a main configuration (with [main] defaults) and once as
 * a .repo file, with a few variables set.
 */
#include "rpmrepo/repo_conf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"releasever", "basearch", "releasever_major", "x"};
    static const char *const values[] = {"9.4", "x86_64", "9", "${releasever}-$basearch"};
    copa__rpm_vars vars = {names, values, 4};
    copa__rpm_conf *conf;
    char *text = malloc(size + 1);
    size_t i, j;
    int is_main;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    for (is_main = 0; is_main < 2; is_main++) {
        if (copa__rpm_conf_new(&conf, is_main ? COPA_RPM_FLAVOR_DNF : COPA_RPM_FLAVOR_TDNF) != 0)
            break;
        if (copa__rpm_conf_parse(conf, &vars, "/etc/yum.repos.d/fuzz.repo", text, size, is_main) ==
            0) {
            for (i = 0; i < conf->repo_count; i++) {
                const copa__rpm_repo *r = &conf->repos[i];
                if (r->id == NULL || r->name == NULL || copa__rpm_conf_find(conf, r->id) != r)
                    abort();
                for (j = 0; j < r->baseurls.count; j++)
                    if (r->baseurls.items[j][0] == '\0')
                        abort();
                for (j = 0; j < r->gpgkey_paths.count; j++)
                    if (r->gpgkey_paths.items[j][0] != '/')
                        abort();
            }
        }
        copa__rpm_conf_free(conf);
    }
    free(text);
    return 0;
}
