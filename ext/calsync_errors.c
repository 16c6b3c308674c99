/* The one boundary where libcalsync's error codes become PHP exceptions. */
#include "calsync_glue.h"

/* The core's message names the JSON path itself; fall back to the code's text. */
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

void calsync_throw(const calsync_error *err)
{
    const char *reason;
    zend_object *ex;

    switch ((calsync_code)err->code) {
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
    case CALSYNC_ERR_ARGUMENT:
        /* Callers turn INVALID into an argument error when they know which
         * argument is at fault; this is the fallback. */
        zend_value_error("%s", message_of(err));
        return;
    case CALSYNC_ERR_SIG_MALFORMED:
    case CALSYNC_ERR_SIG_MISMATCH:
    case CALSYNC_ERR_SIG_TOO_OLD:
    case CALSYNC_ERR_SIG_TOO_NEW:
        calsync_throw_signature(err, NULL);
        return;
    default:
        zend_throw_exception(calsync_ce_exception, message_of(err), err->code);
        return;
    }
seal:
    ex = zend_throw_exception(calsync_ce_seal_exception, message_of(err), err->code);
    set_string(calsync_ce_seal_exception, ex, "reason", sizeof("reason") - 1, reason,
               strlen(reason));
}

void calsync_throw_api(const calsync_error *err)
{
    zend_class_entry *ce = calsync_ce_api_exception;
    zend_object *ex = zend_throw_exception(ce, message_of(err), err->code);
    /* A transport failure never got an answer: status 0, whatever the
     * report holds. */
    int status = err->code == CALSYNC_ERR_HTTP ? err->http_status : 0;
    zend_update_property_long(ce, ex, "status", sizeof("status") - 1, (zend_long)status);
    set_string(ce, ex, "title", sizeof("title") - 1, err->title,
               strnlen(err->title, sizeof err->title));
    zend_update_property_long(ce, ex, "retryAfterMs", sizeof("retryAfterMs") - 1,
                              err->retry_after_ms > 0 ? (zend_long)err->retry_after_ms : 0);
}

void calsync_throw_code(int code)
{
    calsync_error err;
    calsync_error_reset(&err);
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
