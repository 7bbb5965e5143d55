/*
 * The registry client against the real distribution registry: plain HTTP
 * (COPA_TEST_PLAIN) and TLS + htpasswd (COPA_TEST_TLS, COPA_TEST_CA,
 * COPA_TEST_USER, COPA_TEST_PASS). Images pushed here are read by skopeo
 * in run.sh, and the image skopeo pushed (skopeo/img:v1) is read here.
 */
#include "itest.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct image {
    char *config, *layer, *big;
    size_t config_len, layer_len, big_len;
    char config_digest[COPA_DIGEST_STRING_MAX], layer_digest[COPA_DIGEST_STRING_MAX];
    char big_digest[COPA_DIGEST_STRING_MAX];
    char *manifest;
    int big_fd;
} image;

static copa__registry *plain_client(void)
{
    copa__registry_options o = {0};
    const char *insecure[2] = {NULL, NULL};
    copa__registry *r = NULL;

    insecure[0] = itest_env("COPA_TEST_PLAIN");
    o.insecure_registries = insecure;
    o.chunk_size = 256 * 1024;
    o.monolithic_max = 512 * 1024;
    itest_fast_http(&o.http);
    assert_int_equal(copa__registry_new(&r, &o), 0);
    return r;
}

static copa__registry *tls_client(const char *credentials, int with_ca)
{
    copa__registry_options o = {0};
    copa__registry *r = NULL;

    o.credentials = credentials;
    o.http.ca_file = with_ca ? itest_env("COPA_TEST_CA") : NULL;
    itest_fast_http(&o.http);
    assert_int_equal(copa__registry_new(&r, &o), 0);
    return r;
}

static void fill(char *data, size_t n, unsigned seed)
{
    size_t i;
    for (i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        data[i] = (char)(seed >> 16);
    }
}

/* A small but valid OCI image: config, a small layer, and a larger one from a file. */
static void make_image(image *img, unsigned seed)
{
    char path[] = "/tmp/copa-itest-XXXXXX";

    memset(img, 0, sizeof(*img));
    assert_true(asprintf(&img->config,
                         "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
                         "\"layers\",\"diff_ids\":[]},\"seed\":%u}",
                         seed) > 0);
    img->config_len = strlen(img->config);
    img->layer_len = 100 * 1024;
    img->layer = malloc(img->layer_len);
    fill(img->layer, img->layer_len, seed);
    img->big_len = 1300 * 1024; /* > monolithic_max: goes up in 6 chunks */
    img->big = malloc(img->big_len);
    fill(img->big, img->big_len, seed + 1);
    img->big_fd = mkstemp(path);
    assert_true(img->big_fd >= 0);
    unlink(path);
    assert_int_equal(write(img->big_fd, img->big, img->big_len), (ssize_t)img->big_len);
    itest_digest(img->config_digest, img->config, img->config_len);
    itest_digest(img->layer_digest, img->layer, img->layer_len);
    itest_digest(img->big_digest, img->big, img->big_len);
    assert_true(asprintf(&img->manifest,
                         "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":"
                         "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\","
                         "\"size\":%zu},\"layers\":[{\"mediaType\":\"application/"
                         "vnd.oci.image.layer.v1.tar\",\"digest\":\"%s\",\"size\":%zu},{"
                         "\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":"
                         "\"%s\",\"size\":%zu}]}",
                         COPA_MEDIA_OCI_MANIFEST, img->config_digest, img->config_len,
                         img->layer_digest, img->layer_len, img->big_digest, img->big_len) > 0);
}

static void free_image(image *img)
{
    free(img->config);
    free(img->layer);
    free(img->big);
    free(img->manifest);
    close(img->big_fd);
}

