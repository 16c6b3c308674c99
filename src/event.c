/* SPDX-License-Identifier: MIT */
/* Calendly webhook bodies and REST objects into validated, zero-copy views. */
#include "internal.h"

#include <inttypes.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

struct calsync_event {
    json_t *root; /* owns every string the view borrows */
    calsync_event_view view;
    char *host_emails; /* owns view.scheduled_event.host_emails; NULL when absent */
    /* CALSYNC_EVENT_OTHER only: the raw body is not kept, so its key is
     * taken while the body is at hand. */
    char raw_key[CALSYNC_DEDUPE_KEY_LEN + 1];
};

struct calsync_sched {
    json_t *root;
    calsync_scheduled_event view;
    char *host_emails; /* owns view.host_emails; NULL when absent */
};

/*
 * Where in the document an object sits.  Paths are only spelled out when a
 * field fails, so the success path formats nothing: a scope is a few
 * pointers on the stack.
 */
typedef struct scope {
    const struct scope *parent;
    const char *name; /* key in the parent; NULL for the top level */
    long index;       /* >= 0: element `index` of the array `name` */
    calsync_error *err;
} scope;

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int try_rc_ = (expr);                                                                      \
        if (try_rc_ != CALSYNC_OK)                                                                 \
            return try_rc_;                                                                        \
    } while (0)

#define SCOPE_DEPTH_MAX 8

static void path_append(char *buf, size_t cap, size_t *n, const char *piece, long index)
{
    int w;
    if (index >= 0)
        w = snprintf(buf + *n, cap - *n, "%s%s[%ld]", *n ? "." : "", piece, index);
    else
        w = snprintf(buf + *n, cap - *n, "%s%s", *n ? "." : "", piece);
    if (w < 0)
        return;
    *n += (size_t)w < cap - *n ? (size_t)w : cap - *n - 1;
}

/* "payload.scheduled_event.event_memberships[2].user_email"; key may be NULL
 * when the object itself is at fault. */
