/* SPDX-License-Identifier: MIT */
/* Calsync\Client: the core's Calendly REST client as a PHP object; arguments in, answers out. */
#include "calsync_glue.h"

#include "ext/json/php_json.h"
#include "ext/json/php_json_parser.h"
#include "zend_smart_str.h"

#include <limits.h>
#include <time.h>

static zend_object_handlers client_handlers;

/* ---- object lifecycle ------------------------------------------------------ */

static zend_object *client_create(zend_class_entry *ce)
{
    calsync_client_object *o = zend_object_alloc(sizeof(calsync_client_object), ce);
    o->client = NULL;
    zend_object_std_init(&o->std, ce);
    object_properties_init(&o->std, ce);
    o->std.handlers = &client_handlers;
    return &o->std;
}

static void client_free(zend_object *obj)
{
    calsync_client_object *o = calsync_client_from_obj(obj);
    calsync_client_free(o->client); /* wipes its copy of the token */
    o->client = NULL;
    zend_object_std_dtor(obj);
}

/* No clone: a clone would share one libcurl handle and one token copy.
 * The object has no properties, so var_dump() and print_r() show nothing
 * of the token, the client secret, the proxy credentials or the base URL:
 * the options are copied into the core and not kept in PHP.  Shared by
 * Calsync\Client and Calsync\AuthClient. */
void calsync_client_setup_class(zend_class_entry *ce)
{
    ce->create_object = client_create;
    memcpy(&client_handlers, &std_object_handlers, sizeof(zend_object_handlers));
    client_handlers.offset = XtOffsetOf(calsync_client_object, std);
    client_handlers.free_obj = client_free;
    client_handlers.clone_obj = NULL;
}

static calsync_client *this_client(zval *this_zv)
{
    calsync_client_object *o = calsync_client_from_obj(Z_OBJ_P(this_zv));
    if (o->client == NULL)
        zend_throw_error(NULL, "%s object is not initialized", ZSTR_VAL(Z_OBJCE_P(this_zv)->name));
    return o->client;
}

/* ---- PHP values to core types ------------------------------------------- */

/* Core names of the parameters, by argument position, so that the core's
 * refusal becomes the engine's "Argument #n ($name)" error. */
static const char *const uuid_params[] = {"uuid"};
static const char *const list_params[] = {"query", "page_token"};
static const char *const invitees_params[] = {"event_uuid", "query", "page_token"};
static const char *const invitee_params[] = {"event_uuid", "invitee_uuid"};
static const char *const subscription_params[] = {"url",   "events", "organization",
                                                  "scope", "user",   "signing_key"};
static const char *const no_show_params[] = {"invitee_uri"};

#define NPARAMS(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static calsync_str zstr_or_absent(const zend_string *s)
{
    calsync_str r = {NULL, 0};
    if (s != NULL)
        r = calsync_str_from_zstr(s);
    return r;
}

/* A query array as core parameters: string keys, values as text
 * (booleans "true"/"false", numbers in PHP's form), null values left out.
 * The texts live in *texts (released by query_free).  Throws and returns
 * false on a key that is not a string or a value that is not scalar. */
typedef struct query {
    calsync_param *params;
    zend_string **texts;
    size_t n;
} query;

static void query_free(query *q)
{
    for (size_t i = 0; i < q->n; i++)
        zend_string_release(q->texts[i]);
    if (q->params != NULL)
        efree(q->params);
    if (q->texts != NULL)
        efree(q->texts);
    q->params = NULL;
    q->texts = NULL;
    q->n = 0;
}

