/* SPDX-License-Identifier: MIT */
/* Calsync\Event and Calsync\ScheduledEvent: PHP objects that own a parsed core handle. */
#include "calsync_glue.h"

static zend_object_handlers event_handlers;
static zend_object_handlers sched_handlers;

/* ---- object lifecycle ---------------------------------------------------- */

static zend_object *event_create(zend_class_entry *ce)
{
    calsync_event_object *o = zend_object_alloc(sizeof(calsync_event_object), ce);
    o->event = NULL;
    zend_object_std_init(&o->std, ce);
    object_properties_init(&o->std, ce);
    o->std.handlers = &event_handlers;
    return &o->std;
}

static void event_free(zend_object *obj)
{
    calsync_event_object *o = calsync_event_from_obj(obj);
    calsync_event_free(o->event);
    o->event = NULL;
    zend_object_std_dtor(obj);
}

static zend_object *sched_create(zend_class_entry *ce)
{
    calsync_sched_object *o = zend_object_alloc(sizeof(calsync_sched_object), ce);
    o->sched = NULL;
    zend_object_std_init(&o->std, ce);
    object_properties_init(&o->std, ce);
    o->std.handlers = &sched_handlers;
    return &o->std;
}

static void sched_free(zend_object *obj)
{
    calsync_sched_object *o = calsync_sched_from_obj(obj);
    calsync_sched_free(o->sched);
    o->sched = NULL;
    zend_object_std_dtor(obj);
}

/* The core handles are immutable and not reference-counted, so a clone
 * would need a re-parse; nothing needs one, so cloning is refused
 * (clone_obj == NULL makes the engine throw "Trying to clone an
 * uncloneable object"). */
void calsync_event_setup_class(zend_class_entry *ce)
{
    ce->create_object = event_create;
    memcpy(&event_handlers, &std_object_handlers, sizeof(zend_object_handlers));
    event_handlers.offset = XtOffsetOf(calsync_event_object, std);
    event_handlers.free_obj = event_free;
    event_handlers.clone_obj = NULL;
}

void calsync_sched_setup_class(zend_class_entry *ce)
{
    ce->create_object = sched_create;
    memcpy(&sched_handlers, &std_object_handlers, sizeof(zend_object_handlers));
    sched_handlers.offset = XtOffsetOf(calsync_sched_object, std);
    sched_handlers.free_obj = sched_free;
    sched_handlers.clone_obj = NULL;
}

/* The handle behind $this; NULL (with an Error thrown) for an object that
 * parse() did not make. */
static const calsync_event *this_event(zval *this_zv)
{
    calsync_event_object *o = calsync_event_from_obj(Z_OBJ_P(this_zv));
    if (o->event == NULL)
        zend_throw_error(NULL, "Calsync\\Event object is not initialized: use Event::parse()");
    return o->event;
}

static const calsync_sched *this_sched(zval *this_zv)
{
    calsync_sched_object *o = calsync_sched_from_obj(Z_OBJ_P(this_zv));
    if (o->sched == NULL)
        zend_throw_error(
            NULL, "Calsync\\ScheduledEvent object is not initialized: use ScheduledEvent::parse()");
    return o->sched;
}

/* ---- arrays ---------------------------------------------------------------- */

static void put_str(HashTable *ht, const char *key, size_t key_len, calsync_str s)
{
    zval v;
    calsync_zval_str(&v, s);
    zend_hash_str_add_new(ht, key, key_len, &v);
}

static void put_time(HashTable *ht, const char *key, size_t key_len, int64_t us)
{
    zval v;
    calsync_zval_time(&v, us);
    zend_hash_str_add_new(ht, key, key_len, &v);
}

#define PUT_STR(ht, lit, s) put_str((ht), (lit), sizeof(lit) - 1, (s))
#define PUT_TIME(ht, lit, us) put_time((ht), (lit), sizeof(lit) - 1, (us))

