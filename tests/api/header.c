/*
 * Compiled alone as C89 and as C++ with -pedantic -Werror: the public header
 * must not need anything newer, nor anything else included first.
 */
#include <copa.h>

int main(void)
{
    int order = 0;
    copa_pkg_format format = COPA_PKG_DEB;
    (void)copa_version_compare(&order, format, "1", "2");
    return order == 0 && COPA_VERSION_NUMBER > 0 ? 0 : 1;
}
