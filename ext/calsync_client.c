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
 * of the token or the base URL. */
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
        zend_throw_error(NULL, "Calsync\\Client object is not initialized");
    return o->client;
}

/* ---- arguments ------------------------------------------------------------- */

/* Path parameters go into the URL as they are, so only the characters of
 * a UUID are let through: no '/', '?', '%' or '.' can change the path. */
static bool check_uuid(const zend_string *s, uint32_t arg)
{
    if (ZSTR_LEN(s) == 0) {
        zend_argument_value_error(arg, "must not be empty");
        return false;
    }
    for (size_t i = 0; i < ZSTR_LEN(s); i++) {
        unsigned char b = (unsigned char)ZSTR_VAL(s)[i];
        if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
              b == '-' || b == '_')) {
            zend_argument_value_error(arg,
                                      "must be a UUID (letters, digits, \"-\" and \"_\" only)");
            return false;
        }
    }
    return true;
}

/* Appends bytes percent-encoded by the core. */
static bool append_encoded(smart_str *buf, const char *s, size_t len, uint32_t arg)
{
    if (len > (INT_MAX - 1) / 3) {
        zend_argument_value_error(arg, "is too long for a URL");
        return false;
    }
    size_t cap = len * 3 + 1;
    smart_str_alloc(buf, cap, 0);
    int n = calsync_url_encode(ZSTR_VAL(buf->s) + ZSTR_LEN(buf->s), cap, s, len);
    if (n < 0) {
        zend_argument_value_error(arg, "is too long for a URL");
        return false;
    }
    ZSTR_LEN(buf->s) += (size_t)n;
    return true;
}

static bool append_pair(smart_str *buf, char *sep, const char *key, size_t key_len,
                        const char *value, size_t value_len, uint32_t arg)
{
    smart_str_appendc(buf, *sep);
    *sep = '&';
    if (!append_encoded(buf, key, key_len, arg))
        return false;
    smart_str_appendc(buf, '=');
    return append_encoded(buf, value, value_len, arg);
}

/*
 * Appends $query (argument arg) and the page token to a path: keys and
 * values encoded, in array order, null values left out, booleans as
 * "true"/"false".  Throws (and returns false) on a key that is not a
 * non-empty string or a value that is not scalar or null.
 */
static bool append_query(smart_str *buf, HashTable *query, uint32_t arg,
                         const zend_string *page_token, uint32_t token_arg)
{
    char sep = '?';
    zend_string *key;
    zval *v;
    if (query != NULL) {
        ZEND_HASH_FOREACH_STR_KEY_VAL(query, key, v)
        {
            if (key == NULL) {
                zend_argument_value_error(arg,
                                          "must have only string keys (query parameter names)");
                return false;
            }
            if (ZSTR_LEN(key) == 0) {
                zend_argument_value_error(arg, "must not have an empty key");
                return false;
            }
            if (page_token != NULL && zend_string_equals_literal(key, "page_token")) {
                zend_argument_value_error(arg,
                                          "must not hold \"page_token\" when $pageToken is given");
                return false;
            }
            ZVAL_DEREF(v);
            bool ok;
            switch (Z_TYPE_P(v)) {
            case IS_NULL:
                continue;
            case IS_TRUE:
                ok = append_pair(buf, &sep, ZSTR_VAL(key), ZSTR_LEN(key), "true", 4, arg);
                break;
            case IS_FALSE:
                ok = append_pair(buf, &sep, ZSTR_VAL(key), ZSTR_LEN(key), "false", 5, arg);
                break;
            case IS_LONG:
            case IS_DOUBLE:
            case IS_STRING: {
                zend_string *tmp;
                zend_string *s = zval_get_tmp_string(v, &tmp);
                ok = append_pair(buf, &sep, ZSTR_VAL(key), ZSTR_LEN(key), ZSTR_VAL(s), ZSTR_LEN(s),
                                 arg);
                zend_tmp_string_release(tmp);
                break;
            }
            default:
                zend_argument_type_error(arg,
                                         "must contain only scalar or null values, %s given for "
                                         "key \"%s\"",
                                         zend_zval_type_name(v), ZSTR_VAL(key));
                return false;
            }
            if (!ok)
                return false;
        }
        ZEND_HASH_FOREACH_END();
    }
    if (page_token != NULL) {
        if (ZSTR_LEN(page_token) == 0) {
            zend_argument_value_error(token_arg, "must not be empty (use null for the first page)");
            return false;
        }
        return append_pair(buf, &sep, "page_token", sizeof("page_token") - 1, ZSTR_VAL(page_token),
                           ZSTR_LEN(page_token), token_arg);
    }
    return true;
}