void calsync_sched_to_array(zval *dst, const calsync_scheduled_event *se)
{
    array_init_size(dst, 12);
    HashTable *ht = Z_ARRVAL_P(dst);
    PUT_STR(ht, "uri", se->uri);
    PUT_STR(ht, "uuid", se->uuid);
    PUT_STR(ht, "name", se->name);
    PUT_STR(ht, "status", se->status);
    PUT_TIME(ht, "start_time", se->start_time);
    PUT_TIME(ht, "end_time", se->end_time);
    PUT_STR(ht, "event_type", se->event_type);
    PUT_STR(ht, "location_type", se->location_type);
    PUT_STR(ht, "join_url", se->join_url);

    zval hosts;
    size_t n = se->nhosts < CALSYNC_HOSTS_MAX ? se->nhosts : CALSYNC_HOSTS_MAX;
    array_init_size(&hosts, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        zval host;
        array_init_size(&host, 3);
        PUT_STR(Z_ARRVAL(host), "user_uri", se->hosts[i].user_uri);
        PUT_STR(Z_ARRVAL(host), "email", se->hosts[i].email);
        PUT_STR(Z_ARRVAL(host), "name", se->hosts[i].name);
        zend_hash_next_index_insert_new(Z_ARRVAL(hosts), &host);
    }
    CALSYNC_ADD(ht, "hosts", &hosts);
    PUT_TIME(ht, "created_at", se->created_at);
    PUT_TIME(ht, "updated_at", se->updated_at);
}

/* The core's name of a kind; a kind the core does not name (none today)
 * reads as "other". */
static const char *kind_name(calsync_event_kind kind)
{
    const char *name = calsync_event_kind_name(kind);
    return name != NULL ? name : "other";
}

static void event_to_array(zval *dst, const calsync_event_view *v)
{
    static const calsync_str absent = {NULL, 0};
    const int other = v->kind == CALSYNC_EVENT_OTHER;
    zval z;

    array_init_size(dst, 24);
    HashTable *ht = Z_ARRVAL_P(dst);
    ZVAL_STRING(&z, kind_name(v->kind));
    CALSYNC_ADD(ht, "kind", &z);
    PUT_STR(ht, "event_name", v->event_name);
    PUT_TIME(ht, "envelope_created_at", v->envelope_created_at);
    PUT_STR(ht, "created_by", v->created_by);

    /* For "other" the core leaves the invitee's fields unset: emit the
     * same keys with nulls so that every caller sees one shape. */
    PUT_STR(ht, "uri", other ? absent : v->uri);
    PUT_STR(ht, "uuid", other ? absent : v->uuid);
    PUT_STR(ht, "email", other ? absent : v->email);
    PUT_STR(ht, "name", other ? absent : v->name);
    PUT_STR(ht, "first_name", other ? absent : v->first_name);
    PUT_STR(ht, "last_name", other ? absent : v->last_name);
    if (other)
        ZVAL_NULL(&z);
    else
        ZVAL_STRING(&z, v->status == CALSYNC_INVITEE_CANCELED ? "canceled" : "active");
    CALSYNC_ADD(ht, "status", &z);
    PUT_STR(ht, "timezone", other ? absent : v->timezone);
    PUT_STR(ht, "event_uri", other ? absent : v->event_uri);
    PUT_STR(ht, "event_uuid", other ? absent : v->event_uuid);
    PUT_TIME(ht, "created_at", other ? CALSYNC_TIME_NONE : v->created_at);
    PUT_TIME(ht, "updated_at", other ? CALSYNC_TIME_NONE : v->updated_at);
    ZVAL_BOOL(&z, !other && v->rescheduled);
    CALSYNC_ADD(ht, "rescheduled", &z);
    PUT_STR(ht, "old_invitee", other ? absent : v->old_invitee);
    PUT_STR(ht, "new_invitee", other ? absent : v->new_invitee);
    PUT_STR(ht, "cancel_url", other ? absent : v->cancel_url);
    PUT_STR(ht, "reschedule_url", other ? absent : v->reschedule_url);

    if (!other && v->has_cancellation) {
        array_init_size(&z, 4);
        PUT_STR(Z_ARRVAL(z), "canceled_by", v->canceled_by);
        PUT_STR(Z_ARRVAL(z), "reason", v->cancel_reason);
        PUT_STR(Z_ARRVAL(z), "canceler_type", v->canceler_type);
        PUT_TIME(Z_ARRVAL(z), "canceled_at", v->canceled_at);
    } else {
        ZVAL_NULL(&z);
    }
    CALSYNC_ADD(ht, "cancellation", &z);

    if (!other && v->has_no_show) {
        array_init_size(&z, 3);
        PUT_STR(Z_ARRVAL(z), "uri", v->no_show_uri);
        PUT_STR(Z_ARRVAL(z), "uuid", v->no_show_uuid);
        PUT_TIME(Z_ARRVAL(z), "created_at", v->no_show_created_at);
    } else {
        ZVAL_NULL(&z);
    }
    CALSYNC_ADD(ht, "no_show", &z);

    if (!other && v->scheduled_event.present)
        calsync_sched_to_array(&z, &v->scheduled_event);
    else
        ZVAL_NULL(&z);
    CALSYNC_ADD(ht, "scheduled_event", &z);
}

