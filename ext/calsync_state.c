/* SPDX-License-Identifier: MIT */
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
    F(CALSYNC_F_HOST_EMAILS, FT_STR, host_emails),
    F(CALSYNC_F_ERASED_AT, FT_TIME, erased_at),
    F(CALSYNC_F_ENTERED_AT, FT_TIME, entered_at),
    F(CALSYNC_F_ENTERED_BY, FT_INT, entered_by),
};
#undef F

_Static_assert(CALSYNC_F_COUNT <= 64, "calsync_outcome.changed holds one bit per field");

/* The names of marks, no-show states and notes are the core's
 * (calsync_mark_name, calsync_noshow_name, calsync_note_name). */
static const char *mark_name(calsync_mark_value m)
{
    const char *name = calsync_mark_name(m);
    return name != NULL ? name : "none";
}

static const char *noshow_name(calsync_noshow_state s)
{
    const char *name = calsync_noshow_name(s);
    return name != NULL ? name : "unknown";
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
            calsync_mark_value m;
            if (calsync_mark_from_name(&m, Z_STRVAL_P(zv), Z_STRLEN_P(zv)) != CALSYNC_OK) {
                zend_argument_value_error(arg_num,
                                          "key \"%s\" must be one of \"none\", \"attended\", "
                                          "\"no_show\" or \"rescheduled\"",
                                          name);
                return FAILURE;
            }
            out->coach_mark = m;
            continue;
        }
        case FT_NOSHOW: {
            if (Z_TYPE_P(zv) != IS_STRING) {
                expected = "string";
                goto type_error;
            }
            calsync_noshow_state st;
            if (calsync_noshow_from_name(&st, Z_STRVAL_P(zv), Z_STRLEN_P(zv)) != CALSYNC_OK) {
                zend_argument_value_error(
                    arg_num, "key \"%s\" must be one of \"unknown\", \"deleted\" or \"present\"",
                    name);
                return FAILURE;
            }
            out->noshow = st;
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

/* The derived fields of a row on its own at now (shared by derive and every apply*). */
static void assessment_to_array(HashTable *ht, const calsync_assessment *as)
{
    zval z;
    calsync_zval_time(&z, as->attendance_due_at);
    CALSYNC_ADD(ht, "attendance_due_at", &z);
    ZVAL_BOOL(&z, as->needs_attendance != 0);
    CALSYNC_ADD(ht, "needs_attendance", &z);
    ZVAL_BOOL(&z, as->counts_alone != 0);
    CALSYNC_ADD(ht, "counts_alone", &z);
}

/* The outbound actions as a list of ["action", "invitee_uri", "no_show_uri"]. */
static void outbound_to_array(zval *dst, const calsync_outbound *acts, size_t n,
                              zend_string *const *srcs)
{
    array_init_size(dst, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        zval act, z;
        array_init_size(&act, 3);
        ZVAL_STRING(&z, calsync_outbound_name(acts[i].action));
        CALSYNC_ADD(Z_ARRVAL(act), "action", &z);
        str_to_zval(&z, acts[i].invitee_uri, srcs ? srcs[CALSYNC_F_INVITEE_URI] : NULL, NULL);
        CALSYNC_ADD(Z_ARRVAL(act), "invitee_uri", &z);
        str_to_zval(&z, acts[i].no_show_uri, srcs ? srcs[CALSYNC_F_NOSHOW_URI] : NULL, NULL);
        CALSYNC_ADD(Z_ARRVAL(act), "no_show_uri", &z);
        zend_hash_next_index_insert_new(Z_ARRVAL_P(dst), &act);
    }
}

/* The answer of every apply*: facts, status, changes, notes, the derived
 * fields at now, and the outbound actions (acts may be NULL when none). */
static void outcome_to_array(zval *dst, const calsync_facts *out, const calsync_outcome *oc,
                             const calsync_facts *stored, zend_string *const *stored_srcs,
                             int64_t now, const calsync_outbound *acts, size_t nacts)
{
    zval vals[CALSYNC_F_COUNT];
    zval facts, z;
    calsync_facts empty;

    if (stored == NULL) {
        calsync_facts_init(&empty);
        stored = &empty;
    }

    array_init_size(dst, 11);
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
    for (unsigned bit = 1; bit != 0 && bit <= CALSYNC_NOTE_LAST; bit <<= 1) {
        if (oc->notes & bit)
            add_next_index_string(&notes, calsync_note_name(bit));
    }
    CALSYNC_ADD(ht, "notes", &notes);

    calsync_assessment as;
    calsync_state_assess(&as, out, now);
    assessment_to_array(ht, &as);

    zval outbound;
    outbound_to_array(&outbound, acts, acts ? nacts : 0, stored_srcs);
    CALSYNC_ADD(ht, "outbound", &outbound);
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
    int64_t now_us = now_is_null ? calsync_now_us() : (int64_t)now;
    if (calsync_state_apply_event(&out, &oc, facts_ht ? &stored : NULL, ev, now_us, &err) !=
        CALSYNC_OK) {
        throw_state_error(&err, 2);
        RETURN_THROWS();
    }
    outcome_to_array(return_value, &out, &oc, facts_ht ? &stored : NULL, facts_ht ? srcs : NULL,
                     now_us, NULL, 0);
}

ZEND_METHOD(Calsync_State, applyPeer)
{
    HashTable *facts_ht = NULL;
    zval *zev;
    zend_string *peer_zs = NULL;
    ZEND_PARSE_PARAMETERS_START(2, 3)
    Z_PARAM_ARRAY_HT_OR_NULL(facts_ht)
    Z_PARAM_OBJECT_OF_CLASS(zev, calsync_ce_event)
    Z_PARAM_OPTIONAL
    Z_PARAM_STR_OR_NULL(peer_zs)
    ZEND_PARSE_PARAMETERS_END();

    const calsync_event_view *ev = event_arg(zev);
    if (ev == NULL)
        RETURN_THROWS();
    if (ev->kind == CALSYNC_EVENT_OTHER || calsync_state_peer_uri(ev).ptr == NULL) {
        zend_argument_value_error(2, "must name the other end of a reschedule (see peerUri())");
        RETURN_THROWS();
    }
    calsync_str peer = calsync_state_peer_uri(ev);
    if (peer_zs != NULL) {
        calsync_str peers[CALSYNC_PEERS_MAX];
        size_t n = calsync_state_peer_uris(ev, peers), i = 0;
        peer.ptr = ZSTR_VAL(peer_zs);
        peer.len = ZSTR_LEN(peer_zs);
        while (i < n &&
               !(peers[i].len == peer.len && memcmp(peers[i].ptr, peer.ptr, peer.len) == 0))
            i++;
        if (i == n) {
            zend_argument_value_error(3, "must be one of the event's peerUris()");
            RETURN_THROWS();
        }
    }
    calsync_facts stored, out;
    zend_string *srcs[CALSYNC_F_COUNT];
    if (facts_ht != NULL && facts_from_array(&stored, srcs, facts_ht, 1) == FAILURE)
        RETURN_THROWS();

    calsync_outcome oc;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_state_apply_peer_uri(&out, &oc, facts_ht ? &stored : NULL, ev, peer, &err) !=
        CALSYNC_OK) {
        throw_state_error(&err, 2);
        RETURN_THROWS();
    }
    outcome_to_array(return_value, &out, &oc, facts_ht ? &stored : NULL, facts_ht ? srcs : NULL,
                     calsync_now_us(), NULL, 0);
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
    outcome_to_array(return_value, &out, &oc, facts_ht ? &stored : NULL, facts_ht ? srcs : NULL,
                     calsync_now_us(), NULL, 0);
}