static bool query_from_array(query *q, HashTable *ht, uint32_t arg)
{
    q->params = NULL;
    q->texts = NULL;
    q->n = 0;
    if (ht == NULL || zend_hash_num_elements(ht) == 0)
        return true;
    uint32_t cap = zend_hash_num_elements(ht);
    q->params = safe_emalloc(cap, sizeof *q->params, 0);
    q->texts = safe_emalloc(cap, sizeof *q->texts, 0);
    zend_string *key;
    zval *v;
    ZEND_HASH_FOREACH_STR_KEY_VAL(ht, key, v)
    {
        if (key == NULL) {
            zend_argument_value_error(arg, "must have only string keys (query parameter names)");
            goto fail;
        }
        ZVAL_DEREF(v);
        zend_string *text;
        switch (Z_TYPE_P(v)) {
        case IS_NULL:
            continue;
        case IS_TRUE:
            text = zend_string_init("true", 4, 0);
            break;
        case IS_FALSE:
            text = zend_string_init("false", 5, 0);
            break;
        case IS_LONG:
        case IS_DOUBLE:
        case IS_STRING:
            text = zval_get_string(v);
            break;
        default:
            zend_argument_type_error(arg,
                                     "must contain only scalar or null values, %s given for key "
                                     "\"%s\"",
                                     zend_zval_type_name(v), ZSTR_VAL(key));
            goto fail;
        }
        q->texts[q->n] = text;
        q->params[q->n].name = calsync_str_from_zstr(key);
        q->params[q->n].value = calsync_str_from_zstr(text);
        q->n++;
    }
    ZEND_HASH_FOREACH_END();
    return true;
fail:
    query_free(q);
    return false;
}

/* ---- core results to PHP values ------------------------------------------ */

/* Decodes a JSON object into an array with ext/json's parser (called
 * directly, so json_last_error() is left alone).  Fills err on failure. */
static bool json_to_array(zval *dst, const char *json, size_t len, calsync_error *err)
{
    php_json_parser parser;
    php_json_parser_init(&parser, dst, json, len, PHP_JSON_OBJECT_AS_ARRAY,
                         PHP_JSON_PARSER_DEFAULT_DEPTH);
    if (php_json_parse(&parser) != 0) {
        ZVAL_NULL(dst);
        err->code = CALSYNC_ERR_JSON;
        const char *why;
        switch (php_json_parser_error_code(&parser)) {
        case PHP_JSON_ERROR_DEPTH:
            why = "nested too deeply";
            break;
        case PHP_JSON_ERROR_UTF8:
        case PHP_JSON_ERROR_UTF16:
            why = "malformed UTF-8 or UTF-16";
            break;
        default:
            why = "syntax error";
            break;
        }
        snprintf(err->message, sizeof err->message, "the answer is not valid JSON: %s", why);
        return false;
    }
    if (Z_TYPE_P(dst) != IS_ARRAY) {
        err->code = CALSYNC_ERR_SCHEMA;
        snprintf(err->message, sizeof err->message, "expected object, got %s",
                 zend_zval_type_name(dst));
        zval_ptr_dtor(dst);
        ZVAL_NULL(dst);
        return false;
    }
    return true;
}

/* A resource answer (owned JSON from the core) as an array. */
static void json_result(zval *return_value, char *json, size_t len)
{
    calsync_error err;
    calsync_error_reset(&err);
    bool ok = json_to_array(return_value, json, len, &err);
    free(json);
    if (!ok)
        calsync_throw(&err);
}

typedef enum item_kind { ITEM_ARRAY, ITEM_SCHEDULED_EVENT, ITEM_INVITEE } item_kind;

static void sched_to_zval(zval *dst, calsync_sched *s)
{
    object_init_ex(dst, calsync_ce_scheduled_event);
    calsync_sched_from_obj(Z_OBJ_P(dst))->sched = s;
}

static void invitee_to_zval(zval *dst, calsync_event *ev)
{
    object_init_ex(dst, calsync_ce_event);
    calsync_event_from_obj(Z_OBJ_P(dst))->event = ev;
}