/* ---- Calsync\Event ----------------------------------------------------------- */

/* Private: objects come only from parse(). */
ZEND_METHOD(Calsync_Event, __construct)
{
    (void)return_value;
    ZEND_PARSE_PARAMETERS_NONE();
}

typedef int (*event_parser)(calsync_event **, const char *, size_t, calsync_error *);

static void parse_into(zval *return_value, zend_string *json, event_parser parse)
{
    calsync_event *ev = NULL;
    calsync_error err;
    calsync_error_reset(&err);
    if (parse(&ev, ZSTR_VAL(json), ZSTR_LEN(json), &err) != CALSYNC_OK) {
        calsync_event_free(ev);
        calsync_throw(&err);
        return;
    }
    object_init_ex(return_value, calsync_ce_event);
    calsync_event_from_obj(Z_OBJ_P(return_value))->event = ev;
}

ZEND_METHOD(Calsync_Event, parse)
{
    zend_string *body;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(body)
    ZEND_PARSE_PARAMETERS_END();
    parse_into(return_value, body, calsync_event_parse);
}

ZEND_METHOD(Calsync_Event, parseRestInvitee)
{
    zend_string *json;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(json)
    ZEND_PARSE_PARAMETERS_END();
    parse_into(return_value, json, calsync_event_parse_rest_invitee);
}

ZEND_METHOD(Calsync_Event, rawDedupeKey)
{
    zend_string *body;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(body)
    ZEND_PARSE_PARAMETERS_END();

    char buf[CALSYNC_DEDUPE_KEY_LEN + 1];
    int rc = calsync_dedupe_key_raw(buf, sizeof buf, (const unsigned char *)ZSTR_VAL(body),
                                    ZSTR_LEN(body));
    if (rc < 0) {
        calsync_throw_code(rc);
        RETURN_THROWS();
    }
    RETURN_STRINGL(buf, CALSYNC_DEDUPE_KEY_LEN);
}

ZEND_METHOD(Calsync_Event, webhookEvents)
{
    ZEND_PARSE_PARAMETERS_NONE();
    array_init(return_value);
    const char *name;
    for (size_t i = 0; (name = calsync_event_webhook_name(i)) != NULL; i++)
        add_next_index_string(return_value, name);
}

ZEND_METHOD(Calsync_Event, kind)
{
    ZEND_PARSE_PARAMETERS_NONE();
    const calsync_event *ev = this_event(ZEND_THIS);
    if (ev == NULL)
        RETURN_THROWS();
    RETURN_STRING(kind_name(calsync_event_get(ev)->kind));
}

ZEND_METHOD(Calsync_Event, dedupeKey)
{
    ZEND_PARSE_PARAMETERS_NONE();
    const calsync_event *ev = this_event(ZEND_THIS);
    if (ev == NULL)
        RETURN_THROWS();
    char buf[CALSYNC_DEDUPE_KEY_LEN + 1];
    int rc = calsync_event_dedupe_key(buf, sizeof buf, ev);
    if (rc < 0) {
        calsync_throw_code(rc);
        RETURN_THROWS();
    }
    RETURN_STRINGL(buf, CALSYNC_DEDUPE_KEY_LEN);
}

