/*
 * The guarded expat parser. Repository metadata never needs a DTD, so a
 * document type declaration stops the parse before expat reads any entity
 * declaration: entity bombs ("billion laughs"), external entities and
 * parameter entities are refused the same way. Expat >= 2.4 also limits
 * amplification on its own; this does not rely on it.
 */
#include "rpmrepo/xml_guard.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* primary.xml nests 4 levels deep; anything far deeper is hostile. */
enum { MAX_DEPTH = 64 };

static void XMLCALL refuse_doctype(void *state, const XML_Char *name, const XML_Char *sysid,
                                   const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    copa__xml_fail(state, COPA_EINVALID, "document type declarations (DTDs) are refused");
}

static void XMLCALL refuse_entity(void *state, const XML_Char *name, int is_parameter,
                                  const XML_Char *value, int value_length, const XML_Char *base,
                                  const XML_Char *sysid, const XML_Char *pubid,
                                  const XML_Char *notation)
{
    (void)name, (void)is_parameter, (void)value, (void)value_length, (void)base, (void)sysid;
    (void)pubid, (void)notation;
    copa__xml_fail(state, COPA_EINVALID, "entity declarations are refused");
}

int copa__xml_init(copa__xml_ctx *x, const char *name, void *state, XML_StartElementHandler start,
                   XML_EndElementHandler end, XML_CharacterDataHandler text)
{
    memset(x, 0, sizeof(*x));
    x->name = name;
    x->max_depth = MAX_DEPTH;
    x->parser = XML_ParserCreate("UTF-8");
    if (x->parser == NULL)
        return copa__error_oom();
    XML_SetUserData(x->parser, state);
    XML_SetElementHandler(x->parser, start, end);
    XML_SetCharacterDataHandler(x->parser, text);
    XML_SetStartDoctypeDeclHandler(x->parser, refuse_doctype);
    XML_SetEntityDeclHandler(x->parser, refuse_entity);
    XML_SetParamEntityParsing(x->parser, XML_PARAM_ENTITY_PARSING_NEVER);
    return 0;
}

int copa__xml_fail(copa__xml_ctx *x, int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    if (x->rc != 0)
        return x->rc;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    x->rc = code;
    copa__error_set(code, "%s:%lu: %s", x->name, (unsigned long)XML_GetCurrentLineNumber(x->parser),
                    msg);
    XML_StopParser(x->parser, XML_FALSE);
    return code;
}

int copa__xml_feed(copa__xml_ctx *x, const void *data, size_t len, int final)
{
    const char *p = data;

    if (x->rc != 0)
        return x->rc;
    do {
        /* XML_Parse takes an int length: feed large buffers in pieces. */
        int n = len > (1u << 30) ? (1 << 30) : (int)len;
        int last = final && (size_t)n == len;

        if (XML_Parse(x->parser, p, n, last) != XML_STATUS_OK) {
            if (x->rc != 0)
                return x->rc;
            x->rc = COPA_EINVALID;
            return copa__error_set(COPA_EINVALID, "%s:%lu: malformed XML: %s", x->name,
                                   (unsigned long)XML_GetCurrentLineNumber(x->parser),
                                   XML_ErrorString(XML_GetErrorCode(x->parser)));
        }
        if (x->rc != 0)
            return x->rc;
        p += n;
        len -= (size_t)n;
    } while (len > 0);
    return 0;
}

void copa__xml_free(copa__xml_ctx *x)
{
    if (x->parser != NULL)
        XML_ParserFree(x->parser);
    x->parser = NULL;
}

const char *copa__xml_local(const char *name)
{
    const char *colon = strrchr(name, ':');

    return colon != NULL ? colon + 1 : name;
}

const char *copa__xml_attr(const char **attrs, const char *local)
{
    size_t i;

    for (i = 0; attrs != NULL && attrs[i] != NULL; i += 2)
        if (strcmp(copa__xml_local(attrs[i]), local) == 0)
            return attrs[i + 1];
    return NULL;
}