static void push_image(copa__registry *r, const char *registry, const char *repo, const char *tag,
                       image *img, char digest[COPA_DIGEST_STRING_MAX])
{
    copa__push_blob blobs[3];

    memset(blobs, 0, sizeof(blobs));
    blobs[0].digest = img->config_digest;
    blobs[0].source.data = img->config;
    blobs[0].source.size = img->config_len;
    blobs[1].digest = img->layer_digest;
    blobs[1].source.data = img->layer;
    blobs[1].source.size = img->layer_len;
    blobs[2].digest = img->big_digest;
    blobs[2].source.fd = img->big_fd;
    blobs[2].source.size = img->big_len;
    assert_int_equal(copa__registry_push_image(digest, r, registry, repo, tag, blobs, 3,
                                               COPA_MEDIA_OCI_MANIFEST, img->manifest,
                                               strlen(img->manifest)),
                     0);
}

static void ping_plain(void **state)
{
    copa__registry *r = plain_client();
    (void)state;
    assert_int_equal(copa__registry_ping(r, itest_env("COPA_TEST_PLAIN")), 0);
    copa__registry_free(r);
}

static void expect_blob(copa__registry *r, const char *registry, const char *repo,
                        const char *digest, const char *data, size_t n)
{
    char *got = NULL;
    size_t length = 0;
    assert_int_equal(
        copa__registry_blob_get_buffer(&got, &length, r, registry, repo, digest, 1 << 24), 0);
    assert_int_equal(length, n);
    assert_memory_equal(got, data, n);
    free(got);
}

static void push_then_read_back(void **state)
{
    const char *reg = itest_env("COPA_TEST_PLAIN");
    copa__registry *r = plain_client();
    copa__registry_manifest m;
    copa__push_outcome outcome = 0;
    char digest[COPA_DIGEST_STRING_MAX], head_digest[COPA_DIGEST_STRING_MAX];
    char *type = NULL;
    uint64_t size = 0;
    image img;
    (void)state;

    make_image(&img, 7);
    /* Each path separately first, so the outcome is visible. */
    copa__blob_source small = {img.layer, 0, img.layer_len};
    copa__blob_source big = {NULL, img.big_fd, img.big_len};
    assert_int_equal(
        copa__registry_blob_push(&outcome, r, reg, "copa/pushed", img.layer_digest, &small, NULL),
        0);
    assert_int_equal(outcome, COPA__PUSH_MONOLITHIC);
    assert_int_equal(
        copa__registry_blob_push(&outcome, r, reg, "copa/pushed", img.big_digest, &big, NULL), 0);
    assert_int_equal(outcome, COPA__PUSH_CHUNKED);
    /* Present now: HEAD finds it and nothing is uploaded. */
    assert_int_equal(
        copa__registry_blob_push(&outcome, r, reg, "copa/pushed", img.layer_digest, &small, NULL),
        0);
    assert_int_equal(outcome, COPA__PUSH_EXISTED);
    push_image(r, reg, "copa/pushed", "v1", &img, digest);
    itest_write("pushed.digest", digest);

    assert_int_equal(copa__registry_manifest_get(&m, r, reg, "copa/pushed", "v1", NULL), 0);
    assert_string_equal(m.digest, digest);
    assert_string_equal(m.media_type, COPA_MEDIA_OCI_MANIFEST);
    assert_int_equal(m.length, strlen(img.manifest));
    assert_memory_equal(m.data, img.manifest, m.length);
    copa__registry_manifest_free(&m);
    assert_int_equal(copa__registry_manifest_get(&m, r, reg, "copa/pushed", digest, NULL), 0);
    assert_string_equal(m.digest, digest);
    copa__registry_manifest_free(&m);
    assert_int_equal(
        copa__registry_manifest_head(head_digest, &type, &size, r, reg, "copa/pushed", "v1"), 0);
    assert_string_equal(head_digest, digest);
    assert_string_equal(type, COPA_MEDIA_OCI_MANIFEST);
    assert_int_equal(size, strlen(img.manifest));
    free(type);

    expect_blob(r, reg, "copa/pushed", img.config_digest, img.config, img.config_len);
    expect_blob(r, reg, "copa/pushed", img.layer_digest, img.layer, img.layer_len);
    expect_blob(r, reg, "copa/pushed", img.big_digest, img.big, img.big_len);
    assert_int_equal(copa__registry_blob_head(&size, r, reg, "copa/pushed", img.big_digest), 0);
    assert_int_equal(size, img.big_len);
    free_image(&img);
    copa__registry_free(r);
}