/* A page as ["items" => [...], "next_page_token" => ?string]; frees it. */
static void page_result(zval *return_value, calsync_page *page, item_kind kind)
{
    size_t n = calsync_page_count(page);
    zval items;
    array_init_size(&items, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        zval item;
        if (kind == ITEM_SCHEDULED_EVENT) {
            sched_to_zval(&item, calsync_page_take_sched(page, i));
        } else if (kind == ITEM_INVITEE) {
            invitee_to_zval(&item, calsync_page_take_invitee(page, i));
        } else {
            calsync_error err;
            calsync_error_reset(&err);
            calsync_str js = calsync_page_item_json(page, i);
            if (!json_to_array(&item, js.ptr, js.len, &err)) {
                zval_ptr_dtor(&items);
                calsync_page_free(page);
                calsync_throw(&err);
                return;
            }
        }
        zend_hash_next_index_insert_new(Z_ARRVAL(items), &item);
    }
    zval token;
    calsync_zval_str(&token, calsync_page_next_token(page));
    calsync_page_free(page);
    array_init_size(return_value, 2);
    CALSYNC_ADD(Z_ARRVAL_P(return_value), "items", &items);
    CALSYNC_ADD(Z_ARRVAL_P(return_value), "next_page_token", &token);
}

/* ---- Calsync\Client ---------------------------------------------------------- */

static bool no_nul(const zend_string *s, uint32_t arg)
{
    if (zend_str_has_nul_byte(s)) {
        zend_argument_value_error(arg, "must not contain any null bytes");
        return false;
    }
    return true;
}

/* One option: its name, and where it goes in calsync_client_options.
 * `arg` is the position of $options.  The proxy options take "" (or
 * null) for "none", so that an unset setting can be passed as it is. */
static bool set_option(calsync_client_options *opts, const zend_string *key, zval *v, uint32_t arg)
{
    long *ms = NULL;
    const char **str = NULL;
    bool proxy = false;
    if (zend_string_equals_literal(key, "connect_timeout_ms"))
        ms = &opts->connect_timeout_ms;
    else if (zend_string_equals_literal(key, "timeout_ms"))
        ms = &opts->timeout_ms;
    else if (zend_string_equals_literal(key, "max_wait_ms"))
        ms = &opts->max_wait_ms;
    else if (zend_string_equals_literal(key, "ca_file"))
        str = &opts->ca_file;
    else if (zend_string_equals_literal(key, "user_agent"))
        str = &opts->user_agent;
    else if (zend_string_equals_literal(key, "proxy"))
        str = &opts->proxy, proxy = true;
    else if (zend_string_equals_literal(key, "proxy_userpwd"))
        str = &opts->proxy_userpwd, proxy = true;
    else if (zend_string_equals_literal(key, "noproxy"))
        str = &opts->noproxy, proxy = true;
    else if (!zend_string_equals_literal(key, "max_retries")) {
        zend_argument_value_error(arg, "has an unknown option \"%s\"", ZSTR_VAL(key));
        return false;
    }

    ZVAL_DEREF(v);
    if (str != NULL) {
        if (proxy && (Z_TYPE_P(v) == IS_NULL || (Z_TYPE_P(v) == IS_STRING && Z_STRLEN_P(v) == 0))) {
            *str = NULL;
            return true;
        }
        if (Z_TYPE_P(v) != IS_STRING) {
            zend_argument_type_error(arg, "option \"%s\" must be of type %s, %s given",
                                     ZSTR_VAL(key), proxy ? "?string" : "string",
                                     zend_zval_type_name(v));
            return false;
        }
        if (Z_STRLEN_P(v) == 0 || zend_str_has_nul_byte(Z_STR_P(v))) {
            zend_argument_value_error(
                arg, "option \"%s\" must be a non-empty string without null bytes", ZSTR_VAL(key));
            return false;
        }
        *str = Z_STRVAL_P(v); /* copied by calsync_client_new and libcurl */
        return true;
    }
    if (Z_TYPE_P(v) != IS_LONG) {
        zend_argument_type_error(arg, "option \"%s\" must be of type int, %s given", ZSTR_VAL(key),
                                 zend_zval_type_name(v));
        return false;
    }
    zend_long n = Z_LVAL_P(v);
    if (ms != NULL) {
        /* The core reads 0 as "default": refuse it rather than surprise. */
        if (n <= 0) {
            zend_argument_value_error(arg, "option \"%s\" must be greater than 0", ZSTR_VAL(key));
            return false;
        }
        *ms = (long)n;
        return true;
    }
    if (n < 0 || n > INT_MAX) {
        zend_argument_value_error(arg, "option \"max_retries\" must be between 0 and %d", INT_MAX);
        return false;
    }
    opts->max_retries = (int)n;
    return true;
}

