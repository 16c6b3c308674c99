/* SPDX-License-Identifier: MIT */
/*
 * The one boundary where libcalsync's error codes become PHP exceptions.
 *
 * Every glue function hands a failed core call's calsync_error to
 * calsync_throw() (or to calsync_throw_arg() when it knows which of its
 * arguments the core refused, or calsync_throw_signature() to add the
 * header's timestamp).  Argument checks the glue makes itself, before it
 * calls the core, throw ValueError/TypeError directly with the engine's
 * zend_argument_*_error() phrasing; nothing else throws by hand.
 *
 *   core code                          PHP exception                      extra properties
 *   ---------------------------------  ---------------------------------
 * ---------------------------- CALSYNC_ERR_ARGUMENT (-1)          \ValueError (calsync_throw_arg: -
 *                                      "Argument #n ($name) ..."; else
 *                                      "Class::method(): ...")
 *   CALSYNC_ERR_INPUT (-18)            Calsync\InputException             -
 *   CALSYNC_ERR_NOMEM (-2)             \Error                             -
 *   CALSYNC_ERR_SIG_MALFORMED (-3)     Calsync\SignatureException         reason "malformed",
 * timestamp null CALSYNC_ERR_SIG_MISMATCH (-4)      Calsync\SignatureException         reason
 * "mismatch", timestamp CALSYNC_ERR_SIG_TOO_OLD (-5)       Calsync\SignatureException reason
 * "too_old", timestamp CALSYNC_ERR_SIG_TOO_NEW (-6)       Calsync\SignatureException         reason
 * "too_new", timestamp CALSYNC_ERR_JSON (-7)              Calsync\PayloadException           path
 * ("" for JSON syntax) CALSYNC_ERR_SCHEMA (-8)            Calsync\PayloadException           path
 *   CALSYNC_ERR_TIME (-9)              Calsync\PayloadException           path
 *   CALSYNC_ERR_TOO_LARGE (-15)        Calsync\PayloadException           path ""
 *   CALSYNC_ERR_SEAL_FORMAT (-10)      Calsync\SealException              reason "format"
 *   CALSYNC_ERR_SEAL_KEY (-11)         Calsync\SealException              reason "key"
 *   CALSYNC_ERR_SEAL_AUTH (-12)        Calsync\SealException              reason "auth"
 *   CALSYNC_ERR_CRYPTO (-13)           Calsync\Exception                  -
 *   CALSYNC_ERR_MISMATCH (-14)         Calsync\StateException             -
 *   CALSYNC_ERR_HTTP (-16)             Calsync\ApiException               status, title,
 * retryAfterMs (title: Calendly's "title", or the OAuth "error" such as invalid_grant)
 *   CALSYNC_ERR_TRANSPORT (-17)        Calsync\ApiException               status 0, title "",
 * retryAfterMs 0 any other code                     Calsync\Exception                  -
 *
 * Every Calsync\ exception's getCode() is the core code.  Messages are the
 * core's message (the bare reason: a PayloadException's path is only in
 * ->path), or calsync_strerror() when the core gave none.  No message
 * holds a secret: the core never writes tokens, keys or passwords into
 * one.
 */
#include "calsync_glue.h"

static const char *message_of(const calsync_error *err)
{
    return err->message[0] != '\0' ? err->message : calsync_strerror(err->code);
}

static void set_string(zend_class_entry *ce, zend_object *obj, const char *name, size_t name_len,
                       const char *value, size_t len)
{
    /* zend_update_property_* run in the class's scope, which readonly
     * properties require for their one initialisation. */
    zend_update_property_stringl(ce, obj, name, name_len, value, len);
}

static void throw_argument(const calsync_error *err)
{
    /* Lead with the method, as the engine's argument errors do. */
    zend_string *fn = get_active_function_or_method_name();
    zend_value_error("%s(): %s", ZSTR_VAL(fn), message_of(err));
    zend_string_release(fn);
}