ZEND_METHOD(Calsync_State, applyMark)
{
    HashTable *facts_ht;
    zend_string *mark_str;
    zend_long at, by;
    bool two_way = false;
    ZEND_PARSE_PARAMETERS_START(4, 5)
    Z_PARAM_ARRAY_HT(facts_ht)
    Z_PARAM_STR(mark_str)
    Z_PARAM_LONG(at)
    Z_PARAM_LONG(by)
    Z_PARAM_OPTIONAL
    Z_PARAM_BOOL(two_way)
    ZEND_PARSE_PARAMETERS_END();

    calsync_mark_value m;
    if (calsync_mark_from_name(&m, ZSTR_VAL(mark_str), ZSTR_LEN(mark_str)) != CALSYNC_OK) {
        zend_argument_value_error(
            2, "must be one of \"attended\", \"no_show\", \"rescheduled\" or \"none\"");
        RETURN_THROWS();
    }
    calsync_facts stored, out;
    zend_string *srcs[CALSYNC_F_COUNT];
    if (facts_from_array(&stored, srcs, facts_ht, 1) == FAILURE)
        RETURN_THROWS();

    calsync_mark mark = {m, (int64_t)at, (int64_t)by};
    calsync_outcome oc;
    calsync_outbound acts[CALSYNC_OUTBOUND_MAX];
    size_t nacts = 0;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_state_apply_mark(&out, &oc, &stored, &mark, &err) != CALSYNC_OK) {
        throw_state_error(&err, 3);
        RETURN_THROWS();
    }
    if (calsync_state_mark_outbound(acts, &nacts, &stored, &out, two_way, &err) != CALSYNC_OK) {
        calsync_throw(&err);
        RETURN_THROWS();
    }
    outcome_to_array(return_value, &out, &oc, &stored, srcs, calsync_now_us(), acts, nacts);
}