static void format_path(char *buf, size_t cap, const scope *sc, const char *key)
{
    const scope *chain[SCOPE_DEPTH_MAX];
    size_t depth = 0, n = 0;
    for (const scope *s = sc; s != NULL && s->name != NULL && depth < SCOPE_DEPTH_MAX;
         s = s->parent)
        chain[depth++] = s;
    buf[0] = '\0';
    while (depth > 0) {
        depth--;
        path_append(buf, cap, &n, chain[depth]->name, chain[depth]->index);
    }
    if (key != NULL)
        path_append(buf, cap, &n, key, -1);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
schema_error(const scope *sc, const char *key, const char *fmt, ...)
{
    if (sc->err == NULL)
        return CALSYNC_ERR_SCHEMA;
    char path[CALSYNC_ERROR_PATH_MAX], detail[CALSYNC_ERROR_MESSAGE_MAX];
    format_path(path, sizeof path, sc, key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    /* The message is the bare reason: the path travels in err->path only,
     * so that a caller showing both names the field once. */
    return calsync_fail(sc->err, CALSYNC_ERR_SCHEMA, path, "%s", detail);
}

static calsync_str absent(void)
{
    return calsync_str_of(NULL, 0);
}

/* Optional fields accept null and absence alike; required ones accept neither. */
static int get_str(calsync_str *out, const scope *sc, const json_t *obj, const char *key,
                   int required)
{
    json_t *v = json_object_get(obj, key);
    *out = absent();
    if (v == NULL || json_is_null(v)) {
        if (!required)
            return CALSYNC_OK;
        return v == NULL ? schema_error(sc, key, "missing")
                         : schema_error(sc, key, "expected string, got null");
    }
    if (!json_is_string(v))
        return schema_error(sc, key, "expected string%s, got %s", required ? "" : " or null",
                            calsync_json_type_name(v));
    size_t len = json_string_length(v);
    if (required && len == 0)
        return schema_error(sc, key, "expected a non-empty string");
    *out = calsync_str_of(json_string_value(v), len);
    return CALSYNC_OK;
}

static int get_time(int64_t *out, const scope *sc, const json_t *obj, const char *key, int required)
{
    json_t *v = json_object_get(obj, key);
    *out = CALSYNC_TIME_NONE;
    if (v == NULL || json_is_null(v)) {
        if (!required)
            return CALSYNC_OK;
        return v == NULL ? schema_error(sc, key, "missing")
                         : schema_error(sc, key, "expected RFC 3339 string, got null");
    }
    if (!json_is_string(v))
        return schema_error(sc, key, "expected RFC 3339 string%s, got %s",
                            required ? "" : " or null", calsync_json_type_name(v));
    calsync_error terr;
    if (calsync_time_parse(out, json_string_value(v), json_string_length(v), &terr) != CALSYNC_OK) {
        /* Keep the time parser's reason but not its generic preamble. */
        static const char preamble[] = "not an RFC 3339 date-time: ";
        const char *why = terr.message;
        if (strncmp(why, preamble, sizeof preamble - 1) == 0)
            why += sizeof preamble - 1;
        return schema_error(sc, key, "expected RFC 3339 string (%s)", why);
    }
    return CALSYNC_OK;
}

static int get_bool(int *out, const scope *sc, const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    *out = 0;
    if (v == NULL || json_is_null(v))
        return CALSYNC_OK;
    if (!json_is_boolean(v))
        return schema_error(sc, key, "expected true, false or null, got %s",
                            calsync_json_type_name(v));
    *out = json_is_true(v);
    return CALSYNC_OK;
}

static int get_obj(json_t **out, const scope *sc, const json_t *obj, const char *key, int required)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        if (!required)
            return CALSYNC_OK;
        return v == NULL ? schema_error(sc, key, "missing")
                         : schema_error(sc, key, "expected object, got null");
    }
    if (!json_is_object(v))
        return schema_error(sc, key, "expected object%s, got %s", required ? "" : " or null",
                            calsync_json_type_name(v));
    *out = v;
    return CALSYNC_OK;
}

static int get_array(json_t **out, const scope *sc, const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return CALSYNC_OK;
    if (!json_is_array(v))
        return schema_error(sc, key, "expected array or null, got %s", calsync_json_type_name(v));
    *out = v;
    return CALSYNC_OK;
}

static int str_is(calsync_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.ptr != NULL && s.len == n && memcmp(s.ptr, lit, n) == 0;
}

static void sched_init(calsync_scheduled_event *s)
{
    memset(s, 0, sizeof *s);
    s->start_time = s->end_time = CALSYNC_TIME_NONE;
    s->created_at = s->updated_at = CALSYNC_TIME_NONE;
}

static void view_init(calsync_event_view *v)
{
    memset(v, 0, sizeof *v);
    v->envelope_created_at = v->created_at = v->updated_at = CALSYNC_TIME_NONE;
    v->canceled_at = v->no_show_created_at = CALSYNC_TIME_NONE;
    sched_init(&v->scheduled_event);
}

static int parse_hosts(calsync_scheduled_event *s, const scope *sc, const json_t *arr)
{
    size_t n = json_array_size(arr);
    for (size_t i = 0; i < n && s->nhosts < CALSYNC_HOSTS_MAX; i++) {
        json_t *m = json_array_get(arr, i);
        scope hs = {sc, "event_memberships", (long)i, sc->err};
        if (!json_is_object(m))
            return schema_error(&hs, NULL, "expected object, got %s", calsync_json_type_name(m));
        calsync_host *h = &s->hosts[s->nhosts];
        TRY(get_str(&h->user_uri, &hs, m, "user", 0));
        TRY(get_str(&h->email, &hs, m, "user_email", 0));
        TRY(get_str(&h->name, &hs, m, "user_name", 0));
        s->nhosts++;
    }
    return CALSYNC_OK;
}