void calsync_throw(const calsync_error *err)
{
    const char *reason;
    zend_object *ex;

    switch ((calsync_code)err->code) {
    case CALSYNC_ERR_ARGUMENT:
        throw_argument(err);
        return;
    case CALSYNC_ERR_INPUT:
        zend_throw_exception(calsync_ce_input_exception, message_of(err), err->code);
        return;
    case CALSYNC_ERR_NOMEM:
        zend_throw_error(NULL, "%s", message_of(err));
        return;
    case CALSYNC_ERR_JSON:
    case CALSYNC_ERR_SCHEMA:
    case CALSYNC_ERR_TIME:
    case CALSYNC_ERR_TOO_LARGE:
        ex = zend_throw_exception(calsync_ce_payload_exception, message_of(err), err->code);
        set_string(calsync_ce_payload_exception, ex, "path", sizeof("path") - 1, err->path,
                   strnlen(err->path, sizeof err->path));
        return;
    case CALSYNC_ERR_SEAL_FORMAT:
        reason = "format";
        goto seal;
    case CALSYNC_ERR_SEAL_KEY:
        reason = "key";
        goto seal;
    case CALSYNC_ERR_SEAL_AUTH:
        reason = "auth";
        goto seal;
    case CALSYNC_ERR_MISMATCH:
        zend_throw_exception(calsync_ce_state_exception, message_of(err), err->code);
        return;
    case CALSYNC_ERR_HTTP:
    case CALSYNC_ERR_TRANSPORT:
        calsync_throw_api(err);
        return;
    case CALSYNC_ERR_SIG_MALFORMED:
    case CALSYNC_ERR_SIG_MISMATCH:
    case CALSYNC_ERR_SIG_TOO_OLD:
    case CALSYNC_ERR_SIG_TOO_NEW:
        calsync_throw_signature(err, NULL);
        return;
    case CALSYNC_OK:
    case CALSYNC_ERR_CRYPTO:
        break;
    }
    zend_throw_exception(calsync_ce_exception, message_of(err), err->code);
    return;
seal:
    ex = zend_throw_exception(calsync_ce_seal_exception, message_of(err), err->code);
    set_string(calsync_ce_seal_exception, ex, "reason", sizeof("reason") - 1, reason,
               strlen(reason));
}

void calsync_throw_arg(const calsync_error *err, uint32_t arg_num, const char *what)
{
    if (err->code != CALSYNC_ERR_ARGUMENT) {
        calsync_throw(err);
        return;
    }
    zend_argument_value_error(arg_num, "%s: %s", what, message_of(err));
}

void calsync_throw_params(const calsync_error *err, const char *const *names, uint32_t n)
{
    if (err->code == CALSYNC_ERR_ARGUMENT) {
        for (uint32_t i = 0; i < n; i++) {
            if (strcmp(err->path, names[i]) == 0) {
                zend_argument_value_error(i + 1, "%s", message_of(err));
                return;
            }
        }
    }
    calsync_throw(err);
}

void calsync_throw_api(const calsync_error *err)
{
    zend_class_entry *ce = calsync_ce_api_exception;
    zend_object *ex = zend_throw_exception(ce, message_of(err), err->code);
    /* A transport failure never got an answer: status 0, whatever the
     * report holds. */
    int status = err->code == CALSYNC_ERR_TRANSPORT ? 0 : err->http_status;
    zend_update_property_long(ce, ex, "status", sizeof("status") - 1, (zend_long)status);
    set_string(ce, ex, "title", sizeof("title") - 1, err->title,
               strnlen(err->title, sizeof err->title));
    zend_update_property_long(ce, ex, "retryAfterMs", sizeof("retryAfterMs") - 1,
                              err->retry_after_ms > 0 ? (zend_long)err->retry_after_ms : 0);
}

void calsync_throw_code(int code)
{
    calsync_error err;
    memset(&err, 0, sizeof err);
    err.code = code;
    calsync_throw(&err);
}

void calsync_throw_signature(const calsync_error *err, const calsync_sig_result *res)
{
    const char *reason;
    switch ((calsync_code)err->code) {
    case CALSYNC_ERR_SIG_MALFORMED:
        reason = "malformed";
        break;
    case CALSYNC_ERR_SIG_MISMATCH:
        reason = "mismatch";
        break;
    case CALSYNC_ERR_SIG_TOO_OLD:
        reason = "too_old";
        break;
    case CALSYNC_ERR_SIG_TOO_NEW:
        reason = "too_new";
        break;
    default:
        calsync_throw(err);
        return;
    }
    zend_object *ex =
        zend_throw_exception(calsync_ce_signature_exception, message_of(err), err->code);
    set_string(calsync_ce_signature_exception, ex, "reason", sizeof("reason") - 1, reason,
               strlen(reason));
    /* The header's t is only known once the header parsed. */
    if (res != NULL && err->code != CALSYNC_ERR_SIG_MALFORMED)
        zend_update_property_long(calsync_ce_signature_exception, ex, "timestamp",
                                  sizeof("timestamp") - 1, (zend_long)res->timestamp);
    else
        zend_update_property_null(calsync_ce_signature_exception, ex, "timestamp",
                                  sizeof("timestamp") - 1);
}
