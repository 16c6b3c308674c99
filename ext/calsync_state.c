/* Calsync\State: facts arrays <-> calsync_facts, and the core's merge and derive calls. */
#include "calsync_glue.h"

#include <stddef.h>

typedef enum fact_type {
    FT_STR,   /* ?string                                  */
    FT_TIME,  /* ?int, microseconds                       */
    FT_FLAG,  /* bool                                     */
    FT_INT,   /* int (coach_mark_by)                      */
    FT_MARK,  /* "none" / "attended" / "no_show" / "rescheduled" */
    FT_NOSHOW /* "unknown" / "deleted" / "present"         */
} fact_type;

typedef struct fact_desc {
    unsigned char type;
    unsigned short offset;
} fact_desc;

#define F(id, t, member) [id] = {t, offsetof(calsync_facts, member)}
static const fact_desc fact_fields[CALSYNC_F_COUNT] = {
    F(CALSYNC_F_INVITEE_URI, FT_STR, invitee_uri),
    F(CALSYNC_F_BOOKED, FT_FLAG, booked),
    F(CALSYNC_F_EVENT_URI, FT_STR, event_uri),
    F(CALSYNC_F_CANCELED, FT_FLAG, canceled),
    F(CALSYNC_F_CANCEL_AT, FT_TIME, cancel_at),
    F(CALSYNC_F_CANCEL_REASON, FT_STR, cancel_reason),
    F(CALSYNC_F_CANCELED_BY, FT_STR, canceled_by),
    F(CALSYNC_F_CANCELER_TYPE, FT_STR, canceler_type),
    F(CALSYNC_F_RESCHEDULE_CANCELED, FT_FLAG, reschedule_canceled),
    F(CALSYNC_F_RESCHEDULED_TO_URI, FT_STR, rescheduled_to_uri),
    F(CALSYNC_F_RESCHEDULED_FROM_URI, FT_STR, rescheduled_from_uri),
    F(CALSYNC_F_COACH_MARK, FT_MARK, coach_mark),
    F(CALSYNC_F_COACH_MARK_AT, FT_TIME, coach_mark_at),
    F(CALSYNC_F_COACH_MARK_BY, FT_INT, coach_mark_by),
    F(CALSYNC_F_NOSHOW, FT_NOSHOW, noshow),
    F(CALSYNC_F_NOSHOW_AT, FT_TIME, noshow_at),
    F(CALSYNC_F_NOSHOW_URI, FT_STR, noshow_uri),
    F(CALSYNC_F_NOSHOW_ABSENT_SEEN_AT, FT_TIME, noshow_absent_seen_at),
    F(CALSYNC_F_INFO_UPDATED_AT, FT_TIME, info_updated_at),
    F(CALSYNC_F_INFO_ENVELOPE_AT, FT_TIME, info_envelope_at),
    F(CALSYNC_F_EMAIL, FT_STR, email),
    F(CALSYNC_F_NAME, FT_STR, name),
    F(CALSYNC_F_TIMEZONE, FT_STR, timezone),
    F(CALSYNC_F_CANCEL_URL, FT_STR, cancel_url),
    F(CALSYNC_F_RESCHEDULE_URL, FT_STR, reschedule_url),
    F(CALSYNC_F_INVITEE_CREATED_AT, FT_TIME, invitee_created_at),
    F(CALSYNC_F_SCHED_UPDATED_AT, FT_TIME, sched_updated_at),
    F(CALSYNC_F_START_AT, FT_TIME, start_at),
    F(CALSYNC_F_END_AT, FT_TIME, end_at),
    F(CALSYNC_F_EVENT_NAME, FT_STR, event_name),
    F(CALSYNC_F_EVENT_TYPE_URI, FT_STR, event_type_uri),
    F(CALSYNC_F_EVENT_STATUS, FT_STR, event_status),
    F(CALSYNC_F_LOCATION_TYPE, FT_STR, location_type),
    F(CALSYNC_F_JOIN_URL, FT_STR, join_url),
    F(CALSYNC_F_HOST_EMAIL, FT_STR, host_email),
    F(CALSYNC_F_HOST_NAME, FT_STR, host_name),
    F(CALSYNC_F_ERASED_AT, FT_TIME, erased_at),
};
#undef F

_Static_assert(CALSYNC_F_COUNT <= 64, "calsync_outcome.changed holds one bit per field");

