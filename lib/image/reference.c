/*
 * Image references: transports and Docker-style names with the grammar of
 * distribution/reference and Docker's normalization (docker.io, library/,
 * :latest).
 */
#include "image/reference.h"
#include "util/buffer.h"
#include "util/digest.h"
#include "util/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum { NAME_MAX_LENGTH = 255, TAG_MAX_LENGTH = 128 };

static int is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* path-component := [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)* */
static int check_path_component(const char *s, size_t n, const char *text)
{
    size_t i = 0;

    if (n == 0)
        return copa__error_set(COPA_EINVALID, "invalid reference '%s': empty path component", text);
    while (i < n) {
        size_t start = i;
        while (i < n && is_lower_alnum(s[i]))
            i++;
        if (i == start) {
            if (isupper((unsigned char)s[i]))
                return copa__error_set(COPA_EINVALID,
                                       "invalid reference '%s': repository name must be lowercase",
                                       text);
            return copa__error_set(COPA_EINVALID,
                                   "invalid reference '%s': path component '%.*s' must start and "
                                   "end with a lowercase letter or digit",
                                   text, (int)n, s);
        }
        if (i == n)
            return 0;
        start = i;
        if (s[i] == '.')
            i++;
        else if (s[i] == '_')
            i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
        else if (s[i] == '-')
            while (i < n && s[i] == '-')
                i++;
        else if (isupper((unsigned char)s[i]))
            return copa__error_set(
                COPA_EINVALID, "invalid reference '%s': repository name must be lowercase", text);
        else
            return copa__error_set(COPA_EINVALID,
                                   "invalid reference '%s': character '%c' not allowed in "
                                   "repository name",
                                   text, s[i]);
        if (i == n || !is_lower_alnum(s[i]))
            return copa__error_set(COPA_EINVALID,
                                   "invalid reference '%s': path component '%.*s' must start and "
                                   "end with a lowercase letter or digit",
                                   text, (int)n, s);
        (void)start;
    }
    return 0;
}

/* domain-component := [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? */
static int check_host_name(const char *s, size_t n)
{
    size_t i, start = 0;

    for (i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (i == start || s[start] == '-' || s[i - 1] == '-')
                return -1;
            start = i + 1;
        } else if (!isalnum((unsigned char)s[i]) && s[i] != '-') {
            return -1;
        }
    }
    return 0;
}

/* host[:port] where host is a name, an IPv4 address or [IPv6]. */
static int check_domain(const char *s, size_t n, const char *text)
{
    size_t host_end = n, i;

    if (n > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (close == NULL || close == s + 1)
            goto bad;
        for (i = 1; s + i < close; i++)
            if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.')
                goto bad;
        host_end = (size_t)(close - s) + 1;
        if (host_end < n && s[host_end] != ':')
            goto bad;
    } else {
        const char *colon = memchr(s, ':', n);
        if (colon != NULL)
            host_end = (size_t)(colon - s);
        if (check_host_name(s, host_end) != 0)
            goto bad;
    }
    if (host_end < n) {
        if (host_end + 1 == n)
            goto bad;
        for (i = host_end + 1; i < n; i++)
            if (!isdigit((unsigned char)s[i]))
                goto bad;
    }
    return 0;
bad:
    return copa__error_set(COPA_EINVALID, "invalid reference '%s': invalid registry '%.*s'", text,
                           (int)n, s);
}

static int check_tag(const char *tag, const char *text)
{
    size_t i, n = strlen(tag);

    if (n == 0 || n > TAG_MAX_LENGTH || !is_word(tag[0]))
        goto bad;
    for (i = 1; i < n; i++)
        if (!is_word(tag[i]) && tag[i] != '.' && tag[i] != '-')
            goto bad;
    return 0;
bad:
    return copa__error_set(COPA_EINVALID,
                           "invalid reference '%s': invalid tag '%s' (1 to 128 of letters, "
                           "digits, '_', '.', '-'; not starting with '.' or '-')",
                           text, tag);
}

