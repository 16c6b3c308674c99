/* SPDX-License-Identifier: MIT */
/* The calsync module: registration, phpinfo(), and the stateless Time and Signature calls. */
#include "calsync_glue.h"

#include "ext/standard/info.h"
#include "zend_attributes.h"

#include <curl/curl.h>
#include <time.h>

#include "calsync_arginfo.h"

zend_class_entry *calsync_ce_exception;
zend_class_entry *calsync_ce_input_exception;
zend_class_entry *calsync_ce_signature_exception;
zend_class_entry *calsync_ce_payload_exception;
zend_class_entry *calsync_ce_seal_exception;
zend_class_entry *calsync_ce_state_exception;
zend_class_entry *calsync_ce_api_exception;
zend_class_entry *calsync_ce_event;
zend_class_entry *calsync_ce_scheduled_event;
zend_class_entry *calsync_ce_sealer;
zend_class_entry *calsync_ce_client;
zend_class_entry *calsync_ce_auth_client;

int64_t calsync_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static PHP_MINIT_FUNCTION(calsync)
{
    (void)type;
    (void)module_number;
    /* libcurl wants curl_global_init() once before any thread uses it;
     * MINIT runs in the main thread before workers start (ZTS too).  The
     * call is reference-counted, so PHP's own curl extension calling it
     * as well is fine, as long as each init has its cleanup (MSHUTDOWN). */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return FAILURE;
    calsync_ce_exception = register_class_Calsync_Exception(zend_ce_exception);
    calsync_ce_input_exception = register_class_Calsync_InputException(calsync_ce_exception);
    calsync_ce_signature_exception =
        register_class_Calsync_SignatureException(calsync_ce_exception);
    calsync_ce_payload_exception = register_class_Calsync_PayloadException(calsync_ce_exception);
    calsync_ce_seal_exception = register_class_Calsync_SealException(calsync_ce_exception);
    calsync_ce_state_exception = register_class_Calsync_StateException(calsync_ce_exception);
    calsync_ce_api_exception = register_class_Calsync_ApiException(calsync_ce_exception);
    register_class_Calsync_Info();
    register_class_Calsync_Time();
    register_class_Calsync_Signature();
    calsync_ce_event = register_class_Calsync_Event();
    calsync_event_setup_class(calsync_ce_event);
    calsync_ce_scheduled_event = register_class_Calsync_ScheduledEvent();
    calsync_sched_setup_class(calsync_ce_scheduled_event);
    register_class_Calsync_State();
    register_class_Calsync_Email();
    calsync_ce_sealer = register_class_Calsync_Sealer();
    calsync_sealer_setup_class(calsync_ce_sealer);
    calsync_ce_client = register_class_Calsync_Client();
    calsync_client_setup_class(calsync_ce_client);
    calsync_ce_auth_client = register_class_Calsync_AuthClient();
    calsync_client_setup_class(calsync_ce_auth_client);
    return SUCCESS;
}

static PHP_MSHUTDOWN_FUNCTION(calsync)
{
    (void)type;
    (void)module_number;
    curl_global_cleanup();
    return SUCCESS;
}

#if defined(ZTS) && defined(COMPILE_DL_CALSYNC)
/* Each thread caches its own TSRM pointer, so the update runs per request
 * (in the request's thread), not once in MINIT. */
static PHP_RINIT_FUNCTION(calsync)
{
    (void)type;
    (void)module_number;
    ZEND_TSRMLS_CACHE_UPDATE();
    return SUCCESS;
}
#define CALSYNC_RINIT PHP_RINIT(calsync)
#else
#define CALSYNC_RINIT NULL
#endif

static PHP_MINFO_FUNCTION(calsync)
{
    (void)zend_module;
    php_info_print_table_start();
    php_info_print_table_row(2, "calsync support", "enabled");
    php_info_print_table_row(2, "calsync version", calsync_version());
    php_info_print_table_row(2, "jansson version", calsync_jansson_version());
    php_info_print_table_row(2, "libcurl version", calsync_curl_version());
    php_info_print_table_row(2, "OpenSSL version", calsync_openssl_version());
    php_info_print_table_end();
}

/* clang-format off */
zend_module_entry calsync_module_entry = {
    STANDARD_MODULE_HEADER,
    "calsync",
    NULL, /* no functions: everything is a class in Calsync\ */
    PHP_MINIT(calsync),
    PHP_MSHUTDOWN(calsync),
    CALSYNC_RINIT,
    NULL,
    PHP_MINFO(calsync),
    PHP_CALSYNC_VERSION,
    STANDARD_MODULE_PROPERTIES,
};
/* clang-format on */

#ifdef COMPILE_DL_CALSYNC
#ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
#endif
ZEND_GET_MODULE(calsync)
#endif

/* ---- Calsync\Info ------------------------------------------------------- */

ZEND_METHOD(Calsync_Info, versions)
{
    ZEND_PARSE_PARAMETERS_NONE();
    array_init_size(return_value, 4);
    add_assoc_string(return_value, "calsync", calsync_version());
    add_assoc_string(return_value, "jansson", calsync_jansson_version());
    add_assoc_string(return_value, "libcurl", calsync_curl_version());
    add_assoc_string(return_value, "openssl", calsync_openssl_version());
}

/* ---- Calsync\Time ------------------------------------------------------- */

ZEND_METHOD(Calsync_Time, parse)
{
    zend_string *value;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(value)
    ZEND_PARSE_PARAMETERS_END();

    int64_t us;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_time_parse(&us, ZSTR_VAL(value), ZSTR_LEN(value), &err) != CALSYNC_OK) {
        calsync_throw(&err);
        RETURN_THROWS();
    }
    RETURN_LONG((zend_long)us);
}