static const char *const mark_names[] = {
    [CALSYNC_MARK_NONE] = "none",
    [CALSYNC_MARK_ATTENDED] = "attended",
    [CALSYNC_MARK_NO_SHOW] = "no_show",
    [CALSYNC_MARK_RESCHEDULED] = "rescheduled",
};

static const char *const noshow_names[] = {
    [CALSYNC_NOSHOW_UNKNOWN] = "unknown",
    [CALSYNC_NOSHOW_DELETED] = "deleted",
    [CALSYNC_NOSHOW_PRESENT] = "present",
};

/* Index of s in names, or -1. */
static int name_index(const char *const *names, size_t n, const zend_string *s)
{
    for (size_t i = 0; i < n; i++) {
        if (zend_string_equals_cstr(s, names[i], strlen(names[i])))
            return (int)i;
    }
    return -1;
}

static const char *mark_name(calsync_mark_value m)
{
    return (size_t)m < sizeof mark_names / sizeof mark_names[0] ? mark_names[m] : "none";
}

static const char *noshow_name(calsync_noshow_state s)
{
    return (size_t)s < sizeof noshow_names / sizeof noshow_names[0] ? noshow_names[s] : "unknown";
}

/* ---- array -> facts ------------------------------------------------------- */

/*
 * Fills *out from a facts array without copying a byte: the strings are
 * views into the array's zend_strings, which the caller's arguments keep
 * alive for the whole call.  srcs[i] remembers the zend_string of each
 * string field so the result can share it instead of copying it back.
 * Missing keys stay empty (a partly filled row from the database).
 * Returns FAILURE with a TypeError or ValueError thrown.
 */
static zend_result facts_from_array(calsync_facts *out, zend_string **srcs, HashTable *ht,
                                    uint32_t arg_num)
{
    calsync_facts_init(out);
    memset(srcs, 0, sizeof(zend_string *) * CALSYNC_F_COUNT);
    uint32_t found = 0;

    for (int i = 0; i < CALSYNC_F_COUNT; i++) {
        const char *name = calsync_field_name((calsync_field)i);
        zval *zv = zend_hash_str_find(ht, name, strlen(name));
        if (zv == NULL)
            continue;
        found++;
        ZVAL_DEREF(zv);
        char *base = (char *)out + fact_fields[i].offset;
        const char *expected;

        switch ((fact_type)fact_fields[i].type) {
        case FT_STR:
            if (Z_TYPE_P(zv) == IS_NULL)
                continue;
            if (Z_TYPE_P(zv) != IS_STRING) {
                expected = "?string";
                goto type_error;
            }
            *(calsync_str *)base = calsync_str_from_zstr(Z_STR_P(zv));
            srcs[i] = Z_STR_P(zv);
            continue;
        case FT_TIME:
            if (Z_TYPE_P(zv) == IS_NULL)
                continue;
            if (Z_TYPE_P(zv) != IS_LONG) {
                expected = "?int";
                goto type_error;
            }
            *(int64_t *)base = (int64_t)Z_LVAL_P(zv);
            continue;
        case FT_FLAG:
            if (Z_TYPE_P(zv) != IS_TRUE && Z_TYPE_P(zv) != IS_FALSE) {
                expected = "bool";
                goto type_error;
            }
            *(int *)base = Z_TYPE_P(zv) == IS_TRUE;
            continue;
        case FT_INT:
            if (Z_TYPE_P(zv) != IS_LONG) {
                expected = "int";
                goto type_error;
            }
            *(int64_t *)base = (int64_t)Z_LVAL_P(zv);
            continue;
        case FT_MARK: {
            if (Z_TYPE_P(zv) != IS_STRING) {
                expected = "string";
                goto type_error;
            }
            int m = name_index(mark_names, sizeof mark_names / sizeof mark_names[0], Z_STR_P(zv));
            if (m < 0) {
                zend_argument_value_error(arg_num,
                                          "key \"%s\" must be one of \"none\", \"attended\", "
                                          "\"no_show\" or \"rescheduled\"",
                                          name);
                return FAILURE;
            }
            out->coach_mark = (calsync_mark_value)m;
            continue;
        }
        case FT_NOSHOW: {
            if (Z_TYPE_P(zv) != IS_STRING) {
                expected = "string";
                goto type_error;
            }
            int s =
                name_index(noshow_names, sizeof noshow_names / sizeof noshow_names[0], Z_STR_P(zv));
            if (s < 0) {
                zend_argument_value_error(
                    arg_num, "key \"%s\" must be one of \"unknown\", \"deleted\" or \"present\"",
                    name);
                return FAILURE;
            }
            out->noshow = (calsync_noshow_state)s;
            continue;
        }
        }
        continue;
    type_error:
        zend_argument_type_error(arg_num, "key \"%s\" must be of type %s, %s given", name, expected,
                                 zend_zval_type_name(zv));
        return FAILURE;
    }

    if (found == zend_hash_num_elements(ht))
        return SUCCESS;

    /* Some key is not a field: find it to name it (the slow path only runs
     * when the call is about to fail). */
    zend_string *key;
    zend_ulong idx;
    ZEND_HASH_FOREACH_KEY(ht, idx, key)
    {
        if (key == NULL) {
            zend_argument_value_error(arg_num, "contains unknown key " ZEND_ULONG_FMT, idx);
            return FAILURE;
        }
        int known = 0;
        for (int i = 0; i < CALSYNC_F_COUNT && !known; i++) {
            const char *name = calsync_field_name((calsync_field)i);
            known = zend_string_equals_cstr(key, name, strlen(name));
        }
        if (!known) {
            zend_argument_value_error(arg_num, "contains unknown key \"%s\"", ZSTR_VAL(key));
            return FAILURE;
        }
    }
    ZEND_HASH_FOREACH_END();
    return SUCCESS;
}

