/* SPDX-License-Identifier: MIT */
/* Declarations shared by the extension's glue files: class entries, object layouts, converters. */
#ifndef CALSYNC_GLUE_H
#define CALSYNC_GLUE_H

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"

#include "calsync.h"
#include "php_calsync.h"

/* Set once in MINIT, read-only afterwards (shared by all threads in ZTS). */
extern zend_class_entry *calsync_ce_exception;
extern zend_class_entry *calsync_ce_input_exception;
extern zend_class_entry *calsync_ce_signature_exception;
extern zend_class_entry *calsync_ce_payload_exception;
extern zend_class_entry *calsync_ce_seal_exception;
extern zend_class_entry *calsync_ce_state_exception;
extern zend_class_entry *calsync_ce_api_exception;
extern zend_class_entry *calsync_ce_event;
extern zend_class_entry *calsync_ce_scheduled_event;
extern zend_class_entry *calsync_ce_sealer;
extern zend_class_entry *calsync_ce_client;
extern zend_class_entry *calsync_ce_auth_client;

/* Objects that own a core handle; the zend_object comes last, as the
 * engine's offset-based handlers require. */
typedef struct calsync_event_object {
    calsync_event *event; /* owned; NULL only before parse() fills it */
    zend_object std;
} calsync_event_object;

typedef struct calsync_sched_object {
    calsync_sched *sched; /* owned */
    zend_object std;
} calsync_sched_object;

typedef struct calsync_sealer_object {
    unsigned char key[CALSYNC_SEAL_KEY_LEN];
    char key_id[9];
    bool ready; /* the constructor ran */
    zend_object std;
} calsync_sealer_object;

typedef struct calsync_client_object {
    calsync_client *client; /* owned; NULL until the constructor succeeded */
    zend_object std;
} calsync_client_object;

static inline calsync_event_object *calsync_event_from_obj(zend_object *obj)
{
    return (calsync_event_object *)((char *)obj - XtOffsetOf(calsync_event_object, std));
}

static inline calsync_sched_object *calsync_sched_from_obj(zend_object *obj)
{
    return (calsync_sched_object *)((char *)obj - XtOffsetOf(calsync_sched_object, std));
}

static inline calsync_sealer_object *calsync_sealer_from_obj(zend_object *obj)
{
    return (calsync_sealer_object *)((char *)obj - XtOffsetOf(calsync_sealer_object, std));
}

static inline calsync_client_object *calsync_client_from_obj(zend_object *obj)
{
    return (calsync_client_object *)((char *)obj - XtOffsetOf(calsync_client_object, std));
}

/* Object handlers; called from MINIT after the class is registered. */
void calsync_event_setup_class(zend_class_entry *ce);
void calsync_sched_setup_class(zend_class_entry *ce);
void calsync_sealer_setup_class(zend_class_entry *ce);
void calsync_client_setup_class(zend_class_entry *ce);

/* The one boundary from core error codes to PHP exceptions (calsync_errors.c,
 * whose top comment has the table).  Throws the exception class that
 * matches err->code; CALSYNC_ERR_ARGUMENT is a ValueError led by the
 * active method's name. */
void calsync_throw(const calsync_error *err);
/* The same, but CALSYNC_ERR_ARGUMENT becomes the engine's argument error
 * for argument arg_num: "Argument #n ($name) <what>: <core message>". */
void calsync_throw_arg(const calsync_error *err, uint32_t arg_num, const char *what);
/* For the REST calls, whose CALSYNC_ERR_ARGUMENT names the refused
 * parameter in err->path: names[i] is the core's name of argument i + 1,
 * and the error reads "Argument #n ($name) <core message>". */
void calsync_throw_params(const calsync_error *err, const char *const *names, uint32_t n);
/* An empty report, so that a code returned without a message still reads
 * as a string (only the fields the glue reads are cleared). */
static inline void calsync_error_reset(calsync_error *err)
{
    err->code = CALSYNC_OK;
    err->path[0] = '\0';
    err->message[0] = '\0';
    err->http_status = 0;
    err->title[0] = '\0';
    err->retry_after_ms = 0;
}

/* The same, for a call that returns a code without filling an error. */
void calsync_throw_code(int code);
/* CALSYNC_ERR_HTTP or CALSYNC_ERR_TRANSPORT: ApiException with status, title, retryAfterMs. */
void calsync_throw_api(const calsync_error *err);
/* A failed signature check: SignatureException with reason and timestamp. */
void calsync_throw_signature(const calsync_error *err, const calsync_sig_result *res);

/* Core value -> zval. */
static inline void calsync_zval_str(zval *dst, calsync_str s)
{
    if (s.ptr == NULL)
        ZVAL_NULL(dst);
    else
        ZVAL_STR(dst, zend_string_init_fast(s.ptr, s.len));
}

static inline void calsync_zval_time(zval *dst, int64_t us)
{
    if (us == CALSYNC_TIME_NONE)
        ZVAL_NULL(dst);
    else
        ZVAL_LONG(dst, (zend_long)us);
}

/* A string view over a zend_string, without copying. */
static inline calsync_str calsync_str_from_zstr(const zend_string *s)
{
    calsync_str r;
    r.ptr = ZSTR_VAL(s);
    r.len = ZSTR_LEN(s);
    return r;
}

/* Adds a value under a literal key; the array was sized for it up front. */
#define CALSYNC_ADD(ht, lit, zv) zend_hash_str_add_new((ht), (lit), sizeof(lit) - 1, (zv))

/* The current time, in microseconds since the epoch. */
int64_t calsync_now_us(void);

/* The scheduled event's fields as an array (shared by Event and ScheduledEvent). */
void calsync_sched_to_array(zval *dst, const calsync_scheduled_event *se);

#endif /* CALSYNC_GLUE_H */