/* ---- answers --------------------------------------------------------------- */

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

/* The "resource" member of a single-resource answer, as an array. */
static bool resource_to_array(zval *dst, const char *json, size_t len, calsync_error *err)
{
    zval root;
    if (!json_to_array(&root, json, len, err))
        return false;
    zval *res = zend_hash_str_find(Z_ARRVAL(root), "resource", sizeof("resource") - 1);
    if (res == NULL || Z_TYPE_P(res) != IS_ARRAY) {
        err->code = CALSYNC_ERR_SCHEMA;
        strcpy(err->path, "resource");
        if (res == NULL)
            strcpy(err->message, "missing");
        else
            snprintf(err->message, sizeof err->message, "expected object, got %s",
                     zend_zval_type_name(res));
        zval_ptr_dtor(&root);
        return false;
    }
    ZVAL_COPY(dst, res);
    zval_ptr_dtor(&root);
    return true;
}

static calsync_str str_of(const char *ptr, size_t len)
{
    calsync_str s;
    s.ptr = ptr;
    s.len = len;
    return s;
}

typedef enum item_kind { ITEM_ARRAY, ITEM_SCHEDULED_EVENT, ITEM_INVITEE } item_kind;

static bool item_to_zval(zval *dst, calsync_str json, item_kind kind, calsync_error *err)
{
    switch (kind) {
    case ITEM_SCHEDULED_EVENT: {
        calsync_sched *s = NULL;
        if (calsync_sched_parse(&s, json.ptr, json.len, err) != CALSYNC_OK) {
            calsync_sched_free(s);
            return false;
        }
        object_init_ex(dst, calsync_ce_scheduled_event);
        calsync_sched_from_obj(Z_OBJ_P(dst))->sched = s;
        return true;
    }
    case ITEM_INVITEE: {
        calsync_event *ev = NULL;
        if (calsync_event_parse_rest_invitee(&ev, json.ptr, json.len, err) != CALSYNC_OK) {
            calsync_event_free(ev);
            return false;
        }
        object_init_ex(dst, calsync_ce_event);
        calsync_event_from_obj(Z_OBJ_P(dst))->event = ev;
        return true;
    }
    case ITEM_ARRAY:
        break;
    }
    return json_to_array(dst, json.ptr, json.len, err);
}

/* An item's error names its place in the answer: "collection[3].start_time"
 * (the message stays the bare reason). */
static void locate_in_collection(calsync_error *err, size_t i)
{
    char path[sizeof err->path];
    size_t plen = strnlen(err->path, sizeof err->path);
    int n = snprintf(path, sizeof path, "collection[%zu]%s%.*s", i, plen > 0 ? "." : "", (int)plen,
                     err->path);
    if (n < 0)
        return;
    memcpy(err->path, path, sizeof path);
}