static int parse_sched(calsync_scheduled_event *s, const scope *sc, const json_t *obj)
{
    json_t *loc, *members;
    sched_init(s);
    s->present = 1;
    TRY(get_str(&s->uri, sc, obj, "uri", 1));
    s->uuid = calsync_uri_last_segment(s->uri);
    TRY(get_str(&s->name, sc, obj, "name", 0));
    TRY(get_str(&s->status, sc, obj, "status", 0));
    TRY(get_time(&s->start_time, sc, obj, "start_time", 1));
    TRY(get_time(&s->end_time, sc, obj, "end_time", 1));
    TRY(get_str(&s->event_type, sc, obj, "event_type", 0));
    TRY(get_obj(&loc, sc, obj, "location", 0));
    if (loc != NULL) {
        scope ls = {sc, "location", -1, sc->err};
        TRY(get_str(&s->location_type, &ls, loc, "type", 0));
        TRY(get_str(&s->join_url, &ls, loc, "join_url", 0));
    }
    TRY(get_array(&members, sc, obj, "event_memberships"));
    if (members != NULL)
        TRY(parse_hosts(s, sc, members));
    TRY(get_time(&s->created_at, sc, obj, "created_at", 0));
    TRY(get_time(&s->updated_at, sc, obj, "updated_at", 0));
    return CALSYNC_OK;
}

/* A host e-mail that can stand on a line of its own in host_emails. */
static int host_email_fits(calsync_str e)
{
    if (e.ptr == NULL || e.len == 0)
        return 0;
    for (size_t i = 0; i < e.len; i++)
        if (e.ptr[i] == '\n' || e.ptr[i] == '\r')
            return 0;
    return 1;
}

/*
 * Joins the hosts' e-mails into s->host_emails (see calsync_scheduled_event).
 * *buf: owned by the caller's handle, NULL when no e-mail is left.
 */
static int join_host_emails(char **buf, calsync_scheduled_event *s, calsync_error *err)
{
    size_t need = 0, n = 0;
    *buf = NULL;
    s->host_emails.ptr = NULL;
    s->host_emails.len = 0;
    for (size_t i = 0; i < s->nhosts; i++) {
        if (host_email_fits(s->hosts[i].email)) {
            need += s->hosts[i].email.len + (n > 0);
            n++;
        }
    }
    if (n == 0)
        return CALSYNC_OK;
    char *p = malloc(need + 1);
    if (p == NULL)
        return calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory for the host e-mails");
    size_t at = 0;
    for (size_t i = 0; i < s->nhosts; i++) {
        calsync_str e = s->hosts[i].email;
        if (!host_email_fits(e))
            continue;
        if (at > 0)
            p[at++] = '\n';
        memcpy(p + at, e.ptr, e.len);
        at += e.len;
    }
    p[at] = '\0';
    *buf = p;
    s->host_emails.ptr = p;
    s->host_emails.len = at;
    return CALSYNC_OK;
}