/* Reads $options (argument arg), makes the core client and installs it in
 * the object; false with an exception thrown. */
static bool construct_client(zval *this_zv, calsync_client_options *opts, HashTable *options,
                             uint32_t arg)
{
    opts->max_retries = -1; /* the core's default */
    if (options != NULL) {
        zend_string *key;
        zval *v;
        ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, v)
        {
            if (key == NULL) {
                zend_argument_value_error(arg, "must have only string keys (option names)");
                return false;
            }
            if (!set_option(opts, key, v, arg))
                return false;
        }
        ZEND_HASH_FOREACH_END();
    }
    calsync_client *c = NULL;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_client_new(&c, opts, &err) != CALSYNC_OK) {
        calsync_client_free(c);
        /* ARGUMENT: a ValueError whose message names the argument or
         * option (never a secret's value), led by the method's name. */
        calsync_throw(&err);
        return false;
    }
    calsync_client_object *o = calsync_client_from_obj(Z_OBJ_P(this_zv));
    calsync_client_free(o->client); /* __construct() called again */
    o->client = c;
    return true;
}

static bool non_empty_no_nul(const zend_string *s, uint32_t arg)
{
    if (ZSTR_LEN(s) == 0) {
        zend_argument_value_error(arg, "must not be empty");
        return false;
    }
    /* zend_strings are NUL-terminated; an inner NUL would cut the copy. */
    return no_nul(s, arg);
}

ZEND_METHOD(Calsync_Client, __construct)
{
    zend_string *base_url, *token;
    HashTable *options = NULL;
    ZEND_PARSE_PARAMETERS_START(2, 3)
    Z_PARAM_STR(base_url)
    Z_PARAM_STR(token)
    Z_PARAM_OPTIONAL
    Z_PARAM_ARRAY_HT(options)
    ZEND_PARSE_PARAMETERS_END();

    if (!non_empty_no_nul(base_url, 1) || !non_empty_no_nul(token, 2))
        RETURN_THROWS();
    calsync_client_options opts;
    memset(&opts, 0, sizeof opts);
    opts.kind = CALSYNC_CLIENT_API;
    opts.base_url = ZSTR_VAL(base_url);
    opts.token = ZSTR_VAL(token);
    if (!construct_client(ZEND_THIS, &opts, options, 3))
        RETURN_THROWS();
}

ZEND_METHOD(Calsync_Client, currentUser)
{
    ZEND_PARSE_PARAMETERS_NONE();
    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    char *json = NULL;
    size_t len = 0;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_api_current_user(&json, &len, c, &err) != CALSYNC_OK) {
        calsync_throw(&err);
        RETURN_THROWS();
    }
    json_result(return_value, json, len);
}

typedef int (*list_fn)(calsync_page **, calsync_client *, const calsync_param *, size_t,
                       calsync_str, calsync_error *);

/* The three lists that take ($query, $pageToken). */
static void list_method(INTERNAL_FUNCTION_PARAMETERS, list_fn fn, item_kind kind)
{
    HashTable *ht;
    zend_string *page_token = NULL;
    ZEND_PARSE_PARAMETERS_START(1, 2)
    Z_PARAM_ARRAY_HT(ht)
    Z_PARAM_OPTIONAL
    Z_PARAM_STR_OR_NULL(page_token)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    query q;
    if (c == NULL || !query_from_array(&q, ht, 1))
        RETURN_THROWS();
    calsync_page *page = NULL;
    calsync_error err;
    calsync_error_reset(&err);
    int rc = fn(&page, c, q.params, q.n, zstr_or_absent(page_token), &err);
    query_free(&q);
    if (rc != CALSYNC_OK) {
        calsync_throw_params(&err, list_params, NPARAMS(list_params));
        RETURN_THROWS();
    }
    page_result(return_value, page, kind);
}

ZEND_METHOD(Calsync_Client, eventTypes)
{
    list_method(INTERNAL_FUNCTION_PARAM_PASSTHRU, calsync_api_event_types, ITEM_ARRAY);
}

