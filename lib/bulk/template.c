/*
 * Copacetic's tag template is a Go text/template over one field,
 * .SourceTag. We accept exactly that field (with Go's optional spaces
 * inside the braces) and refuse any other action, so a typo such as
 * "{{ .Sourcetag }}" fails before any work instead of producing odd tags.
 */
#include "bulk/config.h"
#include "util/buffer.h"
#include "util/error.h"

#include <string.h>

/* Length of the action starting at `open` ("{{ ... }}"), 0 when it is not .SourceTag. */
static size_t source_tag_action(const char *open, const char **close_out)
{
    const char *p = open + 2, *close = strstr(p, "}}"), *end;

    *close_out = close;
    if (close == NULL)
        return 0;
    end = close;
    while (p < end && *p == ' ')
        p++;
    while (end > p && end[-1] == ' ')
        end--;
    if ((size_t)(end - p) != strlen(".SourceTag") || strncmp(p, ".SourceTag", 10) != 0)
        return 0;
    return (size_t)(close + 2 - open);
}

int copa__bulk_template_check(const char *template_text)
{
    const char *p = template_text, *open, *close;

    while ((open = strstr(p, "{{")) != NULL) {
        if (source_tag_action(open, &close) == 0) {
            if (close == NULL)
                return copa__error_set(COPA_EINVALID, "'%s': '{{' without '}}'", template_text);
            return copa__error_set(COPA_EINVALID,
                                   "'%s': unknown template field '%.*s' (only {{ .SourceTag }})",
                                   template_text, (int)(close + 2 - open), open);
        }
        p = close + 2;
    }
    if (strstr(p, "}}") != NULL)
        return copa__error_set(COPA_EINVALID, "'%s': '}}' without '{{'", template_text);
    return 0;
}

char *copa__bulk_template_expand(const char *template_text, const char *source_tag)
{
    copa__buf out = COPA__BUF_INIT;
    const char *p = template_text, *open, *close;
    size_t action;
    int rc = 0;

    while (rc == 0 && (open = strstr(p, "{{")) != NULL &&
           (action = source_tag_action(open, &close)) != 0) {
        rc = copa__buf_append(&out, p, (size_t)(open - p));
        if (rc == 0)
            rc = copa__buf_append_str(&out, source_tag);
        p = open + action;
    }
    if (rc == 0)
        rc = copa__buf_append_str(&out, p);
    if (rc != 0) {
        copa__buf_free(&out);
        return NULL;
    }
    return copa__buf_detach(&out);
}