/* GET a list and build ["items" => [...], "next_page_token" => ?string]. */
static void list_into(zval *return_value, calsync_client *c, const char *path_and_query,
                      item_kind kind)
{
    calsync_page *page = NULL;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_client_list(&page, c, path_and_query, &err) != CALSYNC_OK) {
        calsync_page_free(page);
        calsync_throw(&err);
        return;
    }
    size_t n = calsync_page_count(page);
    zval items;
    array_init_size(&items, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        zval item;
        if (!item_to_zval(&item, calsync_page_item_json(page, i), kind, &err)) {
            locate_in_collection(&err, i);
            zval_ptr_dtor(&items);
            calsync_page_free(page);
            calsync_throw(&err);
            return;
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

/* One call; on success *body is owned (free()).  Throws on failure. */
static bool request(char **body, size_t *len, calsync_client *c, const char *method,
                    const char *path, const char *req_body, size_t req_len)
{
    calsync_error err;
    calsync_error_reset(&err);
    int status = 0;
    if (calsync_client_request(body, len, &status, c, method, path, req_body, req_len, &err) !=
        CALSYNC_OK) {
        free(*body);
        *body = NULL;
        calsync_throw(&err);
        return false;
    }
    return true;
}

/* GET or POST, then the answer's "resource" as an array. */
static void resource_call(zval *return_value, calsync_client *c, const char *method,
                          const char *path, const char *req_body, size_t req_len)
{
    char *body = NULL;
    size_t len = 0;
    if (!request(&body, &len, c, method, path, req_body, req_len))
        return;
    calsync_error err;
    calsync_error_reset(&err);
    bool ok = resource_to_array(return_value, body, len, &err);
    free(body);
    if (!ok)
        calsync_throw(&err);
}

static void delete_call(calsync_client *c, const char *path)
{
    char *body = NULL;
    size_t len = 0;
    if (request(&body, &len, c, "DELETE", path, NULL, 0))
        free(body);
}

/* "/prefix" + encoded query + page token; false (thrown) on a bad query. */
static bool list_path(smart_str *path, const char *prefix, HashTable *query, uint32_t arg,
                      const zend_string *page_token, uint32_t token_arg)
{
    smart_str_appends(path, prefix);
    if (!append_query(path, query, arg, page_token, token_arg)) {
        smart_str_free(path);
        return false;
    }
    smart_str_0(path);
    return true;
}

/* ---- JSON bodies ----------------------------------------------------------- */

#define JSON_FLAGS (PHP_JSON_UNESCAPED_SLASHES | PHP_JSON_UNESCAPED_UNICODE)

/* Appends a JSON string; a string that is not UTF-8 is a ValueError. */
static bool json_put_string(smart_str *buf, const char *s, size_t len, uint32_t arg)
{
    zend_string *enc = php_json_encode_string(s, len, JSON_FLAGS);
    if (enc == NULL) {
        zend_argument_value_error(arg, "must be valid UTF-8");
        return false;
    }
    smart_str_append(buf, enc);
    ZEND_SECURE_ZERO(ZSTR_VAL(enc), ZSTR_LEN(enc)); /* may be the signing key */
    zend_string_release(enc);
    return true;
}

/* A body that may hold a secret: wiped before it is freed.  It is sized
 * up front so that no realloc leaves a copy behind. */
static void body_free(smart_str *buf)
{
    if (buf->s != NULL)
        ZEND_SECURE_ZERO(ZSTR_VAL(buf->s), ZSTR_LEN(buf->s));
    smart_str_free(buf);
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

/* One option: its name, and where it goes in calsync_client_options. */
static bool set_option(calsync_client_options *opts, const zend_string *key, zval *v)
{
    long *ms = NULL;
    const char **str = NULL;
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
    else if (!zend_string_equals_literal(key, "max_retries")) {
        zend_argument_value_error(3, "has an unknown option \"%s\"", ZSTR_VAL(key));
        return false;
    }

    ZVAL_DEREF(v);
    if (str != NULL) {
        if (Z_TYPE_P(v) != IS_STRING) {
            zend_argument_type_error(3, "option \"%s\" must be of type string, %s given",
                                     ZSTR_VAL(key), zend_zval_type_name(v));
            return false;
        }
        if (Z_STRLEN_P(v) == 0 || zend_str_has_nul_byte(Z_STR_P(v))) {
            zend_argument_value_error(
                3, "option \"%s\" must be a non-empty string without null bytes", ZSTR_VAL(key));
            return false;
        }
        *str = Z_STRVAL_P(v); /* libcurl copies it in calsync_client_new */
        return true;
    }
    if (Z_TYPE_P(v) != IS_LONG) {
        zend_argument_type_error(3, "option \"%s\" must be of type int, %s given", ZSTR_VAL(key),
                                 zend_zval_type_name(v));
        return false;
    }
    zend_long n = Z_LVAL_P(v);
    if (ms != NULL) {
        /* The core reads 0 as "default": refuse it rather than surprise. */
        if (n <= 0) {
            zend_argument_value_error(3, "option \"%s\" must be greater than 0", ZSTR_VAL(key));
            return false;
        }
        *ms = (long)n;
        return true;
    }
    if (n < 0 || n > INT_MAX) {
        zend_argument_value_error(3, "option \"max_retries\" must be between 0 and %d", INT_MAX);
        return false;
    }
    opts->max_retries = (int)n;
    return true;
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

    if (ZSTR_LEN(base_url) == 0) {
        zend_argument_value_error(1, "must not be empty");
        RETURN_THROWS();
    }
    if (ZSTR_LEN(token) == 0) {
        zend_argument_value_error(2, "must not be empty");
        RETURN_THROWS();
    }
    /* zend_strings are NUL-terminated; an inner NUL would cut the copy. */
    if (!no_nul(base_url, 1) || !no_nul(token, 2))
        RETURN_THROWS();

    calsync_client_options opts;
    memset(&opts, 0, sizeof opts);
    opts.base_url = ZSTR_VAL(base_url);
    opts.token = ZSTR_VAL(token);
    opts.max_retries = -1; /* the core's default */
    if (options != NULL) {
        zend_string *key;
        zval *v;
        ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, v)
        {
            if (key == NULL) {
                zend_argument_value_error(3, "must have only string keys (option names)");
                RETURN_THROWS();
            }
            if (!set_option(&opts, key, v))
                RETURN_THROWS();
        }
        ZEND_HASH_FOREACH_END();
    }

    calsync_client *c = NULL;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_client_new(&c, &opts, &err) != CALSYNC_OK) {
        calsync_client_free(c);
        /* ARGUMENT: a ValueError whose message names the argument or
         * option (never the token's value), led by the method's name. */
        calsync_throw(&err);
        RETURN_THROWS();
    }
    calsync_client_object *o = calsync_client_from_obj(Z_OBJ_P(ZEND_THIS));
    calsync_client_free(o->client); /* __construct() called again */
    o->client = c;
}

ZEND_METHOD(Calsync_Client, currentUser)
{
    ZEND_PARSE_PARAMETERS_NONE();
    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    resource_call(return_value, c, "GET", "/users/me", NULL, 0);
}

/* The three lists whose items differ only in kind. */
static void list_method(INTERNAL_FUNCTION_PARAMETERS, const char *prefix, item_kind kind)
{
    HashTable *query;
    zend_string *page_token = NULL;
    ZEND_PARSE_PARAMETERS_START(1, 2)
    Z_PARAM_ARRAY_HT(query)
    Z_PARAM_OPTIONAL
    Z_PARAM_STR_OR_NULL(page_token)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL)
        RETURN_THROWS();
    smart_str path = {0};
    if (!list_path(&path, prefix, query, 1, page_token, 2))
        RETURN_THROWS();
    list_into(return_value, c, ZSTR_VAL(path.s), kind);
    smart_str_free(&path);
}