ZEND_METHOD(Calsync_Event, inviteeUri)
{
    ZEND_PARSE_PARAMETERS_NONE();
    const calsync_event *ev = this_event(ZEND_THIS);
    if (ev == NULL)
        RETURN_THROWS();
    const calsync_event_view *v = calsync_event_get(ev);
    if (v->kind == CALSYNC_EVENT_OTHER || v->uri.ptr == NULL)
        RETURN_NULL();
    RETURN_STRINGL(v->uri.ptr, v->uri.len);
}

ZEND_METHOD(Calsync_Event, peerUri)
{
    ZEND_PARSE_PARAMETERS_NONE();
    const calsync_event *ev = this_event(ZEND_THIS);
    if (ev == NULL)
        RETURN_THROWS();
    const calsync_event_view *v = calsync_event_get(ev);
    if (v->kind == CALSYNC_EVENT_OTHER)
        RETURN_NULL();
    calsync_str peer = calsync_state_peer_uri(v);
    if (peer.ptr == NULL)
        RETURN_NULL();
    RETURN_STRINGL(peer.ptr, peer.len);
}

ZEND_METHOD(Calsync_Event, peerUris)
{
    ZEND_PARSE_PARAMETERS_NONE();
    const calsync_event *ev = this_event(ZEND_THIS);
    if (ev == NULL)
        RETURN_THROWS();
    calsync_str peers[CALSYNC_PEERS_MAX];
    size_t n = calsync_state_peer_uris(calsync_event_get(ev), peers);
    array_init_size(return_value, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        add_next_index_stringl(return_value, peers[i].ptr, peers[i].len);
}

ZEND_METHOD(Calsync_Event, toArray)
{
    ZEND_PARSE_PARAMETERS_NONE();
    const calsync_event *ev = this_event(ZEND_THIS);
    if (ev == NULL)
        RETURN_THROWS();
    event_to_array(return_value, calsync_event_get(ev));
}

ZEND_METHOD(Calsync_Event, redactedJson)
{
    ZEND_PARSE_PARAMETERS_NONE();
    const calsync_event *ev = this_event(ZEND_THIS);
    if (ev == NULL)
        RETURN_THROWS();
    char *json = NULL;
    size_t len = 0;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_event_redact(&json, &len, ev, &err) != CALSYNC_OK) {
        free(json);
        calsync_throw(&err);
        RETURN_THROWS();
    }
    RETVAL_STRINGL(json, len);
    free(json);
}

/* ---- Calsync\ScheduledEvent ------------------------------------------------- */

/* Private: objects come only from parse(). */
ZEND_METHOD(Calsync_ScheduledEvent, __construct)
{
    (void)return_value;
    ZEND_PARSE_PARAMETERS_NONE();
}

ZEND_METHOD(Calsync_ScheduledEvent, parse)
{
    zend_string *json;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(json)
    ZEND_PARSE_PARAMETERS_END();

    calsync_sched *s = NULL;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_sched_parse(&s, ZSTR_VAL(json), ZSTR_LEN(json), &err) != CALSYNC_OK) {
        calsync_sched_free(s);
        calsync_throw(&err);
        RETURN_THROWS();
    }
    object_init_ex(return_value, calsync_ce_scheduled_event);
    calsync_sched_from_obj(Z_OBJ_P(return_value))->sched = s;
}

ZEND_METHOD(Calsync_ScheduledEvent, uri)
{
    ZEND_PARSE_PARAMETERS_NONE();
    const calsync_sched *s = this_sched(ZEND_THIS);
    if (s == NULL)
        RETURN_THROWS();
    calsync_str uri = calsync_sched_get(s)->uri;
    RETURN_STRINGL(uri.ptr != NULL ? uri.ptr : "", uri.len);
}

ZEND_METHOD(Calsync_ScheduledEvent, toArray)
{
    ZEND_PARSE_PARAMETERS_NONE();
    const calsync_sched *s = this_sched(ZEND_THIS);
    if (s == NULL)
        RETURN_THROWS();
    calsync_sched_to_array(return_value, calsync_sched_get(s));
}