static int check_digest(const char *digest, const char *text)
{
    int error = copa__digest_validate(digest);
    if (error != 0)
        return copa__error_prefix("invalid reference '%s': ", text);
    return 0;
}

static int is_hex64(const char *s)
{
    size_t i;
    for (i = 0; i < 64; i++)
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
            return 0;
    return s[64] == '\0';
}

/* Docker: the first component is a registry if it has '.' or ':', is
 * localhost, or has upper-case letters (which a repository never has). */
static int first_is_domain(const char *s, size_t n)
{
    size_t i;
    if (n == 9 && memcmp(s, "localhost", 9) == 0)
        return 1;
    for (i = 0; i < n; i++)
        if (s[i] == '.' || s[i] == ':' || isupper((unsigned char)s[i]))
            return 1;
    return 0;
}

static int set_string(char **field, const char *s, size_t n)
{
    *field = strndup(s, n);
    return *field != NULL ? 0 : copa__error_oom();
}

/* Split NAME into registry and repository and validate both. */
static int parse_name(copa_reference *ref, const char *name, const char *text)
{
    const char *slash = strchr(name, '/');
    const char *remote = name;
    copa__buf repo = COPA__BUF_INIT;
    const char *p;
    int error;

    if (*name == '\0')
        return copa__error_set(COPA_EINVALID, "invalid reference '%s': empty name", text);
    if (slash != NULL && first_is_domain(name, (size_t)(slash - name))) {
        if ((error = check_domain(name, (size_t)(slash - name), text)) != 0)
            return error;
        if ((size_t)(slash - name) == 15 && memcmp(name, "index.docker.io", 15) == 0)
            error = set_string(&ref->registry, "docker.io", 9);
        else
            error = set_string(&ref->registry, name, (size_t)(slash - name));
        if (error != 0)
            return error;
        remote = slash + 1;
    } else {
        if (is_hex64(name))
            return copa__error_set(COPA_EINVALID,
                                   "invalid reference '%s': a 64-character hexadecimal string "
                                   "is an image ID, not a repository name",
                                   text);
        if ((error = set_string(&ref->registry, "docker.io", 9)) != 0)
            return error;
    }
    for (p = remote;;) {
        const char *end = strchr(p, '/');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        if ((error = check_path_component(p, n, text)) != 0)
            return error;
        if (end == NULL)
            break;
        p = end + 1;
    }
    if (strcmp(ref->registry, "docker.io") == 0 && strchr(remote, '/') == NULL)
        error = copa__buf_appendf(&repo, "library/%s", remote);
    else
        error = copa__buf_append_str(&repo, remote);
    if (error != 0)
        return error;
    ref->repository = copa__buf_detach(&repo);
    /* As Docker: the limit applies to the normalized name, registry included. */
    if (strlen(ref->registry) + 1 + strlen(ref->repository) > NAME_MAX_LENGTH)
        return copa__error_set(COPA_EINVALID,
                               "invalid reference '%s': name longer than %d characters", text,
                               NAME_MAX_LENGTH);
    return 0;
}

int copa__reference_parse_docker(copa_reference *ref, const char *text, int default_tag)
{
    char *copy = strdup(text), *at, *colon, *last_slash;
    int error = 0;

    if (copy == NULL)
        return copa__error_oom();
    if ((at = strchr(copy, '@')) != NULL) {
        *at = '\0';
        if ((error = check_digest(at + 1, text)) != 0)
            goto done;
        if ((error = set_string(&ref->digest, at + 1, strlen(at + 1))) != 0)
            goto done;
    }
    /* A tag's colon comes after the last slash; earlier ones are ports. */
    last_slash = strrchr(copy, '/');
    colon = strrchr(last_slash != NULL ? last_slash : copy, ':');
    if (colon != NULL) {
        *colon = '\0';
        if ((error = check_tag(colon + 1, text)) != 0)
            goto done;
        if ((error = set_string(&ref->tag, colon + 1, strlen(colon + 1))) != 0)
            goto done;
    }
    if ((error = parse_name(ref, copy, text)) != 0)
        goto done;
    if (ref->tag == NULL && ref->digest == NULL && default_tag)
        error = set_string(&ref->tag, "latest", 6);
done:
    free(copy);
    return error;
}