ZEND_METHOD(Calsync_State, applyManual)
{
    HashTable *facts_ht = NULL;
    zend_long start, end, at, by;
    ZEND_PARSE_PARAMETERS_START(5, 5)
    Z_PARAM_ARRAY_HT_OR_NULL(facts_ht)
    Z_PARAM_LONG(start)
    Z_PARAM_LONG(end)
    Z_PARAM_LONG(at)
    Z_PARAM_LONG(by)
    ZEND_PARSE_PARAMETERS_END();

    calsync_facts stored, out;
    zend_string *srcs[CALSYNC_F_COUNT];
    if (facts_ht != NULL && facts_from_array(&stored, srcs, facts_ht, 1) == FAILURE)
        RETURN_THROWS();

    calsync_manual entry = {(int64_t)start, (int64_t)end, (int64_t)at, (int64_t)by};
    calsync_outcome oc;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_state_apply_manual(&out, &oc, facts_ht ? &stored : NULL, &entry, &err) !=
        CALSYNC_OK) {
        throw_state_error(&err, 4);
        RETURN_THROWS();
    }
    outcome_to_array(return_value, &out, &oc, facts_ht ? &stored : NULL, facts_ht ? srcs : NULL,
                     calsync_now_us(), NULL, 0);
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
    outcome_to_array(return_value, &out, &oc, &stored, srcs, calsync_now_us(), NULL, 0);
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
    zend_long now = 0;
    bool now_is_null = true;
    ZEND_PARSE_PARAMETERS_START(1, 2)
    Z_PARAM_ARRAY_HT(facts_ht)
    Z_PARAM_OPTIONAL
    Z_PARAM_LONG_OR_NULL(now, now_is_null)
    ZEND_PARSE_PARAMETERS_END();

    calsync_facts f;
    zend_string *srcs[CALSYNC_F_COUNT];
    if (facts_from_array(&f, srcs, facts_ht, 1) == FAILURE)
        RETURN_THROWS();

    calsync_assessment as;
    calsync_state_assess(&as, &f, now_is_null ? calsync_now_us() : (int64_t)now);
    zval z;
    array_init_size(return_value, 6);
    HashTable *ht = Z_ARRVAL_P(return_value);
    ZVAL_STRING(&z, calsync_status_name(as.status));
    CALSYNC_ADD(ht, "status", &z);
    ZVAL_BOOL(&z, as.conflict != 0);
    CALSYNC_ADD(ht, "conflict", &z);
    ZVAL_STRING(&z, mark_name(as.mark));
    CALSYNC_ADD(ht, "mark", &z);
    assessment_to_array(ht, &as);
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

/* ---- State::then: two answers as one --------------------------------------- */

/* The parts of an apply* answer that the combination reads, with its
 * changed mask, statuses and notes in the core's terms. */
typedef struct answer_parts {
    HashTable *changes;
    zval *pairs[CALSYNC_F_COUNT]; /* borrowed from changes; NULL when unchanged */
    HashTable *notes;
    HashTable *outbound; /* NULL when the answer has none (an older answer) */
    zval *old_status;
    zval *old_conflict;
    calsync_outcome oc;
} answer_parts;

