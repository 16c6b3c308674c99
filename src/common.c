/* SPDX-License-Identifier: MIT */
/* Error reporting, string views and library versions shared by every module. */
#include "internal.h"

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <stdio.h>

void calsync_error_clear(calsync_error *err)
{
    if (err == NULL)
        return;
    err->code = CALSYNC_OK;
    err->path[0] = '\0';
    err->message[0] = '\0';
    err->http_status = 0;
    err->title[0] = '\0';
    err->retry_after_ms = 0;
}

int calsync_fail(calsync_error *err, int code, const char *path, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->http_status = 0;
    err->title[0] = '\0';
    err->retry_after_ms = 0;
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

int calsync_crypto_fail(calsync_error *err, const char *what)
{
    char detail[160];
    unsigned long e = ERR_peek_last_error();
    if (e != 0)
        ERR_error_string_n(e, detail, sizeof detail);
    else
        snprintf(detail, sizeof detail, "no detail");
    ERR_clear_error();
    return calsync_fail(err, CALSYNC_ERR_CRYPTO, NULL, "OpenSSL failed to %s: %s", what, detail);
}

const char *calsync_json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    case JSON_NULL:
        return "null";
    }
    return "unknown";
}

const char *calsync_strerror(int code)
{
    switch ((calsync_code)code) {
    case CALSYNC_OK:
        return "success";
    case CALSYNC_ERR_ARGUMENT:
        return "invalid argument (a programming error of the caller)";
    case CALSYNC_ERR_NOMEM:
        return "out of memory";
    case CALSYNC_ERR_SIG_MALFORMED:
        return "signature header missing or malformed";
    case CALSYNC_ERR_SIG_MISMATCH:
        return "signature does not match any signing key";
    case CALSYNC_ERR_SIG_TOO_OLD:
        return "signature is authentic but its timestamp is too old";
    case CALSYNC_ERR_SIG_TOO_NEW:
        return "signature is authentic but its timestamp is in the future";
    case CALSYNC_ERR_JSON:
        return "body is not valid JSON";
    case CALSYNC_ERR_SCHEMA:
        return "a required field is missing or has the wrong type";
    case CALSYNC_ERR_TIME:
        return "not an RFC 3339 date-time";
    case CALSYNC_ERR_SEAL_FORMAT:
        return "not a sealed value of a known version";
    case CALSYNC_ERR_SEAL_KEY:
        return "sealed under another key";
    case CALSYNC_ERR_SEAL_AUTH:
        return "sealed value was altered and does not open";
    case CALSYNC_ERR_CRYPTO:
        return "cryptographic library failure";
    case CALSYNC_ERR_MISMATCH:
        return "facts and event are about different invitees";
    case CALSYNC_ERR_TOO_LARGE:
        return "input is over the size limit";
    case CALSYNC_ERR_HTTP:
        return "the API answered with an HTTP error";
    case CALSYNC_ERR_TRANSPORT:
        return "the API could not be reached";
    case CALSYNC_ERR_INPUT:
        return "a value from outside is not acceptable";
    }
    return "unknown error";
}

int calsync_str_cmp(calsync_str a, calsync_str b)
{
    if (a.ptr == NULL || b.ptr == NULL)
        return (a.ptr != NULL) - (b.ptr != NULL);
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c != 0)
        return c < 0 ? -1 : 1;
    return (a.len > b.len) - (a.len < b.len);
}

int calsync_str_eq(calsync_str a, calsync_str b)
{
    return calsync_str_cmp(a, b) == 0;
}

calsync_str calsync_uri_last_segment(calsync_str uri)
{
    if (uri.ptr == NULL)
        return uri;
    size_t end = uri.len;
    while (end > 0 && uri.ptr[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && uri.ptr[start - 1] != '/')
        start--;
    return calsync_str_of(uri.ptr + start, end - start);
}

void calsync_hex(char *out, const unsigned char *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

const char *calsync_version(void)
{
    return CALSYNC_VERSION;
}

const char *calsync_jansson_version(void)
{
    return jansson_version_str();
}

const char *calsync_openssl_version(void)
{
    return OpenSSL_version(OPENSSL_VERSION_STRING);
}

const char *calsync_curl_version(void)
{
    return curl_version_info(CURLVERSION_NOW)->version;
}