/* An Invitee object: a webhook's payload or a REST resource. */
static int parse_invitee(calsync_event_view *v, const scope *sc, const json_t *obj)
{
    calsync_str status;
    json_t *sub;
    TRY(get_str(&v->uri, sc, obj, "uri", 1));
    v->uuid = calsync_uri_last_segment(v->uri);
    TRY(get_str(&v->email, sc, obj, "email", 1));
    TRY(get_str(&v->name, sc, obj, "name", 0));
    TRY(get_str(&v->first_name, sc, obj, "first_name", 0));
    TRY(get_str(&v->last_name, sc, obj, "last_name", 0));
    TRY(get_str(&status, sc, obj, "status", 1));
    if (str_is(status, "active"))
        v->status = CALSYNC_INVITEE_ACTIVE;
    else if (str_is(status, "canceled"))
        v->status = CALSYNC_INVITEE_CANCELED;
    else
        return schema_error(sc, "status", "expected \"active\" or \"canceled\", got \"%.*s\"",
                            status.len > 40 ? 40 : (int)status.len, status.ptr);
    TRY(get_str(&v->timezone, sc, obj, "timezone", 0));
    TRY(get_str(&v->event_uri, sc, obj, "event", 1));
    v->event_uuid = calsync_uri_last_segment(v->event_uri);
    TRY(get_time(&v->created_at, sc, obj, "created_at", 1));
    TRY(get_time(&v->updated_at, sc, obj, "updated_at", 1));
    TRY(get_bool(&v->rescheduled, sc, obj, "rescheduled"));
    TRY(get_str(&v->old_invitee, sc, obj, "old_invitee", 0));
    TRY(get_str(&v->new_invitee, sc, obj, "new_invitee", 0));
    TRY(get_str(&v->cancel_url, sc, obj, "cancel_url", 0));
    TRY(get_str(&v->reschedule_url, sc, obj, "reschedule_url", 0));

    TRY(get_obj(&sub, sc, obj, "cancellation", 0));
    if (sub != NULL) {
        scope cs = {sc, "cancellation", -1, sc->err};
        v->has_cancellation = 1;
        TRY(get_str(&v->canceled_by, &cs, sub, "canceled_by", 0));
        TRY(get_str(&v->cancel_reason, &cs, sub, "reason", 0));
        TRY(get_str(&v->canceler_type, &cs, sub, "canceler_type", 0));
        TRY(get_time(&v->canceled_at, &cs, sub, "created_at", 0));
    }

    TRY(get_obj(&sub, sc, obj, "no_show", 0));
    if (sub != NULL) {
        scope ns = {sc, "no_show", -1, sc->err};
        v->has_no_show = 1;
        TRY(get_str(&v->no_show_uri, &ns, sub, "uri", 1));
        v->no_show_uuid = calsync_uri_last_segment(v->no_show_uri);
        TRY(get_time(&v->no_show_created_at, &ns, sub, "created_at", 0));
    }

    TRY(get_obj(&sub, sc, obj, "scheduled_event", 0));
    if (sub != NULL) {
        scope ss = {sc, "scheduled_event", -1, sc->err};
        TRY(parse_sched(&v->scheduled_event, &ss, sub));
    }
    return CALSYNC_OK;
}

/* The one table of kind names, indexed by calsync_event_kind.  The first
 * four are Calendly's webhook event names; the others are ours and never
 * match an envelope's "event". */
static const struct {
    const char *name;
    int webhook;
} kind_names[] = {
    [CALSYNC_EVENT_OTHER] = {"other", 0},
    [CALSYNC_EVENT_INVITEE_CREATED] = {"invitee.created", 1},
    [CALSYNC_EVENT_INVITEE_CANCELED] = {"invitee.canceled", 1},
    [CALSYNC_EVENT_NO_SHOW_CREATED] = {"invitee_no_show.created", 1},
    [CALSYNC_EVENT_NO_SHOW_DELETED] = {"invitee_no_show.deleted", 1},
    [CALSYNC_EVENT_REST_INVITEE] = {"rest_invitee", 0},
};

const char *calsync_event_kind_name(calsync_event_kind kind)
{
    if ((unsigned)kind >= sizeof kind_names / sizeof kind_names[0])
        return NULL;
    return kind_names[kind].name;
}

const char *calsync_event_webhook_name(size_t i)
{
    for (size_t k = 0; k < sizeof kind_names / sizeof kind_names[0]; k++) {
        if (kind_names[k].webhook && i-- == 0)
            return kind_names[k].name;
    }
    return NULL;
}

static calsync_event_kind kind_of(calsync_str name)
{
    for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++)
        if (kind_names[i].webhook && str_is(name, kind_names[i].name))
            return (calsync_event_kind)i;
    return CALSYNC_EVENT_OTHER;
}

