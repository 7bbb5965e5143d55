/*
 * Library-wide set-up: reference-counted initialization of libcurl and
 * OpenSSL, which are not safe to initialize from several threads at once.
 */
#include "copa/global.h"
#include "util/error.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <pthread.h>

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_count;

int copa_init(void)
{
    int result;

    pthread_mutex_lock(&init_lock);
    if (init_count == 0) {
        if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL) != 1) {
            pthread_mutex_unlock(&init_lock);
            return copa__error_set(COPA_ERROR, "OpenSSL failed to initialize");
        }
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            pthread_mutex_unlock(&init_lock);
            return copa__error_set(COPA_ERROR, "libcurl failed to initialize");
        }
    }
    result = ++init_count;
    pthread_mutex_unlock(&init_lock);
    return result;
}

int copa_shutdown(void)
{
    int result;

    pthread_mutex_lock(&init_lock);
    if (init_count == 0) {
        pthread_mutex_unlock(&init_lock);
        return copa__error_set(COPA_ERROR, "copa_shutdown() without a matching copa_init()");
    }
    result = --init_count;
    if (result == 0)
        curl_global_cleanup();
    pthread_mutex_unlock(&init_lock);
    return result;
}

const char *copa_version(void)
{
    return COPA_VERSION;
}