ZEND_METHOD(Calsync_Client, scheduledEvents)
{
    list_method(INTERNAL_FUNCTION_PARAM_PASSTHRU, calsync_api_scheduled_events,
                ITEM_SCHEDULED_EVENT);
}

ZEND_METHOD(Calsync_Client, subscriptions)
{
    list_method(INTERNAL_FUNCTION_PARAM_PASSTHRU, calsync_api_subscriptions, ITEM_ARRAY);
}

ZEND_METHOD(Calsync_Client, scheduledEvent)
{
    zend_string *uuid;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(uuid)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    calsync_sched *s = NULL;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_api_scheduled_event(&s, c, calsync_str_from_zstr(uuid), &err) != CALSYNC_OK) {
        calsync_throw_params(&err, uuid_params, NPARAMS(uuid_params));
        RETURN_THROWS();
    }
    sched_to_zval(return_value, s);
}

ZEND_METHOD(Calsync_Client, invitees)
{
    zend_string *event_uuid, *page_token = NULL;
    HashTable *ht = NULL;
    ZEND_PARSE_PARAMETERS_START(1, 3)
    Z_PARAM_STR(event_uuid)
    Z_PARAM_OPTIONAL
    Z_PARAM_ARRAY_HT(ht)
    Z_PARAM_STR_OR_NULL(page_token)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    query q;
    if (c == NULL || !query_from_array(&q, ht, 2))
        RETURN_THROWS();
    calsync_page *page = NULL;
    calsync_error err;
    calsync_error_reset(&err);
    int rc = calsync_api_invitees(&page, c, calsync_str_from_zstr(event_uuid), q.params, q.n,
                                  zstr_or_absent(page_token), &err);
    query_free(&q);
    if (rc != CALSYNC_OK) {
        calsync_throw_params(&err, invitees_params, NPARAMS(invitees_params));
        RETURN_THROWS();
    }
    page_result(return_value, page, ITEM_INVITEE);
}

ZEND_METHOD(Calsync_Client, invitee)
{
    zend_string *event_uuid, *invitee_uuid;
    ZEND_PARSE_PARAMETERS_START(2, 2)
    Z_PARAM_STR(event_uuid)
    Z_PARAM_STR(invitee_uuid)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    calsync_event *ev = NULL;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_api_invitee(&ev, c, calsync_str_from_zstr(event_uuid),
                            calsync_str_from_zstr(invitee_uuid), &err) != CALSYNC_OK) {
        calsync_throw_params(&err, invitee_params, NPARAMS(invitee_params));
        RETURN_THROWS();
    }
    invitee_to_zval(return_value, ev);
}

ZEND_METHOD(Calsync_Client, createSubscription)
{
    zend_string *url, *organization, *scope, *user = NULL, *signing_key;
    HashTable *events;
    ZEND_PARSE_PARAMETERS_START(6, 6)
    Z_PARAM_STR(url)
    Z_PARAM_ARRAY_HT(events)
    Z_PARAM_STR(organization)
    Z_PARAM_STR(scope)
    Z_PARAM_STR_OR_NULL(user)
    Z_PARAM_STR(signing_key)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    uint32_t n = zend_hash_num_elements(events);
    calsync_str *names = n > 0 ? safe_emalloc(n, sizeof *names, 0) : NULL;
    size_t i = 0;
    zval *ev;
    ZEND_HASH_FOREACH_VAL(events, ev)
    {
        ZVAL_DEREF(ev);
        if (Z_TYPE_P(ev) != IS_STRING) {
            zend_argument_type_error(2, "must contain only strings, %s given",
                                     zend_zval_type_name(ev));
            if (names != NULL)
                efree(names);
            RETURN_THROWS();
        }
        names[i++] = calsync_str_from_zstr(Z_STR_P(ev));
    }
    ZEND_HASH_FOREACH_END();

    calsync_subscription_request req;
    req.url = calsync_str_from_zstr(url);
    req.events = names;
    req.nevents = i;
    req.organization = calsync_str_from_zstr(organization);
    req.scope = calsync_str_from_zstr(scope);
    req.user = zstr_or_absent(user);
    req.signing_key = calsync_str_from_zstr(signing_key);
    char *json = NULL;
    size_t len = 0;
    calsync_error err;
    calsync_error_reset(&err);
    int rc = calsync_api_create_subscription(&json, &len, c, &req, &err);
    if (names != NULL)
        efree(names);
    if (rc != CALSYNC_OK) {
        calsync_throw_params(&err, subscription_params, NPARAMS(subscription_params));
        RETURN_THROWS();
    }
    json_result(return_value, json, len);
}