/* Size check and json_loadb; *root is a new reference holding an object. */
static int load(json_t **root, const char *json, size_t len, calsync_error *err)
{
    *root = NULL;
    if (len > CALSYNC_BODY_MAX)
        return calsync_fail(err, CALSYNC_ERR_TOO_LARGE, NULL,
                            "body is %zu bytes, over the limit of %u bytes", len, CALSYNC_BODY_MAX);
    json_error_t jerr;
    /* Without JSON_ALLOW_NUL jansson refuses "\u0000"; it always refuses
     * invalid UTF-8; its own depth limit stops runaway nesting. */
    json_t *r = json_loadb(json != NULL ? json : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (r == NULL && json_error_code(&jerr) == json_error_out_of_memory)
        return calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory while parsing JSON");
    if (r == NULL)
        return calsync_fail(err, CALSYNC_ERR_JSON, NULL, "invalid JSON at line %d, column %d: %s",
                            jerr.line, jerr.column, jerr.text);
    if (!json_is_object(r)) {
        scope top = {NULL, NULL, -1, err};
        int rc = schema_error(&top, NULL, "expected object, got %s", calsync_json_type_name(r));
        json_decref(r);
        return rc;
    }
    *root = r;
    return CALSYNC_OK;
}

static int raw_key(char *out, const unsigned char *body, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    static const unsigned char empty[1] = {0};
    if (EVP_Digest(body != NULL ? body : empty, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
        mdlen != 32)
        return CALSYNC_ERR_CRYPTO;
    calsync_hex(out, md, mdlen);
    return CALSYNC_OK;
}

/* A top-level {"resource": {...}} is unwrapped; anything else is the object itself. */
static int unwrap_resource(const json_t **obj, scope *sc, const scope *top, const json_t *root)
{
    json_t *res;
    *sc = *top;
    *obj = root;
    if (json_object_get(root, "resource") == NULL)
        return CALSYNC_OK;
    TRY(get_obj(&res, top, root, "resource", 1));
    sc->parent = top;
    sc->name = "resource";
    *obj = res;
    return CALSYNC_OK;
}

/* out is the caller's: it is checked and cleared here, and set only on success. */
static int event_new(calsync_event **ev_out, calsync_event **out, const char *json, size_t len,
                     calsync_error *err)
{
    if (out == NULL || (json == NULL && len > 0))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "event parse: NULL argument");
    *out = NULL;
    *ev_out = NULL;
    calsync_error_clear(err);
    calsync_event *ev = calloc(1, sizeof *ev);
    if (ev == NULL)
        return calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory for an event");
    view_init(&ev->view);
    int rc = load(&ev->root, json, len, err);
    if (rc != CALSYNC_OK) {
        free(ev);
        return rc;
    }
    *ev_out = ev;
    return CALSYNC_OK;
}

static int parse_webhook(calsync_event *ev, const char *json, size_t len, calsync_error *err)
{
    calsync_event_view *v = &ev->view;
    scope top = {NULL, NULL, -1, err};
    json_t *payload;
    TRY(get_str(&v->event_name, &top, ev->root, "event", 1));
    TRY(get_time(&v->envelope_created_at, &top, ev->root, "created_at", 1));
    TRY(get_str(&v->created_by, &top, ev->root, "created_by", 0));
    v->kind = kind_of(v->event_name);
    if (v->kind == CALSYNC_EVENT_OTHER) {
        if (raw_key(ev->raw_key, (const unsigned char *)json, len) != CALSYNC_OK)
            return calsync_fail(err, CALSYNC_ERR_CRYPTO, NULL, "SHA-256 of the body failed");
        return CALSYNC_OK;
    }
    TRY(get_obj(&payload, &top, ev->root, "payload", 1));
    scope ps = {&top, "payload", -1, err};
    return parse_invitee(v, &ps, payload);
}

int calsync_event_parse(calsync_event **out, const char *json, size_t len, calsync_error *err)
{
    calsync_event *ev;
    int rc = event_new(&ev, out, json, len, err);
    if (rc != CALSYNC_OK)
        return rc;
    rc = parse_webhook(ev, json, len, err);
    if (rc == CALSYNC_OK && ev->view.scheduled_event.present)
        rc = join_host_emails(&ev->host_emails, &ev->view.scheduled_event, err);
    if (rc != CALSYNC_OK) {
        calsync_event_free(ev);
        return rc;
    }
    *out = ev;
    return CALSYNC_OK;
}

int calsync_event_parse_rest_invitee(calsync_event **out, const char *json, size_t len,
                                     calsync_error *err)
{
    calsync_event *ev;
    int rc = event_new(&ev, out, json, len, err);
    if (rc != CALSYNC_OK)
        return rc;
    scope top = {NULL, NULL, -1, err}, sc;
    const json_t *obj;
    ev->view.kind = CALSYNC_EVENT_REST_INVITEE;
    rc = unwrap_resource(&obj, &sc, &top, ev->root);
    if (rc == CALSYNC_OK)
        rc = parse_invitee(&ev->view, &sc, obj);
    if (rc == CALSYNC_OK && ev->view.scheduled_event.present)
        rc = join_host_emails(&ev->host_emails, &ev->view.scheduled_event, err);
    if (rc != CALSYNC_OK) {
        calsync_event_free(ev);
        return rc;
    }
    *out = ev;
    return CALSYNC_OK;
}

void calsync_event_free(calsync_event *ev)
{
    if (ev == NULL)
        return;
    json_decref(ev->root);
    free(ev->host_emails);
    free(ev);
}

const calsync_event_view *calsync_event_get(const calsync_event *ev)
{
    return ev != NULL ? &ev->view : NULL;
}

int calsync_sched_parse(calsync_sched **out, const char *json, size_t len, calsync_error *err)
{
    if (out == NULL || (json == NULL && len > 0))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "calsync_sched_parse: NULL argument");
    *out = NULL;
    calsync_error_clear(err);
    calsync_sched *s = calloc(1, sizeof *s);
    if (s == NULL)
        return calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory for a scheduled event");
    sched_init(&s->view);
    scope top = {NULL, NULL, -1, err}, sc;
    const json_t *obj;
    int rc = load(&s->root, json, len, err);
    if (rc == CALSYNC_OK)
        rc = unwrap_resource(&obj, &sc, &top, s->root);
    if (rc == CALSYNC_OK)
        rc = parse_sched(&s->view, &sc, obj);
    if (rc == CALSYNC_OK)
        rc = join_host_emails(&s->host_emails, &s->view, err);
    if (rc != CALSYNC_OK) {
        calsync_sched_free(s);
        return rc;
    }
    *out = s;
    return CALSYNC_OK;
}