static void cross_repository_mount(void **state)
{
    const char *reg = itest_env("COPA_TEST_PLAIN");
    copa__registry *r = plain_client();
    copa__push_outcome outcome = 0;
    char digest[COPA_DIGEST_STRING_MAX];
    const char *data = "a blob shared between repositories\n";
    copa__blob_source source = {data, 0, strlen(data)};
    (void)state;

    itest_digest(digest, data, strlen(data));
    assert_int_equal(copa__registry_blob_push(&outcome, r, reg, "mount/src", digest, &source, NULL),
                     0);
    assert_int_equal(outcome, COPA__PUSH_MONOLITHIC);
    assert_int_equal(copa__registry_blob_head(NULL, r, reg, "mount/dst", digest), COPA_ENOTFOUND);
    assert_int_equal(
        copa__registry_blob_push(&outcome, r, reg, "mount/dst", digest, &source, "mount/src"), 0);
    assert_int_equal(outcome, COPA__PUSH_MOUNTED);
    expect_blob(r, reg, "mount/dst", digest, data, strlen(data));
    copa__registry_free(r);
}

static void unknown_things_are_not_found(void **state)
{
    const char *reg = itest_env("COPA_TEST_PLAIN");
    copa__registry *r = plain_client();
    copa__registry_manifest m;
    char digest[COPA_DIGEST_STRING_MAX];
    (void)state;

    assert_int_equal(copa__registry_manifest_get(&m, r, reg, "copa/pushed", "no-such-tag", NULL),
                     COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "copa/pushed:no-such-tag"));
    assert_non_null(strstr(copa_error_last(), reg));
    assert_int_equal(copa__registry_manifest_get(&m, r, reg, "no/such/repo", "latest", NULL),
                     COPA_ENOTFOUND);
    itest_digest(digest, "nothing", 7);
    assert_int_equal(copa__registry_blob_head(NULL, r, reg, "copa/pushed", digest), COPA_ENOTFOUND);
    copa__registry_free(r);
}

/* A blob whose bytes do not hash to its digest fails the push; the tag keeps the old manifest. */
static void failed_push_keeps_tag(void **state)
{
    const char *reg = itest_env("COPA_TEST_PLAIN");
    copa__registry *r = plain_client();
    copa__registry_manifest m;
    char first[COPA_DIGEST_STRING_MAX], second[COPA_DIGEST_STRING_MAX];
    image a, b;
    copa__push_blob blobs[1];
    (void)state;

    make_image(&a, 11);
    push_image(r, reg, "copa/atomic", "latest", &a, first);
    make_image(&b, 12);
    memset(blobs, 0, sizeof(blobs));
    blobs[0].digest = b.layer_digest;
    blobs[0].source.data = b.big; /* wrong bytes for that digest */
    blobs[0].source.size = b.layer_len;
    assert_int_equal(copa__registry_push_image(second, r, reg, "copa/atomic", "latest", blobs, 1,
                                               COPA_MEDIA_OCI_MANIFEST, b.manifest,
                                               strlen(b.manifest)),
                     COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "manifest not written"));
    assert_int_equal(copa__registry_manifest_get(&m, r, reg, "copa/atomic", "latest", NULL), 0);
    assert_string_equal(m.digest, first);
    copa__registry_manifest_free(&m);
    free_image(&a);
    free_image(&b);
    copa__registry_free(r);
}

