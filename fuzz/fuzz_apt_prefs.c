/*
 * Fuzz the apt preferences reader and the pin matching: parse the input as
 * a preferences file, then compute priorities for a few index files and
 * versions (release conditions, globs, regular expressions, source pins).
 */
#include "apt/preferences.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__apt_prefs p;
    copa__apt_prefs_file files[3];
    copa__apt_prefs_version v;
    size_t i;

    memset(files, 0, sizeof(files));
    files[0].origin = "Debian";
    files[0].label = "Debian-Security";
    files[0].archive = "stable-security";
    files[0].codename = "bookworm-security";
    files[0].version = "12";
    files[0].component = "main";
    files[0].arch = "amd64";
    files[0].site = "deb.debian.org";
    files[1].archive = "bookworm-backports";
    files[1].not_automatic = files[1].but_automatic_upgrades = 1;
    files[1].site = "";
    files[2].status = 1;
    if (copa__apt_prefs_init(&p, "amd64") != 0)
        return 0;
    if (copa__apt_prefs_parse(&p, "fuzz", (const char *)data, size) == 0) {
        for (i = 0; i < 3; i++) {
            int prio = copa__apt_prefs_file_priority(&p, &files[i]);
            if (prio < -32768 || prio > 32767)
                abort();
        }
        memset(&v, 0, sizeof(v));
        v.name = "libssl3";
        v.arch = "amd64";
        v.source = "openssl";
        v.version = "3.0.11-1~deb12u2";
        v.files = files;
        v.file_count = 3;
        v.installed = 1;
        (void)copa__apt_prefs_version_priority(&p, &v);
        v.arch = "all";
        v.file_count = 1;
        v.installed = 0;
        (void)copa__apt_prefs_version_priority(&p, &v);
    }
    copa__apt_prefs_free(&p);
    return 0;
}