void calsync_sched_free(calsync_sched *s)
{
    if (s == NULL)
        return;
    json_decref(s->root);
    free(s->host_emails);
    free(s);
}

const calsync_scheduled_event *calsync_sched_get(const calsync_sched *s)
{
    return s != NULL ? &s->view : NULL;
}

int calsync_dedupe_key_raw(char *buf, size_t cap, const unsigned char *body, size_t len)
{
    if (buf == NULL || cap < CALSYNC_DEDUPE_KEY_LEN + 1 || (body == NULL && len > 0))
        return CALSYNC_ERR_ARGUMENT;
    return raw_key(buf, body, len);
}

int calsync_event_dedupe_key(char *buf, size_t cap, const calsync_event *ev)
{
    if (buf == NULL || cap < CALSYNC_DEDUPE_KEY_LEN + 1 || ev == NULL)
        return CALSYNC_ERR_ARGUMENT;
    const calsync_event_view *v = &ev->view;
    if (v->kind == CALSYNC_EVENT_OTHER) {
        memcpy(buf, ev->raw_key, CALSYNC_DEDUPE_KEY_LEN + 1);
        return CALSYNC_OK;
    }
    /* Canonical bytes: name NUL uri NUL time.  Neither name nor URI can hold
     * a NUL (jansson refuses \u0000), so the split is unambiguous.  A REST
     * answer has no envelope: its identity in time is the invitee's
     * updated_at, and "rest" keeps it apart from every webhook name. */
    int is_rest = v->kind == CALSYNC_EVENT_REST_INVITEE;
    calsync_str name = is_rest ? calsync_str_of("rest", 4) : v->event_name;
    char num[24];
    int numlen =
        snprintf(num, sizeof num, "%" PRId64, is_rest ? v->updated_at : v->envelope_created_at);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int rc = CALSYNC_ERR_CRYPTO;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL || numlen < 0)
        goto out;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(ctx, name.ptr, name.len) != 1 || EVP_DigestUpdate(ctx, "", 1) != 1 ||
        EVP_DigestUpdate(ctx, v->uri.ptr, v->uri.len) != 1 || EVP_DigestUpdate(ctx, "", 1) != 1 ||
        EVP_DigestUpdate(ctx, num, (size_t)numlen) != 1 ||
        EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
        goto out;
    calsync_hex(buf, md, mdlen);
    rc = CALSYNC_OK;
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}