/* What skopeo pushed (run.sh, before these tests) reads back verified. */
static void read_what_skopeo_pushed(void **state)
{
    const char *reg = itest_env("COPA_TEST_PLAIN");
    copa__registry *r = plain_client();
    copa__registry_manifest m;
    cJSON *root, *layer;
    char *blob = NULL;
    size_t length = 0;
    int layers = 0;
    (void)state;

    assert_int_equal(copa__registry_manifest_get(&m, r, reg, "skopeo/img", "v1", NULL), 0);
    itest_write("skopeo-read.digest", m.digest);
    root = cJSON_ParseWithLength(m.data, m.length);
    assert_non_null(root);
    assert_int_equal(
        copa__registry_blob_get_buffer(
            &blob, &length, r, reg, "skopeo/img",
            cJSON_GetObjectItem(cJSON_GetObjectItem(root, "config"), "digest")->valuestring,
            1 << 20),
        0);
    assert_non_null(strstr(blob, "\"os\""));
    free(blob);
    cJSON_ArrayForEach(layer, cJSON_GetObjectItem(root, "layers"))
    {
        assert_int_equal(copa__registry_blob_get_buffer(
                             &blob, &length, r, reg, "skopeo/img",
                             cJSON_GetObjectItem(layer, "digest")->valuestring, 1 << 24),
                         0);
        assert_int_equal(length, (size_t)cJSON_GetObjectItem(layer, "size")->valuedouble);
        free(blob);
        layers++;
    }
    assert_true(layers >= 1);
    cJSON_Delete(root);
    copa__registry_manifest_free(&m);
    copa__registry_free(r);
}

static void tls_with_credentials(void **state)
{
    const char *reg = itest_env("COPA_TEST_TLS");
    char creds[256], digest[COPA_DIGEST_STRING_MAX];
    copa__registry *r;
    copa__registry_manifest m;
    image img;
    (void)state;

    snprintf(creds, sizeof(creds), "%s:%s", itest_env("COPA_TEST_USER"),
             itest_env("COPA_TEST_PASS"));
    r = tls_client(creds, 1);
    assert_int_equal(copa__registry_ping(r, reg), 0);
    make_image(&img, 21);
    push_image(r, reg, "secure/img", "v1", &img, digest);
    itest_write("tls-pushed.digest", digest);
    assert_int_equal(copa__registry_manifest_get(&m, r, reg, "secure/img", "v1", NULL), 0);
    assert_string_equal(m.digest, digest);
    copa__registry_manifest_free(&m);
    expect_blob(r, reg, "secure/img", img.big_digest, img.big, img.big_len);
    free_image(&img);
    copa__registry_free(r);
}

static void tls_wrong_password(void **state)
{
    const char *reg = itest_env("COPA_TEST_TLS");
    const char *secret = "Wr0ng-S3cret-Value";
    char creds[256];
    copa__registry *r;
    (void)state;

    snprintf(creds, sizeof(creds), "%s:%s", itest_env("COPA_TEST_USER"), secret);
    r = tls_client(creds, 1);
    assert_int_equal(copa__registry_ping(r, reg), COPA_EAUTH);
    assert_non_null(strstr(copa_error_last(), reg));
    assert_non_null(strstr(copa_error_last(), itest_env("COPA_TEST_USER")));
    assert_null(strstr(copa_error_last(), secret));
    assert_null(strstr(copa_error_last(), itest_env("COPA_TEST_PASS")));
    copa__registry_free(r);
    /* No credentials at all (no auth files either: run.sh empties HOME). */
    r = tls_client(NULL, 1);
    assert_int_equal(copa__registry_ping(r, reg), COPA_EAUTH);
    copa__registry_free(r);
}

static void tls_missing_ca(void **state)
{
    const char *reg = itest_env("COPA_TEST_TLS");
    copa__registry *r = tls_client("a:b", 0);
    (void)state;

    assert_int_equal(copa__registry_ping(r, reg), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), reg));
    assert_non_null(strstr(copa_error_last(), "certificate"));
    copa__registry_free(r);
}

static void write_file(const char *path, const char *text, int mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, (mode_t)mode);
}