ZEND_METHOD(Calsync_Client, subscription)
{
    zend_string *uuid;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(uuid)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    char *json = NULL;
    size_t len = 0;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_api_subscription(&json, &len, c, calsync_str_from_zstr(uuid), &err) != CALSYNC_OK) {
        calsync_throw_params(&err, uuid_params, NPARAMS(uuid_params));
        RETURN_THROWS();
    }
    json_result(return_value, json, len);
}

typedef int (*delete_fn)(calsync_client *, calsync_str, calsync_error *);

static void delete_method(INTERNAL_FUNCTION_PARAMETERS, delete_fn fn)
{
    zend_string *uuid;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(uuid)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    calsync_error err;
    calsync_error_reset(&err);
    if (fn(c, calsync_str_from_zstr(uuid), &err) != CALSYNC_OK) {
        calsync_throw_params(&err, uuid_params, NPARAMS(uuid_params));
        RETURN_THROWS();
    }
}

ZEND_METHOD(Calsync_Client, deleteSubscription)
{
    delete_method(INTERNAL_FUNCTION_PARAM_PASSTHRU, calsync_api_delete_subscription);
}

ZEND_METHOD(Calsync_Client, createNoShow)
{
    zend_string *invitee_uri;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(invitee_uri)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    char *json = NULL;
    size_t len = 0;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_api_create_no_show(&json, &len, c, calsync_str_from_zstr(invitee_uri), &err) !=
        CALSYNC_OK) {
        calsync_throw_params(&err, no_show_params, NPARAMS(no_show_params));
        RETURN_THROWS();
    }
    json_result(return_value, json, len);
}

ZEND_METHOD(Calsync_Client, deleteNoShow)
{
    delete_method(INTERNAL_FUNCTION_PARAM_PASSTHRU, calsync_api_delete_no_show);
}

/* The core keeps the reset as a point on the monotonic clock (milliseconds). */
static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put_known(HashTable *ht, const char *key, size_t key_len, int64_t v, bool known)
{
    zval z;
    if (known)
        ZVAL_LONG(&z, (zend_long)v);
    else
        ZVAL_NULL(&z);
    zend_hash_str_add_new(ht, key, key_len, &z);
}

ZEND_METHOD(Calsync_Client, stats)
{
    ZEND_PARSE_PARAMETERS_NONE();
    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    calsync_client_stats st;
    calsync_rate_limit rate;
    calsync_client_get_stats(c, &st, &rate);

    zval z, rl;
    array_init_size(&rl, 3);
    put_known(Z_ARRVAL(rl), "limit", sizeof("limit") - 1, rate.limit, rate.limit >= 0);
    put_known(Z_ARRVAL(rl), "remaining", sizeof("remaining") - 1, rate.remaining,
              rate.remaining >= 0);
    int64_t left = rate.reset_at_ms - monotonic_ms();
    put_known(Z_ARRVAL(rl), "reset_in_ms", sizeof("reset_in_ms") - 1, left > 0 ? left : 0,
              rate.reset_at_ms != 0);

    array_init_size(return_value, 5);
    HashTable *ht = Z_ARRVAL_P(return_value);
    ZVAL_LONG(&z, (zend_long)st.requests);
    CALSYNC_ADD(ht, "requests", &z);
    ZVAL_LONG(&z, (zend_long)st.retries);
    CALSYNC_ADD(ht, "retries", &z);
    ZVAL_LONG(&z, (zend_long)st.throttled);
    CALSYNC_ADD(ht, "throttled", &z);
    ZVAL_LONG(&z, (zend_long)st.slept_ms);
    CALSYNC_ADD(ht, "slept_ms", &z);
    CALSYNC_ADD(ht, "rate_limit", &rl);
}