/* ---- facts -> array ------------------------------------------------------- */

/* A string of the result that came out of one of the input arrays is
 * shared (refcount) rather than copied. */
static void str_to_zval(zval *dst, calsync_str s, zend_string *src_a, zend_string *src_b)
{
    if (s.ptr == NULL) {
        ZVAL_NULL(dst);
    } else if (src_a != NULL && s.ptr == ZSTR_VAL(src_a) && s.len == ZSTR_LEN(src_a)) {
        ZVAL_STR_COPY(dst, src_a);
    } else if (src_b != NULL && s.ptr == ZSTR_VAL(src_b) && s.len == ZSTR_LEN(src_b)) {
        ZVAL_STR_COPY(dst, src_b);
    } else {
        ZVAL_STR(dst, zend_string_init_fast(s.ptr, s.len));
    }
}

static void field_to_zval(zval *dst, const calsync_facts *f, int i, zend_string *const *srcs_a,
                          zend_string *const *srcs_b)
{
    const char *base = (const char *)f + fact_fields[i].offset;
    switch ((fact_type)fact_fields[i].type) {
    case FT_STR:
        str_to_zval(dst, *(const calsync_str *)base, srcs_a ? srcs_a[i] : NULL,
                    srcs_b ? srcs_b[i] : NULL);
        return;
    case FT_TIME:
        calsync_zval_time(dst, *(const int64_t *)base);
        return;
    case FT_FLAG:
        ZVAL_BOOL(dst, *(const int *)base != 0);
        return;
    case FT_INT:
        ZVAL_LONG(dst, (zend_long) * (const int64_t *)base);
        return;
    case FT_MARK:
        ZVAL_STRING(dst, mark_name(f->coach_mark));
        return;
    case FT_NOSHOW:
        ZVAL_STRING(dst, noshow_name(f->noshow));
        return;
    }
    ZVAL_NULL(dst);
}

/* Builds the facts array; vals[i] keeps a borrowed copy of each value so
 * that the change report can share them. */
static void facts_to_array(zval *dst, zval *vals, const calsync_facts *f,
                           zend_string *const *srcs_a, zend_string *const *srcs_b)
{
    array_init_size(dst, CALSYNC_F_COUNT);
    HashTable *ht = Z_ARRVAL_P(dst);
    for (int i = 0; i < CALSYNC_F_COUNT; i++) {
        zval v;
        field_to_zval(&v, f, i, srcs_a, srcs_b);
        const char *name = calsync_field_name((calsync_field)i);
        zval *slot = zend_hash_str_add_new(ht, name, strlen(name), &v);
        if (vals != NULL)
            ZVAL_COPY_VALUE(&vals[i], slot);
    }
}