static const char *const transport_names[] = {"docker", "oci", "oci-archive", "docker-archive"};

const char *copa_transport_name(copa_transport transport)
{
    if ((unsigned)transport >= sizeof(transport_names) / sizeof(transport_names[0]))
        return "unknown";
    return transport_names[transport];
}

/* oci:/oci-archive: TAG is an org.opencontainers.image.ref.name value. */
static int check_ref_name(const char *tag, const char *text)
{
    const char *p;
    if (*tag == '\0')
        return copa__error_set(COPA_EINVALID, "invalid reference '%s': empty tag after ':'", text);
    for (p = tag; *p != '\0'; p++)
        if (!isalnum((unsigned char)*p) && strchr("-._:@/+", *p) == NULL)
            return copa__error_set(COPA_EINVALID,
                                   "invalid reference '%s': character '%c' not allowed in tag '%s'",
                                   text, *p, tag);
    return 0;
}

/* PATH[:TAG]: the path ends at the first ':' (as in skopeo). */
static int parse_local(copa_reference *ref, const char *rest, const char *text)
{
    const char *colon = strchr(rest, ':');
    size_t path_length = colon != NULL ? (size_t)(colon - rest) : strlen(rest);
    int error;

    if (path_length == 0)
        return copa__error_set(COPA_EINVALID, "invalid reference '%s': missing path after '%s:'",
                               text, copa_transport_name(ref->transport));
    if ((error = set_string(&ref->path, rest, path_length)) != 0)
        return error;
    if (colon == NULL)
        return 0;
    if (ref->transport == COPA_TRANSPORT_DOCKER_ARCHIVE) {
        if (colon[1] == '@')
            return copa__error_set(COPA_EUNSUPPORTED,
                                   "invalid reference '%s': docker-archive:FILE:@INDEX is not "
                                   "supported; name the image by its tag",
                                   text);
        error = copa__reference_parse_docker(ref, colon + 1, 1);
        if (error == 0 && ref->digest != NULL)
            error = copa__error_set(COPA_EINVALID,
                                    "invalid reference '%s': a docker-archive reference cannot "
                                    "have a digest",
                                    text);
        return error;
    }
    if ((error = check_ref_name(colon + 1, text)) != 0)
        return error;
    return set_string(&ref->tag, colon + 1, strlen(colon + 1));
}

static int format_string(copa_reference *ref)
{
    copa__buf s = COPA__BUF_INIT;
    int error = 0;

    if (ref->transport != COPA_TRANSPORT_REGISTRY) {
        error = copa__buf_appendf(&s, "%s:%s", copa_transport_name(ref->transport), ref->path);
        if (error == 0 && (ref->tag != NULL || ref->repository != NULL))
            error = copa__buf_append_str(&s, ":");
    }
    if (error == 0 && ref->repository != NULL)
        error = copa__buf_appendf(&s, "%s/%s", ref->registry, ref->repository);
    if (error == 0 && ref->tag != NULL)
        error = copa__buf_appendf(&s, "%s%s", ref->repository != NULL ? ":" : "", ref->tag);
    if (error == 0 && ref->digest != NULL)
        error = copa__buf_appendf(&s, "@%s", ref->digest);
    if (error != 0) {
        copa__buf_free(&s);
        return error;
    }
    ref->string = copa__buf_detach(&s);
    return 0;
}

/*
 * Transports of containers/image (skopeo, podman) that copa does not read.
 * Without this they would parse as Docker Hub names ("containers-storage:foo"
 * is docker.io/library/containers-storage:foo) and go to the network. A
 * Docker Hub image that really has such a name is written docker://NAME; a
 * registry host of that name has a port ("dir:5000/x") and stays a registry.
 */