ZEND_METHOD(Calsync_Client, eventTypes)
{
    list_method(INTERNAL_FUNCTION_PARAM_PASSTHRU, "/event_types", ITEM_ARRAY);
}

ZEND_METHOD(Calsync_Client, scheduledEvents)
{
    list_method(INTERNAL_FUNCTION_PARAM_PASSTHRU, "/scheduled_events", ITEM_SCHEDULED_EVENT);
}

ZEND_METHOD(Calsync_Client, subscriptions)
{
    list_method(INTERNAL_FUNCTION_PARAM_PASSTHRU, "/webhook_subscriptions", ITEM_ARRAY);
}

ZEND_METHOD(Calsync_Client, scheduledEvent)
{
    zend_string *uuid;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(uuid)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL || !check_uuid(uuid, 1))
        RETURN_THROWS();
    smart_str path = {0};
    smart_str_appends(&path, "/scheduled_events/");
    smart_str_append(&path, uuid);
    smart_str_0(&path);
    char *body = NULL;
    size_t len = 0;
    bool ok = request(&body, &len, c, "GET", ZSTR_VAL(path.s), NULL, 0);
    smart_str_free(&path);
    if (!ok)
        RETURN_THROWS();
    calsync_error err;
    calsync_error_reset(&err);
    bool parsed = item_to_zval(return_value, str_of(body, len), ITEM_SCHEDULED_EVENT, &err);
    free(body);
    if (!parsed)
        calsync_throw(&err);
}