static const struct {
    unsigned bit;
    const char *name;
} note_names[] = {
    {CALSYNC_NOTE_STALE_MARK, "stale_mark"}, {CALSYNC_NOTE_ECHO, "echo"},
    {CALSYNC_NOTE_CONFLICT, "conflict"},     {CALSYNC_NOTE_NO_REVIVE, "no_revive"},
    {CALSYNC_NOTE_STALE_INFO, "stale_info"},
};

/* The answer of every apply*: facts, status, changes and notes. */
static void outcome_to_array(zval *dst, const calsync_facts *out, const calsync_outcome *oc,
                             const calsync_facts *stored, zend_string *const *stored_srcs)
{
    zval vals[CALSYNC_F_COUNT];
    zval facts, z;
    calsync_facts empty;

    if (stored == NULL) {
        calsync_facts_init(&empty);
        stored = &empty;
    }

    array_init_size(dst, 7);
    HashTable *ht = Z_ARRVAL_P(dst);
    facts_to_array(&facts, vals, out, stored_srcs, NULL);
    CALSYNC_ADD(ht, "facts", &facts);
    ZVAL_STRING(&z, calsync_status_name(oc->new_status));
    CALSYNC_ADD(ht, "status", &z);
    ZVAL_STRING(&z, calsync_status_name(oc->old_status));
    CALSYNC_ADD(ht, "old_status", &z);
    ZVAL_BOOL(&z, oc->new_conflict != 0);
    CALSYNC_ADD(ht, "conflict", &z);
    ZVAL_BOOL(&z, oc->old_conflict != 0);
    CALSYNC_ADD(ht, "old_conflict", &z);

    zval changes;
    uint32_t nchanged = 0;
    for (int i = 0; i < CALSYNC_F_COUNT; i++)
        nchanged += (oc->changed >> i) & 1u;
    array_init_size(&changes, nchanged);
    for (int i = 0; i < CALSYNC_F_COUNT; i++) {
        if (!((oc->changed >> i) & 1u))
            continue;
        zval pair, old_v, new_v;
        field_to_zval(&old_v, stored, i, stored_srcs, NULL);
        ZVAL_COPY(&new_v, &vals[i]);
        array_init_size(&pair, 2);
        zend_hash_next_index_insert_new(Z_ARRVAL(pair), &old_v);
        zend_hash_next_index_insert_new(Z_ARRVAL(pair), &new_v);
        const char *name = calsync_field_name((calsync_field)i);
        zend_hash_str_add_new(Z_ARRVAL(changes), name, strlen(name), &pair);
    }
    CALSYNC_ADD(ht, "changes", &changes);

    zval notes;
    array_init(&notes);
    for (size_t i = 0; i < sizeof note_names / sizeof note_names[0]; i++) {
        if (oc->notes & note_names[i].bit)
            add_next_index_string(&notes, note_names[i].name);
    }
    CALSYNC_ADD(ht, "notes", &notes);
}

/* Core failures of the state calls: INVALID means an argument the glue
 * passed on was refused, so it becomes a ValueError naming that argument. */
static void throw_state_error(const calsync_error *err, uint32_t arg_num)
{
    if (err->code == CALSYNC_ERR_ARGUMENT)
        zend_argument_value_error(arg_num, "was refused by the state rules: %s", err->message);
    else
        calsync_throw(err);
}

static const calsync_event_view *event_arg(zval *zev)
{
    calsync_event_object *o = calsync_event_from_obj(Z_OBJ_P(zev));
    if (o->event == NULL) {
        zend_throw_error(NULL, "Calsync\\Event object is not initialized: use Event::parse()");
        return NULL;
    }
    return calsync_event_get(o->event);
}

/* ---- Calsync\State ------------------------------------------------------------ */

ZEND_METHOD(Calsync_State, emptyFacts)
{
    ZEND_PARSE_PARAMETERS_NONE();
    calsync_facts f;
    calsync_facts_init(&f);
    facts_to_array(return_value, NULL, &f, NULL, NULL);
}