static zval *answer_key(HashTable *ht, const char *key, uint32_t arg, int want_type)
{
    zval *zv = zend_hash_str_find_deref(ht, key, strlen(key));
    if (zv == NULL) {
        zend_argument_value_error(
            arg, "must be an answer of State::apply*(): key \"%s\" is missing", key);
        return NULL;
    }
    int ok = want_type == _IS_BOOL ? (Z_TYPE_P(zv) == IS_TRUE || Z_TYPE_P(zv) == IS_FALSE)
                                   : Z_TYPE_P(zv) == want_type;
    if (!ok) {
        zend_argument_type_error(arg, "key \"%s\" must be of type %s, %s given", key,
                                 zend_get_type_by_const(want_type), zend_zval_type_name(zv));
        return NULL;
    }
    return zv;
}

static zend_result answer_status(calsync_status *out, HashTable *ht, const char *key, uint32_t arg,
                                 zval **zv_out)
{
    zval *zv = answer_key(ht, key, arg, IS_STRING);
    if (zv == NULL)
        return FAILURE;
    if (calsync_status_from_exact_name(out, Z_STRVAL_P(zv), Z_STRLEN_P(zv)) != CALSYNC_OK) {
        zend_argument_value_error(arg, "key \"%s\" must be a status name", key);
        return FAILURE;
    }
    if (zv_out != NULL)
        *zv_out = zv;
    return SUCCESS;
}

static int field_index(const zend_string *name)
{
    for (int i = 0; i < CALSYNC_F_COUNT; i++) {
        const char *f = calsync_field_name((calsync_field)i);
        if (zend_string_equals_cstr(name, f, strlen(f)))
            return i;
    }
    return -1;
}

static zend_result answer_from_array(answer_parts *a, HashTable *ht, uint32_t arg)
{
    memset(a, 0, sizeof *a);
    zval *zv;
    if (answer_status(&a->oc.new_status, ht, "status", arg, NULL) == FAILURE ||
        answer_status(&a->oc.old_status, ht, "old_status", arg, &a->old_status) == FAILURE)
        return FAILURE;
    if ((zv = answer_key(ht, "conflict", arg, _IS_BOOL)) == NULL)
        return FAILURE;
    a->oc.new_conflict = Z_TYPE_P(zv) == IS_TRUE;
    if ((a->old_conflict = answer_key(ht, "old_conflict", arg, _IS_BOOL)) == NULL)
        return FAILURE;
    a->oc.old_conflict = Z_TYPE_P(a->old_conflict) == IS_TRUE;

    if ((zv = answer_key(ht, "changes", arg, IS_ARRAY)) == NULL)
        return FAILURE;
    a->changes = Z_ARRVAL_P(zv);
    zend_string *key;
    zend_ulong idx;
    zval *pair;
    ZEND_HASH_FOREACH_KEY_VAL(a->changes, idx, key, pair)
    {
        int f = key != NULL ? field_index(key) : -1;
        if (f < 0) {
            if (key != NULL)
                zend_argument_value_error(arg, "key \"changes\" names an unknown field \"%s\"",
                                          ZSTR_VAL(key));
            else
                zend_argument_value_error(
                    arg, "key \"changes\" names an unknown field " ZEND_ULONG_FMT, idx);
            return FAILURE;
        }
        ZVAL_DEREF(pair);
        if (Z_TYPE_P(pair) != IS_ARRAY || zend_hash_num_elements(Z_ARRVAL_P(pair)) != 2 ||
            zend_hash_index_find(Z_ARRVAL_P(pair), 0) == NULL ||
            zend_hash_index_find(Z_ARRVAL_P(pair), 1) == NULL) {
            zend_argument_value_error(arg, "key \"changes\" must map \"%s\" to [old, new]",
                                      ZSTR_VAL(key));
            return FAILURE;
        }
        a->pairs[f] = pair;
        a->oc.changed |= (uint64_t)1 << f;
    }
    ZEND_HASH_FOREACH_END();

    if ((zv = answer_key(ht, "notes", arg, IS_ARRAY)) == NULL)
        return FAILURE;
    a->notes = Z_ARRVAL_P(zv);
    zval *note;
    ZEND_HASH_FOREACH_VAL(a->notes, note)
    {
        ZVAL_DEREF(note);
        unsigned bit = Z_TYPE_P(note) == IS_STRING
                           ? calsync_note_from_name(Z_STRVAL_P(note), Z_STRLEN_P(note))
                           : 0;
        if (bit == 0) {
            zend_argument_value_error(arg, "key \"notes\" must hold only note names");
            return FAILURE;
        }
        a->oc.notes |= bit;
    }
    ZEND_HASH_FOREACH_END();

    zv = zend_hash_str_find_deref(ht, "outbound", sizeof("outbound") - 1);
    if (zv != NULL) {
        if (Z_TYPE_P(zv) != IS_ARRAY) {
            zend_argument_type_error(arg, "key \"outbound\" must be of type array, %s given",
                                     zend_zval_type_name(zv));
            return FAILURE;
        }
        a->outbound = Z_ARRVAL_P(zv);
    }
    return SUCCESS;
}

