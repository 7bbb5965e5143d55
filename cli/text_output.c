/*
 * Escaping of control characters in what the CLI prints. C0 controls (but
 * newline and tab), DEL and the UTF-8 encodings of C1 controls (U+0080 to
 * U+009F, which some terminals obey like ESC [) become \xHH; everything else,
 * other UTF-8 included, is printed as it is.
 */
#include "text_output.h"

#include <stdarg.h>
#include <stdlib.h>

static int is_c1(const unsigned char *p)
{
    return p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
}

void cli_put(FILE *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    flockfile(out); /* one call, one unbroken piece of output, whatever other threads print */
    for (; *p != '\0'; p++) {
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) {
            fprintf(out, "\\x%02x", *p);
        } else if (is_c1(p)) {
            fprintf(out, "\\x%02x\\x%02x", p[0], p[1]);
            p++;
        } else {
            fputc(*p, out);
        }
    }
    funlockfile(out);
}

void cli_printf(FILE *out, const char *fmt, ...)
{
    va_list ap;
    char *text = NULL;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (n < 0) {
        fputs("copa: out of memory while printing\n", stderr);
        return;
    }
    cli_put(out, text);
    free(text);
}