ZEND_METHOD(Calsync_Time, format)
{
    zend_long us;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_LONG(us)
    ZEND_PARSE_PARAMETERS_END();

    char buf[CALSYNC_TIME_BUF];
    int n = calsync_time_format(buf, sizeof buf, (int64_t)us);
    if (n < 0) {
        calsync_error err;
        calsync_error_reset(&err);
        err.code = n;
        if (n == CALSYNC_ERR_INPUT)
            snprintf(err.message, sizeof err.message,
                     ZEND_LONG_FMT " microseconds is not a time in the years 1 to 9999", us);
        calsync_throw(&err);
        RETURN_THROWS();
    }
    RETURN_STRINGL(buf, (size_t)n);
}

/* ---- Calsync\Signature -------------------------------------------------- */

/* A ring this small lives on the stack; a longer one is allocated. */
#define CALSYNC_RING_INLINE 4

ZEND_METHOD(Calsync_Signature, verify)
{
    zend_string *header, *body;
    HashTable *keys;
    zend_long now = 0, max_age = CALSYNC_SIG_TOLERANCE_DEFAULT,
              max_future = CALSYNC_SIG_TOLERANCE_DEFAULT;
    bool now_is_null = true;
    ZEND_PARSE_PARAMETERS_START(3, 6)
    Z_PARAM_STR(header)
    Z_PARAM_STR(body)
    Z_PARAM_ARRAY_HT(keys)
    Z_PARAM_OPTIONAL
    Z_PARAM_LONG_OR_NULL(now, now_is_null)
    Z_PARAM_LONG(max_age)
    Z_PARAM_LONG(max_future)
    ZEND_PARSE_PARAMETERS_END();

    uint32_t nkeys = zend_hash_num_elements(keys);
    if (nkeys == 0) {
        zend_argument_value_error(3, "must not be empty");
        RETURN_THROWS();
    }
    if (max_age < 0) {
        zend_argument_value_error(5, "must be greater than or equal to 0");
        RETURN_THROWS();
    }
    if (max_future < 0) {
        zend_argument_value_error(6, "must be greater than or equal to 0");
        RETURN_THROWS();
    }

    calsync_key inline_ring[CALSYNC_RING_INLINE];
    calsync_key *ring =
        nkeys <= CALSYNC_RING_INLINE ? inline_ring : safe_emalloc(nkeys, sizeof(calsync_key), 0);
    size_t i = 0;
    zval *zkey;
    ZEND_HASH_FOREACH_VAL(keys, zkey)
    {
        ZVAL_DEREF(zkey);
        if (Z_TYPE_P(zkey) != IS_STRING) {
            zend_argument_type_error(3, "must contain only strings, %s given",
                                     zend_zval_type_name(zkey));
            goto out;
        }
        if (Z_STRLEN_P(zkey) == 0) {
            zend_argument_value_error(3, "must not contain an empty key");
            goto out;
        }
        ring[i].ptr = (const unsigned char *)Z_STRVAL_P(zkey);
        ring[i].len = Z_STRLEN_P(zkey);
        i++;
    }
    ZEND_HASH_FOREACH_END();

    calsync_sig_result res = {0, 0};
    calsync_error err;
    calsync_error_reset(&err);
    int rc = calsync_sig_verify(&res, ZSTR_VAL(header), ZSTR_LEN(header),
                                (const unsigned char *)ZSTR_VAL(body), ZSTR_LEN(body), ring, i,
                                now_is_null ? (int64_t)time(NULL) : (int64_t)now, max_age,
                                max_future, &err);
    if (rc == CALSYNC_OK) {
        zval v;
        array_init_size(return_value, 2);
        ZVAL_LONG(&v, (zend_long)res.timestamp);
        CALSYNC_ADD(Z_ARRVAL_P(return_value), "timestamp", &v);
        ZVAL_LONG(&v, (zend_long)res.key_index);
        CALSYNC_ADD(Z_ARRVAL_P(return_value), "key_index", &v);
    } else {
        /* Every argument the core could refuse was checked above; should
         * one slip through, the mapper makes it a ValueError. */
        calsync_throw_signature(&err, &res);
    }
out:
    if (ring != inline_ring)
        efree(ring);
}

ZEND_METHOD(Calsync_Signature, sign)
{
    zend_string *body, *key;
    zend_long timestamp;
    ZEND_PARSE_PARAMETERS_START(3, 3)
    Z_PARAM_STR(body)
    Z_PARAM_STR(key)
    Z_PARAM_LONG(timestamp)
    ZEND_PARSE_PARAMETERS_END();

    if (ZSTR_LEN(key) == 0) {
        zend_argument_value_error(2, "must not be empty");
        RETURN_THROWS();
    }
    calsync_key k = {(const unsigned char *)ZSTR_VAL(key), ZSTR_LEN(key)};
    char buf[CALSYNC_SIG_HEADER_BUF];
    calsync_error err;
    calsync_error_reset(&err);
    int n = calsync_sig_sign(buf, sizeof buf, (const unsigned char *)ZSTR_VAL(body), ZSTR_LEN(body),
                             &k, (int64_t)timestamp, &err);
    if (n < 0) {
        /* Key and body were checked above: only the timestamp is left. */
        calsync_throw_arg(&err, 3, "is out of range");
        RETURN_THROWS();
    }
    RETURN_STRINGL(buf, (size_t)n);
}