/* ---- Calsync\AuthClient ---------------------------------------------------- */

static const char *const exchange_params[] = {"code", "redirect_uri", "code_verifier"};
static const char *const refresh_params[] = {"refresh_token"};
static const char *const revoke_params[] = {"token"};

static void put_text(HashTable *ht, const char *key, const char *v)
{
    zval z;
    if (v != NULL)
        ZVAL_STRING(&z, v);
    else
        ZVAL_NULL(&z);
    zend_hash_str_add_new(ht, key, strlen(key), &z);
}

/* The token answer as an array; frees it. */
static void token_result(zval *return_value, calsync_oauth_token *t)
{
    array_init_size(return_value, 8);
    HashTable *ht = Z_ARRVAL_P(return_value);
    put_text(ht, "access_token", t->access_token);
    put_text(ht, "refresh_token", t->refresh_token);
    put_text(ht, "token_type", t->token_type);
    put_known(ht, "expires_in", sizeof("expires_in") - 1, t->expires_in, t->expires_in >= 0);
    put_known(ht, "created_at", sizeof("created_at") - 1, t->created_at, t->created_at >= 0);
    put_text(ht, "scope", t->scope);
    put_text(ht, "owner", t->owner);
    put_text(ht, "organization", t->organization);
    calsync_oauth_token_free(t);
}

ZEND_METHOD(Calsync_AuthClient, __construct)
{
    zend_string *base_url, *client_id, *client_secret;
    HashTable *options = NULL;
    ZEND_PARSE_PARAMETERS_START(3, 4)
    Z_PARAM_STR(base_url)
    Z_PARAM_STR(client_id)
    Z_PARAM_STR(client_secret)
    Z_PARAM_OPTIONAL
    Z_PARAM_ARRAY_HT(options)
    ZEND_PARSE_PARAMETERS_END();

    if (!non_empty_no_nul(base_url, 1) || !non_empty_no_nul(client_id, 2) ||
        !non_empty_no_nul(client_secret, 3))
        RETURN_THROWS();
    calsync_client_options opts;
    memset(&opts, 0, sizeof opts);
    opts.kind = CALSYNC_CLIENT_AUTH;
    opts.base_url = ZSTR_VAL(base_url);
    opts.client_id = ZSTR_VAL(client_id);
    opts.client_secret = ZSTR_VAL(client_secret);
    if (!construct_client(ZEND_THIS, &opts, options, 4))
        RETURN_THROWS();
}

ZEND_METHOD(Calsync_AuthClient, exchangeCode)
{
    zend_string *code, *redirect_uri, *verifier = NULL;
    ZEND_PARSE_PARAMETERS_START(2, 3)
    Z_PARAM_STR(code)
    Z_PARAM_STR(redirect_uri)
    Z_PARAM_OPTIONAL
    Z_PARAM_STR_OR_NULL(verifier)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    calsync_oauth_token *t = NULL;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_oauth_exchange_code(&t, c, calsync_str_from_zstr(code),
                                    calsync_str_from_zstr(redirect_uri), zstr_or_absent(verifier),
                                    &err) != CALSYNC_OK) {
        calsync_throw_params(&err, exchange_params, NPARAMS(exchange_params));
        RETURN_THROWS();
    }
    token_result(return_value, t);
}

ZEND_METHOD(Calsync_AuthClient, refresh)
{
    zend_string *refresh_token;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(refresh_token)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    calsync_oauth_token *t = NULL;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_oauth_refresh(&t, c, calsync_str_from_zstr(refresh_token), &err) != CALSYNC_OK) {
        calsync_throw_params(&err, refresh_params, NPARAMS(refresh_params));
        RETURN_THROWS();
    }
    token_result(return_value, t);
}

ZEND_METHOD(Calsync_AuthClient, revoke)
{
    zend_string *token;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(token)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_oauth_revoke(c, calsync_str_from_zstr(token), &err) != CALSYNC_OK) {
        calsync_throw_params(&err, revoke_params, NPARAMS(revoke_params));
        RETURN_THROWS();
    }
}