/* Credentials from auth files: REGISTRY_AUTH_FILE (base64 "auth", key with scheme). */
static void auth_file_credentials(void **state)
{
    const char *reg = itest_env("COPA_TEST_TLS"), *work = itest_env("COPA_TEST_WORK");
    char path[4096], json[1024], userpass[256], *b64 = NULL, cmd[512];
    copa__registry *r;
    FILE *p;
    (void)state;

    snprintf(userpass, sizeof(userpass), "%s:%s", itest_env("COPA_TEST_USER"),
             itest_env("COPA_TEST_PASS"));
    snprintf(cmd, sizeof(cmd), "printf %%s '%s' | base64 -w0", userpass);
    p = popen(cmd, "r");
    b64 = calloc(1, 512);
    assert_non_null(fgets(b64, 512, p));
    pclose(p);
    snprintf(json, sizeof(json),
             "{\"auths\":{\"other.example\":{\"auth\":\"eDp5\"},"
             "\"https://%s/v1/\":{\"auth\":\"%s\"}}}",
             reg, b64);
    snprintf(path, sizeof(path), "%s/auth.json", work);
    write_file(path, json, 0600);
    setenv("REGISTRY_AUTH_FILE", path, 1);
    r = tls_client(NULL, 1);
    assert_int_equal(copa__registry_ping(r, reg), 0);
    copa__registry_free(r);
    unsetenv("REGISTRY_AUTH_FILE");
    free(b64);
}

/* credHelpers in $DOCKER_CONFIG/config.json run docker-credential-<name> from PATH. */
static void credential_helper(void **state)
{
    const char *reg = itest_env("COPA_TEST_TLS"), *work = itest_env("COPA_TEST_WORK");
    char dir[2048], path[4096], text[8192], *old_path = strdup(getenv("PATH"));
    copa__registry *r;
    (void)state;

    snprintf(dir, sizeof(dir), "%s/docker", work);
    mkdir(dir, 0700);
    snprintf(path, sizeof(path), "%s/config.json", dir);
    snprintf(text, sizeof(text), "{\"auths\":{\"%s\":{}},\"credHelpers\":{\"%s\":\"copatest\"}}",
             reg, reg);
    write_file(path, text, 0600);
    /* The helper checks it was asked about the right server, as docker's helpers do. */
    snprintf(path, sizeof(path), "%s/bin/docker-credential-copatest", work);
    snprintf(text, sizeof(text),
             "#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread -r url\n"
             "[ \"$url\" = '%s' ] || { echo 'credentials not found in native keychain'; exit 1; }\n"
             "printf '{\"ServerURL\":\"%%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' \"$url\"\n",
             reg, itest_env("COPA_TEST_USER"), itest_env("COPA_TEST_PASS"));
    snprintf(dir, sizeof(dir), "%s/bin", work);
    mkdir(dir, 0700);
    write_file(path, text, 0700);
    snprintf(text, sizeof(text), "%s:%s", dir, old_path);
    setenv("PATH", text, 1);
    snprintf(dir, sizeof(dir), "%s/docker", work);
    setenv("DOCKER_CONFIG", dir, 1);
    r = tls_client(NULL, 1);
    assert_int_equal(copa__registry_ping(r, reg), 0);
    copa__registry_free(r);
    unsetenv("DOCKER_CONFIG");
    setenv("PATH", old_path, 1);
    free(old_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ping_plain),
        cmocka_unit_test(push_then_read_back),
        cmocka_unit_test(cross_repository_mount),
        cmocka_unit_test(unknown_things_are_not_found),
        cmocka_unit_test(failed_push_keeps_tag),
        cmocka_unit_test(read_what_skopeo_pushed),
        cmocka_unit_test(tls_with_credentials),
        cmocka_unit_test(tls_wrong_password),
        cmocka_unit_test(tls_missing_ca),
        cmocka_unit_test(auth_file_credentials),
        cmocka_unit_test(credential_helper),
    };
    int failed;
    copa_init();
    failed = cmocka_run_group_tests(tests, NULL, NULL);
    copa_shutdown();
    return failed;
}