/* Appends copies of every value of src (may be NULL) to the list dst. */
static void append_values(zval *dst, HashTable *src)
{
    if (src == NULL)
        return;
    zval *v;
    ZEND_HASH_FOREACH_VAL(src, v)
    {
        Z_TRY_ADDREF_P(v);
        zend_hash_next_index_insert(Z_ARRVAL_P(dst), v);
    }
    ZEND_HASH_FOREACH_END();
}

ZEND_METHOD(Calsync_State, then)
{
    HashTable *first_ht, *second_ht;
    ZEND_PARSE_PARAMETERS_START(2, 2)
    Z_PARAM_ARRAY_HT(first_ht)
    Z_PARAM_ARRAY_HT(second_ht)
    ZEND_PARSE_PARAMETERS_END();

    answer_parts a, b;
    if (answer_from_array(&a, first_ht, 1) == FAILURE ||
        answer_from_array(&b, second_ht, 2) == FAILURE)
        RETURN_THROWS();

    calsync_outcome oc;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_outcome_then(&oc, &a.oc, &b.oc, &err) != CALSYNC_OK) {
        calsync_throw(&err);
        RETURN_THROWS();
    }

    /* The second answer, with what the core combined put in. */
    HashTable *ht = zend_array_dup(second_ht);
    RETVAL_ARR(ht);

    zval changes;
    array_init(&changes);
    for (int i = 0; i < CALSYNC_F_COUNT; i++) {
        if (!((oc.changed >> i) & 1u))
            continue;
        int in_first = (a.oc.changed >> i) & 1u, in_second = (b.oc.changed >> i) & 1u;
        zval *old_v = zend_hash_index_find(Z_ARRVAL_P(in_first ? a.pairs[i] : b.pairs[i]), 0);
        zval *new_v = zend_hash_index_find(Z_ARRVAL_P(in_second ? b.pairs[i] : a.pairs[i]), 1);
        zval pair, o, n;
        ZVAL_COPY_DEREF(&o, old_v);
        ZVAL_COPY_DEREF(&n, new_v);
        array_init_size(&pair, 2);
        zend_hash_next_index_insert_new(Z_ARRVAL(pair), &o);
        zend_hash_next_index_insert_new(Z_ARRVAL(pair), &n);
        const char *name = calsync_field_name((calsync_field)i);
        zend_hash_str_add_new(Z_ARRVAL(changes), name, strlen(name), &pair);
    }
    zend_hash_str_update(ht, "changes", sizeof("changes") - 1, &changes);

    /* A PHP answer lists its notes: both lists, the first's first. */
    zval notes;
    array_init(&notes);
    append_values(&notes, a.notes);
    append_values(&notes, b.notes);
    zend_hash_str_update(ht, "notes", sizeof("notes") - 1, &notes);

    zval z;
    ZVAL_STRING(&z, calsync_status_name(oc.old_status));
    zend_hash_str_update(ht, "old_status", sizeof("old_status") - 1, &z);
    ZVAL_BOOL(&z, oc.old_conflict != 0);
    zend_hash_str_update(ht, "old_conflict", sizeof("old_conflict") - 1, &z);

    /* Every action either answer called for is still to be carried out. */
    zval outbound;
    array_init(&outbound);
    append_values(&outbound, a.outbound);
    append_values(&outbound, b.outbound);
    zend_hash_str_update(ht, "outbound", sizeof("outbound") - 1, &outbound);
}