static int check_foreign_transport(const char *text)
{
    static const char *const foreign[] = {
        "containers-storage", "docker-daemon", "dir", "ostree", "sif", "tarball", "atomic",
    };
    size_t i;

    for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
        size_t n = strlen(foreign[i]);
        const char *rest = text + n;
        if (strncmp(text, foreign[i], n) != 0 || *rest != ':')
            continue;
        if (isdigit((unsigned char)rest[1]) && rest[1 + strspn(rest + 1, "0123456789")] == '/')
            return 0;
        return copa__error_set(COPA_EINVALID,
                               "invalid reference '%s': transport '%s' is not supported (copa "
                               "reads docker://, oci:, oci-archive: and docker-archive:); for a "
                               "Docker Hub image of that name write docker://%s",
                               text, foreign[i], text);
    }
    return 0;
}

static int parse_into(copa_reference *ref, const char *text)
{
    int error;

    static const struct {
        const char *prefix;
        copa_transport transport;
    } prefixes[] = {
        {"docker://", COPA_TRANSPORT_REGISTRY},
        {"oci:", COPA_TRANSPORT_OCI},
        {"oci-archive:", COPA_TRANSPORT_OCI_ARCHIVE},
        {"docker-archive:", COPA_TRANSPORT_DOCKER_ARCHIVE},
    };
    size_t i;

    if (*text == '\0')
        return copa__error_set(COPA_EINVALID, "invalid reference '': empty");
    for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t n = strlen(prefixes[i].prefix);
        if (strncmp(text, prefixes[i].prefix, n) != 0)
            continue;
        ref->transport = prefixes[i].transport;
        if (ref->transport == COPA_TRANSPORT_REGISTRY)
            return copa__reference_parse_docker(ref, text + n, 1);
        return parse_local(ref, text + n, text);
    }
    if (strncmp(text, "docker:", 7) == 0)
        return copa__error_set(COPA_EINVALID, "invalid reference '%s': did you mean 'docker://'?",
                               text);
    if ((error = check_foreign_transport(text)) != 0)
        return error;
    ref->transport = COPA_TRANSPORT_REGISTRY;
    return copa__reference_parse_docker(ref, text, 1);
}

int copa_reference_parse(copa_reference **out, const char *text)
{
    copa_reference *ref;
    int error;

    if (out == NULL || text == NULL)
        return copa__error_set(COPA_EINVALID, "copa_reference_parse: NULL argument");
    *out = NULL;
    if ((ref = calloc(1, sizeof(*ref))) == NULL)
        return copa__error_oom();
    error = parse_into(ref, text);
    if (error == 0)
        error = format_string(ref);
    if (error != 0) {
        copa_reference_free(ref);
        return error;
    }
    *out = ref;
    return 0;
}

void copa_reference_free(copa_reference *ref)
{
    if (ref == NULL)
        return;
    free(ref->registry);
    free(ref->repository);
    free(ref->tag);
    free(ref->digest);
    free(ref->path);
    free(ref->string);
    free(ref);
}

copa_transport copa_reference_transport(const copa_reference *ref)
{
    return ref->transport;
}

const char *copa_reference_registry(const copa_reference *ref)
{
    return ref != NULL && ref->repository != NULL ? ref->registry : NULL;
}

const char *copa_reference_repository(const copa_reference *ref)
{
    return ref != NULL ? ref->repository : NULL;
}

const char *copa_reference_tag(const copa_reference *ref)
{
    return ref != NULL ? ref->tag : NULL;
}

const char *copa_reference_digest(const copa_reference *ref)
{
    return ref != NULL ? ref->digest : NULL;
}

const char *copa_reference_path(const copa_reference *ref)
{
    return ref != NULL ? ref->path : NULL;
}

const char *copa_reference_string(const copa_reference *ref)
{
    return ref != NULL ? ref->string : NULL;
}
