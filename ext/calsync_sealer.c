/* SPDX-License-Identifier: MIT */
/* Calsync\Sealer: an object holding a derived sealing key, wiped when the object goes. */
#include "calsync_glue.h"

static zend_object_handlers sealer_handlers;

static zend_object *sealer_create(zend_class_entry *ce)
{
    calsync_sealer_object *o = zend_object_alloc(sizeof(calsync_sealer_object), ce);
    memset(o->key, 0, sizeof o->key);
    memset(o->key_id, 0, sizeof o->key_id);
    o->ready = false;
    zend_object_std_init(&o->std, ce);
    object_properties_init(&o->std, ce);
    o->std.handlers = &sealer_handlers;
    return &o->std;
}

static void sealer_free(zend_object *obj)
{
    calsync_sealer_object *o = calsync_sealer_from_obj(obj);
    ZEND_SECURE_ZERO(o->key, sizeof o->key);
    zend_object_std_dtor(obj);
}

/* No clone (one copy of the key in memory) and, through the stub's
 * @not-serializable, no way to write the key out. */
void calsync_sealer_setup_class(zend_class_entry *ce)
{
    ce->create_object = sealer_create;
    memcpy(&sealer_handlers, &std_object_handlers, sizeof(zend_object_handlers));
    sealer_handlers.offset = XtOffsetOf(calsync_sealer_object, std);
    sealer_handlers.free_obj = sealer_free;
    sealer_handlers.clone_obj = NULL;
}

static calsync_sealer_object *this_sealer(zval *this_zv)
{
    calsync_sealer_object *o = calsync_sealer_from_obj(Z_OBJ_P(this_zv));
    if (!o->ready) {
        zend_throw_error(NULL, "Calsync\\Sealer object is not initialized");
        return NULL;
    }
    return o;
}

ZEND_METHOD(Calsync_Sealer, __construct)
{
    zend_string *secret;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(secret)
    ZEND_PARSE_PARAMETERS_END();

    calsync_sealer_object *o = calsync_sealer_from_obj(Z_OBJ_P(ZEND_THIS));
    calsync_error err;
    calsync_error_reset(&err);
    o->ready = false;
    if (ZSTR_LEN(secret) < CALSYNC_SEAL_SECRET_MIN) {
        zend_argument_value_error(1, "must be at least %d bytes long", CALSYNC_SEAL_SECRET_MIN);
        RETURN_THROWS();
    }
    if (calsync_seal_derive_key(o->key, (const unsigned char *)ZSTR_VAL(secret), ZSTR_LEN(secret),
                                &err) != CALSYNC_OK) {
        ZEND_SECURE_ZERO(o->key, sizeof o->key);
        calsync_throw_arg(&err, 1, "was refused");
        RETURN_THROWS();
    }

    /* The header exposes the key id only inside sealed text
     * ("cs1.<key id>.<data>"): seal nothing once and read it there, so the
     * id is always the core's own. */
    char buf[128];
    size_t len = 0;
    if (calsync_seal(buf, sizeof buf, &len, o->key, "", 0, (const unsigned char *)"", 0, &err) !=
        CALSYNC_OK) {
        ZEND_SECURE_ZERO(o->key, sizeof o->key);
        calsync_throw(&err);
        RETURN_THROWS();
    }
    if (len < 13 || memcmp(buf, "cs1.", 4) != 0 || buf[12] != '.') {
        ZEND_SECURE_ZERO(o->key, sizeof o->key);
        zend_throw_exception(calsync_ce_exception, "sealed text has an unexpected format",
                             CALSYNC_ERR_SEAL_FORMAT);
        RETURN_THROWS();
    }
    memcpy(o->key_id, buf + 4, 8);
    o->key_id[8] = '\0';
    o->ready = true;
}

ZEND_METHOD(Calsync_Sealer, seal)
{
    zend_string *plain, *context;
    ZEND_PARSE_PARAMETERS_START(2, 2)
    Z_PARAM_STR(plain)
    Z_PARAM_STR(context)
    ZEND_PARSE_PARAMETERS_END();

    calsync_sealer_object *o = this_sealer(ZEND_THIS);
    if (o == NULL)
        RETURN_THROWS();
    if (ZSTR_LEN(plain) > CALSYNC_SEAL_MAX_PLAIN) {
        zend_argument_value_error(1, "must be at most %u bytes long", CALSYNC_SEAL_MAX_PLAIN);
        RETURN_THROWS();
    }
    size_t cap = calsync_seal_size(ZSTR_LEN(plain));
    zend_string *out = zend_string_alloc(cap - 1, 0);
    size_t len = 0;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_seal(ZSTR_VAL(out), cap, &len, o->key, ZSTR_VAL(context), ZSTR_LEN(context),
                     (const unsigned char *)ZSTR_VAL(plain), ZSTR_LEN(plain), &err) != CALSYNC_OK) {
        zend_string_efree(out);
        calsync_throw(&err);
        RETURN_THROWS();
    }
    if (len != cap - 1)
        out = zend_string_truncate(out, len, 0);
    ZSTR_VAL(out)[len] = '\0';
    RETURN_NEW_STR(out);
}

ZEND_METHOD(Calsync_Sealer, open)
{
    zend_string *sealed, *context;
    ZEND_PARSE_PARAMETERS_START(2, 2)
    Z_PARAM_STR(sealed)
    Z_PARAM_STR(context)
    ZEND_PARSE_PARAMETERS_END();

    calsync_sealer_object *o = this_sealer(ZEND_THIS);
    if (o == NULL)
        RETURN_THROWS();
    /* The header promises cap >= sealed_len is enough.  GCM writes
     * plaintext before it checks the tag, so the scratch buffer is wiped
     * on every path. */
    size_t cap = ZSTR_LEN(sealed) + 1;
    unsigned char *buf = emalloc(cap);
    size_t len = 0;
    calsync_error err;
    calsync_error_reset(&err);
    int rc = calsync_open(buf, cap, &len, o->key, ZSTR_VAL(context), ZSTR_LEN(context),
                          ZSTR_VAL(sealed), ZSTR_LEN(sealed), &err);
    if (rc == CALSYNC_OK)
        RETVAL_STRINGL((const char *)buf, len);
    ZEND_SECURE_ZERO(buf, cap);
    efree(buf);
    if (rc != CALSYNC_OK) {
        calsync_throw(&err);
        RETURN_THROWS();
    }
}

ZEND_METHOD(Calsync_Sealer, keyId)
{
    ZEND_PARSE_PARAMETERS_NONE();
    calsync_sealer_object *o = this_sealer(ZEND_THIS);
    if (o == NULL)
        RETURN_THROWS();
    RETURN_STRINGL(o->key_id, 8);
}