ZEND_METHOD(Calsync_State, applyEvent)
{
    HashTable *facts_ht = NULL;
    zval *zev;
    zend_long now = 0;
    bool now_is_null = true;
    ZEND_PARSE_PARAMETERS_START(2, 3)
    Z_PARAM_ARRAY_HT_OR_NULL(facts_ht)
    Z_PARAM_OBJECT_OF_CLASS(zev, calsync_ce_event)
    Z_PARAM_OPTIONAL
    Z_PARAM_LONG_OR_NULL(now, now_is_null)
    ZEND_PARSE_PARAMETERS_END();

    const calsync_event_view *ev = event_arg(zev);
    if (ev == NULL)
        RETURN_THROWS();
    if (ev->kind == CALSYNC_EVENT_OTHER) {
        zend_argument_value_error(2, "must not be an event of kind \"other\"");
        RETURN_THROWS();
    }
    calsync_facts stored, out;
    zend_string *srcs[CALSYNC_F_COUNT];
    if (facts_ht != NULL && facts_from_array(&stored, srcs, facts_ht, 1) == FAILURE)
        RETURN_THROWS();

    calsync_outcome oc;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_state_apply_event(&out, &oc, facts_ht ? &stored : NULL, ev,
                                  now_is_null ? calsync_now_us() : (int64_t)now,
                                  &err) != CALSYNC_OK) {
        throw_state_error(&err, 2);
        RETURN_THROWS();
    }
    outcome_to_array(return_value, &out, &oc, facts_ht ? &stored : NULL, facts_ht ? srcs : NULL);
}

ZEND_METHOD(Calsync_State, applyPeer)
{
    HashTable *facts_ht = NULL;
    zval *zev;
    ZEND_PARSE_PARAMETERS_START(2, 2)
    Z_PARAM_ARRAY_HT_OR_NULL(facts_ht)
    Z_PARAM_OBJECT_OF_CLASS(zev, calsync_ce_event)
    ZEND_PARSE_PARAMETERS_END();

    const calsync_event_view *ev = event_arg(zev);
    if (ev == NULL)
        RETURN_THROWS();
    if (ev->kind == CALSYNC_EVENT_OTHER || calsync_state_peer_uri(ev).ptr == NULL) {
        zend_argument_value_error(2, "must name the other end of a reschedule (see peerUri())");
        RETURN_THROWS();
    }
    calsync_facts stored, out;
    zend_string *srcs[CALSYNC_F_COUNT];
    if (facts_ht != NULL && facts_from_array(&stored, srcs, facts_ht, 1) == FAILURE)
        RETURN_THROWS();

    calsync_outcome oc;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_state_apply_peer(&out, &oc, facts_ht ? &stored : NULL, ev, &err) != CALSYNC_OK) {
        throw_state_error(&err, 2);
        RETURN_THROWS();
    }
    outcome_to_array(return_value, &out, &oc, facts_ht ? &stored : NULL, facts_ht ? srcs : NULL);
}

ZEND_METHOD(Calsync_State, applyScheduledEvent)
{
    HashTable *facts_ht = NULL;
    zval *zse;
    ZEND_PARSE_PARAMETERS_START(2, 2)
    Z_PARAM_ARRAY_HT_OR_NULL(facts_ht)
    Z_PARAM_OBJECT_OF_CLASS(zse, calsync_ce_scheduled_event)
    ZEND_PARSE_PARAMETERS_END();

    calsync_sched_object *so = calsync_sched_from_obj(Z_OBJ_P(zse));
    if (so->sched == NULL) {
        zend_throw_error(
            NULL, "Calsync\\ScheduledEvent object is not initialized: use ScheduledEvent::parse()");
        RETURN_THROWS();
    }
    calsync_facts stored, out;
    zend_string *srcs[CALSYNC_F_COUNT];
    if (facts_ht != NULL && facts_from_array(&stored, srcs, facts_ht, 1) == FAILURE)
        RETURN_THROWS();

    calsync_outcome oc;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_state_apply_sched(&out, &oc, facts_ht ? &stored : NULL,
                                  calsync_sched_get(so->sched), &err) != CALSYNC_OK) {
        throw_state_error(&err, 2);
        RETURN_THROWS();
    }
    outcome_to_array(return_value, &out, &oc, facts_ht ? &stored : NULL, facts_ht ? srcs : NULL);
}