ZEND_METHOD(Calsync_Client, invitees)
{
    zend_string *event_uuid, *page_token = NULL;
    HashTable *query = NULL;
    ZEND_PARSE_PARAMETERS_START(1, 3)
    Z_PARAM_STR(event_uuid)
    Z_PARAM_OPTIONAL
    Z_PARAM_ARRAY_HT(query)
    Z_PARAM_STR_OR_NULL(page_token)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL || !check_uuid(event_uuid, 1))
        RETURN_THROWS();
    smart_str path = {0};
    smart_str_appends(&path, "/scheduled_events/");
    smart_str_append(&path, event_uuid);
    if (!list_path(&path, "/invitees", query, 2, page_token, 3))
        RETURN_THROWS();
    list_into(return_value, c, ZSTR_VAL(path.s), ITEM_INVITEE);
    smart_str_free(&path);
}

ZEND_METHOD(Calsync_Client, invitee)
{
    zend_string *event_uuid, *invitee_uuid;
    ZEND_PARSE_PARAMETERS_START(2, 2)
    Z_PARAM_STR(event_uuid)
    Z_PARAM_STR(invitee_uuid)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL || !check_uuid(event_uuid, 1) || !check_uuid(invitee_uuid, 2))
        RETURN_THROWS();
    smart_str path = {0};
    smart_str_appends(&path, "/scheduled_events/");
    smart_str_append(&path, event_uuid);
    smart_str_appends(&path, "/invitees/");
    smart_str_append(&path, invitee_uuid);
    smart_str_0(&path);
    char *body = NULL;
    size_t len = 0;
    bool ok = request(&body, &len, c, "GET", ZSTR_VAL(path.s), NULL, 0);
    smart_str_free(&path);
    if (!ok)
        RETURN_THROWS();
    calsync_error err;
    calsync_error_reset(&err);
    bool parsed = item_to_zval(return_value, str_of(body, len), ITEM_INVITEE, &err);
    free(body);
    if (!parsed)
        calsync_throw(&err);
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
    static const char *const names[] = {"url", NULL, "organization", "scope", "user"};
    const zend_string *required[] = {url, NULL, organization, scope, NULL, signing_key};
    for (uint32_t i = 0; i < 6; i++) {
        if (required[i] != NULL && ZSTR_LEN(required[i]) == 0) {
            zend_argument_value_error(i + 1, "must not be empty");
            RETURN_THROWS();
        }
    }
    if (zend_hash_num_elements(events) == 0) {
        zend_argument_value_error(2, "must not be empty");
        RETURN_THROWS();
    }
    /* Room for every string escaped at worst (6 bytes a byte) and the
     * punctuation, so that the buffer never moves (see body_free). */
    size_t need = 96 + 6 * (ZSTR_LEN(url) + ZSTR_LEN(organization) + ZSTR_LEN(scope) +
                            (user != NULL ? ZSTR_LEN(user) : 0) + ZSTR_LEN(signing_key));
    zval *ev;
    ZEND_HASH_FOREACH_VAL(events, ev)
    {
        ZVAL_DEREF(ev);
        if (Z_TYPE_P(ev) != IS_STRING) {
            zend_argument_type_error(2, "must contain only strings, %s given",
                                     zend_zval_type_name(ev));
            RETURN_THROWS();
        }
        need += 6 * Z_STRLEN_P(ev) + 3;
    }
    ZEND_HASH_FOREACH_END();

    smart_str body = {0};
    smart_str_alloc(&body, need, 0);
    const zend_string *strings[] = {url, NULL, organization, scope, user};
    bool ok = true;
    smart_str_appendc(&body, '{');
    for (uint32_t i = 0; ok && i < 5; i++) {
        if (i == 1) {
            smart_str_appends(&body, "\"events\":[");
            bool first = true;
            ZEND_HASH_FOREACH_VAL(events, ev)
            {
                ZVAL_DEREF(ev);
                if (!first)
                    smart_str_appendc(&body, ',');
                first = false;
                if (!(ok = json_put_string(&body, Z_STRVAL_P(ev), Z_STRLEN_P(ev), 2)))
                    break;
            }
            ZEND_HASH_FOREACH_END();
            smart_str_appends(&body, "],");
            continue;
        }
        if (strings[i] == NULL)
            continue; /* no user: scope is not "user" */
        smart_str_appendc(&body, '"');
        smart_str_appends(&body, names[i]);
        smart_str_appends(&body, "\":");
        ok = json_put_string(&body, ZSTR_VAL(strings[i]), ZSTR_LEN(strings[i]), i + 1);
        smart_str_appendc(&body, ',');
    }
    if (ok) {
        smart_str_appends(&body, "\"signing_key\":");
        ok = json_put_string(&body, ZSTR_VAL(signing_key), ZSTR_LEN(signing_key), 6);
        smart_str_appendc(&body, '}');
    }
    if (ok) {
        smart_str_0(&body);
        resource_call(return_value, c, "POST", "/webhook_subscriptions", ZSTR_VAL(body.s),
                      ZSTR_LEN(body.s));
    }
    body_free(&body);
}