/* Conference passwords may sit anywhere under location (data, extra, ...). */
static void strip_passwords(json_t *v)
{
    if (json_is_object(v)) {
        json_object_del(v, "password");
        for (void *it = json_object_iter(v); it != NULL; it = json_object_iter_next(v, it))
            strip_passwords(json_object_iter_value(it));
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            strip_passwords(json_array_get(v, i));
    }
}

int calsync_event_redact(char **out, size_t *out_len, const calsync_event *ev, calsync_error *err)
{
    if (out == NULL || ev == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "calsync_event_redact: NULL argument");
    *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    int rc = CALSYNC_ERR_NOMEM;
    char *buf = NULL;
    json_t *copy = json_deep_copy(ev->root);
    if (copy == NULL)
        goto out;

    json_t *invitee;
    if (ev->view.kind == CALSYNC_EVENT_REST_INVITEE) {
        invitee = json_object_get(copy, "resource");
        if (invitee == NULL)
            invitee = copy;
    } else {
        invitee = json_object_get(copy, "payload");
    }
    if (json_is_object(invitee)) {
        json_object_del(invitee, "payment");
        /* The invitee's own words and phone number: nothing the sync needs. */
        json_object_del(invitee, "questions_and_answers");
        json_object_del(invitee, "text_reminder_number");
        json_t *tracking = json_object_get(invitee, "tracking");
        if (json_is_object(tracking))
            json_object_del(tracking, "salesforce_uuid");
        json_t *sched = json_object_get(invitee, "scheduled_event");
        json_t *loc = json_is_object(sched) ? json_object_get(sched, "location") : NULL;
        if (json_is_object(loc)) {
            json_object_del(loc, "data");
            strip_passwords(loc);
        }
    }

    /* Sized first and copied into malloc'd memory: jansson's own allocator
     * may have been replaced by the host, and the caller frees with free(). */
    size_t need = json_dumpb(copy, NULL, 0, JSON_COMPACT);
    if (need == 0)
        goto out;
    buf = malloc(need + 1);
    if (buf == NULL || json_dumpb(copy, buf, need, JSON_COMPACT) != need)
        goto out;
    buf[need] = '\0';
    *out = buf;
    buf = NULL;
    if (out_len != NULL)
        *out_len = need;
    rc = CALSYNC_OK;
out:
    free(buf);
    json_decref(copy);
    if (rc != CALSYNC_OK)
        return calsync_fail(err, rc, NULL, "out of memory while redacting the body");
    return rc;
}