ZEND_METHOD(Calsync_State, applyMark)
{
    HashTable *facts_ht;
    zend_string *mark_str;
    zend_long at, by;
    ZEND_PARSE_PARAMETERS_START(4, 4)
    Z_PARAM_ARRAY_HT(facts_ht)
    Z_PARAM_STR(mark_str)
    Z_PARAM_LONG(at)
    Z_PARAM_LONG(by)
    ZEND_PARSE_PARAMETERS_END();

    int m = name_index(mark_names, sizeof mark_names / sizeof mark_names[0], mark_str);
    if (m < 0) {
        zend_argument_value_error(
            2, "must be one of \"attended\", \"no_show\", \"rescheduled\" or \"none\"");
        RETURN_THROWS();
    }
    calsync_facts stored, out;
    zend_string *srcs[CALSYNC_F_COUNT];
    if (facts_from_array(&stored, srcs, facts_ht, 1) == FAILURE)
        RETURN_THROWS();

    calsync_mark mark = {(calsync_mark_value)m, (int64_t)at, (int64_t)by};
    calsync_outcome oc;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_state_apply_mark(&out, &oc, &stored, &mark, &err) != CALSYNC_OK) {
        throw_state_error(&err, 3);
        RETURN_THROWS();
    }
    outcome_to_array(return_value, &out, &oc, &stored, srcs);
}

ZEND_METHOD(Calsync_State, applyErasure)
{
    HashTable *facts_ht;
    zend_long at;
    ZEND_PARSE_PARAMETERS_START(2, 2)
    Z_PARAM_ARRAY_HT(facts_ht)
    Z_PARAM_LONG(at)
    ZEND_PARSE_PARAMETERS_END();

    calsync_facts stored, out;
    zend_string *srcs[CALSYNC_F_COUNT];
    if (facts_from_array(&stored, srcs, facts_ht, 1) == FAILURE)
        RETURN_THROWS();

    calsync_outcome oc;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_state_apply_erasure(&out, &oc, &stored, (int64_t)at, &err) != CALSYNC_OK) {
        throw_state_error(&err, 2);
        RETURN_THROWS();
    }
    outcome_to_array(return_value, &out, &oc, &stored, srcs);
}

ZEND_METHOD(Calsync_State, merge)
{
    HashTable *a_ht, *b_ht;
    ZEND_PARSE_PARAMETERS_START(2, 2)
    Z_PARAM_ARRAY_HT(a_ht)
    Z_PARAM_ARRAY_HT(b_ht)
    ZEND_PARSE_PARAMETERS_END();

    calsync_facts a, b, out;
    zend_string *srcs_a[CALSYNC_F_COUNT], *srcs_b[CALSYNC_F_COUNT];
    if (facts_from_array(&a, srcs_a, a_ht, 1) == FAILURE ||
        facts_from_array(&b, srcs_b, b_ht, 2) == FAILURE)
        RETURN_THROWS();

    calsync_error err;

    calsync_error_reset(&err);
    if (calsync_state_merge(&out, &a, &b, &err) != CALSYNC_OK) {
        throw_state_error(&err, 2);
        RETURN_THROWS();
    }
    facts_to_array(return_value, NULL, &out, srcs_a, srcs_b);
}

ZEND_METHOD(Calsync_State, derive)
{
    HashTable *facts_ht;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_ARRAY_HT(facts_ht)
    ZEND_PARSE_PARAMETERS_END();

    calsync_facts f;
    zend_string *srcs[CALSYNC_F_COUNT];
    if (facts_from_array(&f, srcs, facts_ht, 1) == FAILURE)
        RETURN_THROWS();

    int conflict = 0;
    calsync_status s = calsync_state_derive(&f, &conflict);
    zval z;
    array_init_size(return_value, 3);
    ZVAL_STRING(&z, calsync_status_name(s));
    CALSYNC_ADD(Z_ARRVAL_P(return_value), "status", &z);
    ZVAL_BOOL(&z, conflict != 0);
    CALSYNC_ADD(Z_ARRVAL_P(return_value), "conflict", &z);
    ZVAL_STRING(&z, mark_name(calsync_state_current_mark(&f)));
    CALSYNC_ADD(Z_ARRVAL_P(return_value), "mark", &z);
}

ZEND_METHOD(Calsync_State, normalizeStatus)
{
    zend_string *name;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(name)
    ZEND_PARSE_PARAMETERS_END();

    calsync_status s;
    if (calsync_status_from_name(&s, ZSTR_VAL(name), ZSTR_LEN(name)) != CALSYNC_OK)
        RETURN_NULL();
    RETURN_STRING(calsync_status_name(s));
}