/* ---- State::chainStanding --------------------------------------------------- */

static zend_result chain_row_from_array(calsync_chain_row *r, zval *zrow, uint32_t i)
{
    ZVAL_DEREF(zrow);
    if (Z_TYPE_P(zrow) != IS_ARRAY) {
        zend_argument_type_error(1, "must contain only arrays, %s given at position %u",
                                 zend_zval_type_name(zrow), i);
        return FAILURE;
    }
    HashTable *ht = Z_ARRVAL_P(zrow);
    memset(r, 0, sizeof *r);

    zval *zv = zend_hash_str_find_deref(ht, "uri", sizeof("uri") - 1);
    if (zv == NULL || Z_TYPE_P(zv) != IS_STRING || Z_STRLEN_P(zv) == 0) {
        zend_argument_value_error(1, "row %u must have a non-empty string \"uri\"", i);
        return FAILURE;
    }
    r->uri = calsync_str_from_zstr(Z_STR_P(zv));

    zv = zend_hash_str_find_deref(ht, "rescheduled_to_uri", sizeof("rescheduled_to_uri") - 1);
    if (zv != NULL && Z_TYPE_P(zv) != IS_NULL) {
        if (Z_TYPE_P(zv) != IS_STRING) {
            zend_argument_type_error(
                1, "row %u key \"rescheduled_to_uri\" must be of type ?string, %s given", i,
                zend_zval_type_name(zv));
            return FAILURE;
        }
        r->rescheduled_to_uri = calsync_str_from_zstr(Z_STR_P(zv));
    }

    zv = zend_hash_str_find_deref(ht, "status", sizeof("status") - 1);
    if (zv == NULL || Z_TYPE_P(zv) != IS_STRING ||
        calsync_status_from_exact_name(&r->status, Z_STRVAL_P(zv), Z_STRLEN_P(zv)) != CALSYNC_OK) {
        zend_argument_value_error(1,
                                  "row %u key \"status\" must be one of \"scheduled\", "
                                  "\"canceled\", \"rescheduled\", \"attended\" or \"no_show\"",
                                  i);
        return FAILURE;
    }

    zv = zend_hash_str_find_deref(ht, "student_id", sizeof("student_id") - 1);
    if (zv != NULL && Z_TYPE_P(zv) != IS_NULL) {
        if (Z_TYPE_P(zv) != IS_LONG) {
            zend_argument_type_error(1, "row %u key \"student_id\" must be of type ?int, %s given",
                                     i, zend_zval_type_name(zv));
            return FAILURE;
        }
        r->has_student = 1;
        r->student_id = (int64_t)Z_LVAL_P(zv);
    }
    return SUCCESS;
}

ZEND_METHOD(Calsync_State, chainStanding)
{
    HashTable *rows_ht;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_ARRAY_HT(rows_ht)
    ZEND_PARSE_PARAMETERS_END();

    uint32_t n = zend_hash_num_elements(rows_ht);
    if (n == 0)
        RETURN_EMPTY_ARRAY();
    calsync_chain_row *rows = safe_emalloc(n, sizeof *rows, 0);
    int *counts = safe_emalloc(n, sizeof *counts, 0);
    uint32_t i = 0;
    zval *zrow;
    ZEND_HASH_FOREACH_VAL(rows_ht, zrow)
    {
        if (chain_row_from_array(&rows[i], zrow, i) == FAILURE)
            goto out;
        i++;
    }
    ZEND_HASH_FOREACH_END();

    calsync_error err;
    calsync_error_reset(&err);
    int rc = calsync_state_chain_counts(counts, rows, n, &err);
    if (rc == CALSYNC_ERR_TOO_LARGE || rc == CALSYNC_ERR_ARGUMENT) {
        zend_argument_value_error(1, "was refused by the chain rule: %s", err.message);
        goto out;
    } else if (rc != CALSYNC_OK) {
        calsync_throw(&err);
        goto out;
    }
    array_init_size(return_value, n);
    for (i = 0; i < n; i++)
        add_next_index_bool(return_value, counts[i] != 0);
out:
    efree(rows);
    efree(counts);
}