/* The methods that take one UUID and GET or DELETE prefix + UUID. */
static void uuid_call(INTERNAL_FUNCTION_PARAMETERS, const char *prefix, bool is_delete)
{
    zend_string *uuid;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(uuid)
    ZEND_PARSE_PARAMETERS_END();

    calsync_client *c = this_client(ZEND_THIS);
    if (c == NULL || !check_uuid(uuid, 1))
        RETURN_THROWS();
    smart_str path = {0};
    smart_str_appends(&path, prefix);
    smart_str_append(&path, uuid);
    smart_str_0(&path);
    if (is_delete)
        delete_call(c, ZSTR_VAL(path.s));
    else
        resource_call(return_value, c, "GET", ZSTR_VAL(path.s), NULL, 0);
    smart_str_free(&path);
}

ZEND_METHOD(Calsync_Client, subscription)
{
    uuid_call(INTERNAL_FUNCTION_PARAM_PASSTHRU, "/webhook_subscriptions/", false);
}

ZEND_METHOD(Calsync_Client, deleteSubscription)
{
    uuid_call(INTERNAL_FUNCTION_PARAM_PASSTHRU, "/webhook_subscriptions/", true);
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
    if (ZSTR_LEN(invitee_uri) == 0) {
        zend_argument_value_error(1, "must not be empty");
        RETURN_THROWS();
    }
    smart_str body = {0};
    smart_str_appends(&body, "{\"invitee\":");
    if (json_put_string(&body, ZSTR_VAL(invitee_uri), ZSTR_LEN(invitee_uri), 1)) {
        smart_str_appendc(&body, '}');
        smart_str_0(&body);
        resource_call(return_value, c, "POST", "/invitee_no_shows", ZSTR_VAL(body.s),
                      ZSTR_LEN(body.s));
    }
    smart_str_free(&body);
}

ZEND_METHOD(Calsync_Client, deleteNoShow)
{
    uuid_call(INTERNAL_FUNCTION_PARAM_PASSTHRU, "/invitee_no_shows/", true);
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
