/*
 * version_compare: compare two package versions with libcopa.
 *
 *   version_compare deb 1.0~rc1 1.0      prints "1.0~rc1 < 1.0"
 */
#include <copa.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    copa_pkg_format format;
    int order;

    if (argc != 4) {
        fprintf(stderr, "usage: %s deb|rpm|apk A B\n", argv[0]);
        return 2;
    }
    if (copa_pkg_format_from_name(&format, argv[1]) != 0 ||
        copa_version_compare(&order, format, argv[2], argv[3]) != 0) {
        fprintf(stderr, "error: %s\n", copa_error_last());
        return 1;
    }
    printf("%s %s %s\n", argv[2], order < 0 ? "<" : order > 0 ? ">" : "=", argv[3]);
    return 0;
}
