/* SPDX-License-Identifier: MIT */
/* Helpers for the session-state tests: event views built as plain structs, and field-level diffs of
 * facts. */
#include "support_state.h"

#include <inttypes.h>
#include <string.h>

calsync_str support_state_str(const char *s)
{
    calsync_str r;
    r.ptr = s;
    r.len = s ? strlen(s) : 0;
    return r;
}

static const char *event_name_of(calsync_event_kind kind)
{
    switch (kind) {
    case CALSYNC_EVENT_INVITEE_CREATED:
        return "invitee.created";
    case CALSYNC_EVENT_INVITEE_CANCELED:
        return "invitee.canceled";
    case CALSYNC_EVENT_NO_SHOW_CREATED:
        return "invitee_no_show.created";
    case CALSYNC_EVENT_NO_SHOW_DELETED:
        return "invitee_no_show.deleted";
    case CALSYNC_EVENT_REST_INVITEE:
        return NULL;
    case CALSYNC_EVENT_OTHER:
        return "routing_form_submission.created";
    }
    return NULL;
}

static calsync_str last_segment(const char *uri)
{
    if (uri == NULL)
        return support_state_str(NULL);
    const char *slash = strrchr(uri, '/');
    return support_state_str(slash ? slash + 1 : uri);
}

void support_state_view(calsync_event_view *v, calsync_event_kind kind, const char *uri,
                        const char *event_uri, int64_t updated_at, int64_t envelope_at)
{
    memset(v, 0, sizeof *v);
    v->kind = kind;
    v->event_name = support_state_str(event_name_of(kind));
    v->envelope_created_at = kind == CALSYNC_EVENT_REST_INVITEE ? CALSYNC_TIME_NONE : envelope_at;
    v->created_by = support_state_str(
        kind == CALSYNC_EVENT_REST_INVITEE ? NULL : "https://api.calendly.com/users/U1");
    v->uri = support_state_str(uri);
    v->uuid = last_segment(uri);
    v->email = support_state_str("ana@example.org");
    v->name = support_state_str("Ana Ruiz");
    v->first_name = support_state_str(NULL);
    v->last_name = support_state_str(NULL);
    v->status =
        kind == CALSYNC_EVENT_INVITEE_CANCELED ? CALSYNC_INVITEE_CANCELED : CALSYNC_INVITEE_ACTIVE;
    v->timezone = support_state_str("America/Chicago");
    v->event_uri = support_state_str(event_uri);
    v->event_uuid = last_segment(event_uri);
    v->created_at = updated_at;
    v->updated_at = updated_at;
    v->cancel_url = support_state_str("https://calendly.com/cancellations/I1");
    v->reschedule_url = support_state_str("https://calendly.com/reschedulings/I1");
    v->canceled_at = CALSYNC_TIME_NONE;
    v->no_show_created_at = CALSYNC_TIME_NONE;
    v->scheduled_event.start_time = CALSYNC_TIME_NONE;
    v->scheduled_event.end_time = CALSYNC_TIME_NONE;
    v->scheduled_event.created_at = CALSYNC_TIME_NONE;
    v->scheduled_event.updated_at = CALSYNC_TIME_NONE;
}

void support_state_embed_sched(calsync_event_view *v, int64_t updated_at, int64_t start_at)
{
    calsync_scheduled_event *se = &v->scheduled_event;
    se->present = 1;
    se->uri = v->event_uri;
    se->uuid = v->event_uuid;
    se->name = support_state_str("Coaching session");
    se->status = support_state_str("active");
    se->start_time = start_at;
    se->end_time = start_at + INT64_C(45) * 60 * 1000000;
    se->event_type = support_state_str("https://api.calendly.com/event_types/T1");
    se->location_type = support_state_str("zoom");
    se->join_url = support_state_str(NULL);
    se->nhosts = 1;
    se->hosts[0].user_uri = support_state_str("https://api.calendly.com/users/U1");
    se->hosts[0].email = support_state_str("coach@example.org");
    se->hosts[0].name = support_state_str("Coach Lee");
    se->host_emails = support_state_str("coach@example.org");
    se->created_at = updated_at;
    se->updated_at = updated_at;
}

/* Each field as either a string or a number, so one switch serves compare and print. */
typedef struct field_value {
    int is_str;
    calsync_str s;
    int64_t n;
} field_value;

static field_value str_value(calsync_str s)
{
    field_value v = {1, s, 0};
    return v;
}

static field_value num_value(int64_t n)
{
    field_value v = {0, {NULL, 0}, n};
    return v;
}

static field_value field_of(const calsync_facts *f, calsync_field field)
{
    switch (field) {
    case CALSYNC_F_INVITEE_URI:
        return str_value(f->invitee_uri);
    case CALSYNC_F_BOOKED:
        return num_value(f->booked != 0);
    case CALSYNC_F_EVENT_URI:
        return str_value(f->event_uri);
    case CALSYNC_F_CANCELED:
        return num_value(f->canceled != 0);
    case CALSYNC_F_CANCEL_AT:
        return num_value(f->cancel_at);
    case CALSYNC_F_CANCEL_REASON:
        return str_value(f->cancel_reason);
    case CALSYNC_F_CANCELED_BY:
        return str_value(f->canceled_by);
    case CALSYNC_F_CANCELER_TYPE:
        return str_value(f->canceler_type);
    case CALSYNC_F_RESCHEDULE_CANCELED:
        return num_value(f->reschedule_canceled != 0);
    case CALSYNC_F_RESCHEDULED_TO_URI:
        return str_value(f->rescheduled_to_uri);
    case CALSYNC_F_RESCHEDULED_FROM_URI:
        return str_value(f->rescheduled_from_uri);
    case CALSYNC_F_COACH_MARK:
        return num_value(f->coach_mark);
    case CALSYNC_F_COACH_MARK_AT:
        return num_value(f->coach_mark_at);
    case CALSYNC_F_COACH_MARK_BY:
        return num_value(f->coach_mark_by);
    case CALSYNC_F_NOSHOW:
        return num_value(f->noshow);
    case CALSYNC_F_NOSHOW_AT:
        return num_value(f->noshow_at);
    case CALSYNC_F_NOSHOW_URI:
        return str_value(f->noshow_uri);
    case CALSYNC_F_NOSHOW_ABSENT_SEEN_AT:
        return num_value(f->noshow_absent_seen_at);
    case CALSYNC_F_INFO_UPDATED_AT:
        return num_value(f->info_updated_at);
    case CALSYNC_F_INFO_ENVELOPE_AT:
        return num_value(f->info_envelope_at);
    case CALSYNC_F_EMAIL:
        return str_value(f->email);
    case CALSYNC_F_NAME:
        return str_value(f->name);
    case CALSYNC_F_TIMEZONE:
        return str_value(f->timezone);
    case CALSYNC_F_CANCEL_URL:
        return str_value(f->cancel_url);
    case CALSYNC_F_RESCHEDULE_URL:
        return str_value(f->reschedule_url);
    case CALSYNC_F_INVITEE_CREATED_AT:
        return num_value(f->invitee_created_at);
    case CALSYNC_F_SCHED_UPDATED_AT:
        return num_value(f->sched_updated_at);
    case CALSYNC_F_START_AT:
        return num_value(f->start_at);
    case CALSYNC_F_END_AT:
        return num_value(f->end_at);
    case CALSYNC_F_EVENT_NAME:
        return str_value(f->event_name);
    case CALSYNC_F_EVENT_TYPE_URI:
        return str_value(f->event_type_uri);
    case CALSYNC_F_EVENT_STATUS:
        return str_value(f->event_status);
    case CALSYNC_F_LOCATION_TYPE:
        return str_value(f->location_type);
    case CALSYNC_F_JOIN_URL:
        return str_value(f->join_url);
    case CALSYNC_F_HOST_EMAIL:
        return str_value(f->host_email);
    case CALSYNC_F_HOST_NAME:
        return str_value(f->host_name);
    case CALSYNC_F_HOST_EMAILS:
        return str_value(f->host_emails);
    case CALSYNC_F_ERASED_AT:
        return num_value(f->erased_at);
    case CALSYNC_F_ENTERED_AT:
        return num_value(f->entered_at);
    case CALSYNC_F_ENTERED_BY:
        return num_value(f->entered_by);
    case CALSYNC_F_COUNT:
        break;
    }
    return num_value(0);
}

int support_state_field_equal(const calsync_facts *a, const calsync_facts *b, calsync_field f)
{
    field_value x = field_of(a, f), y = field_of(b, f);
    if (!x.is_str)
        return x.n == y.n;
    if (x.s.ptr == NULL || y.s.ptr == NULL)
        return x.s.ptr == y.s.ptr;
    return x.s.len == y.s.len && (x.s.len == 0 || memcmp(x.s.ptr, y.s.ptr, x.s.len) == 0);
}

uint64_t support_state_diff_mask(const calsync_facts *a, const calsync_facts *b)
{
    uint64_t m = 0;
    for (int f = 0; f < CALSYNC_F_COUNT; f++)
        if (!support_state_field_equal(a, b, (calsync_field)f))
            m |= (uint64_t)1 << f;
    return m;
}

int support_state_first_diff(const calsync_facts *a, const calsync_facts *b)
{
    for (int f = 0; f < CALSYNC_F_COUNT; f++)
        if (!support_state_field_equal(a, b, (calsync_field)f))
            return f;
    return -1;
}

static const calsync_field personal_fields[] = {
    CALSYNC_F_EMAIL,          CALSYNC_F_NAME,          CALSYNC_F_TIMEZONE,    CALSYNC_F_CANCEL_URL,
    CALSYNC_F_RESCHEDULE_URL, CALSYNC_F_CANCEL_REASON, CALSYNC_F_CANCELED_BY,
};

void support_state_forget_personal(calsync_facts *f)
{
    calsync_str absent = {NULL, 0};
    f->email = f->name = f->timezone = absent;
    f->cancel_url = f->reschedule_url = absent;
    f->cancel_reason = f->canceled_by = absent;
}

uint64_t support_state_personal_mask(void)
{
    uint64_t m = 0;
    for (size_t i = 0; i < sizeof personal_fields / sizeof personal_fields[0]; i++)
        m |= (uint64_t)1 << personal_fields[i];
    return m;
}

int support_state_first_personal(const calsync_facts *f)
{
    for (size_t i = 0; i < sizeof personal_fields / sizeof personal_fields[0]; i++)
        if (field_of(f, personal_fields[i]).s.ptr != NULL)
            return (int)personal_fields[i];
    return -1;
}

void support_state_print_field(FILE *out, const calsync_facts *f, calsync_field field)
{
    field_value v = field_of(f, field);
    if (v.is_str) {
        if (v.s.ptr == NULL)
            fputs("absent", out);
        else
            fprintf(out, "\"%.*s\"", (int)v.s.len, v.s.ptr);
    } else if (v.n == CALSYNC_TIME_NONE) {
        fputs("none", out);
    } else {
        fprintf(out, "%" PRId64, v.n);
    }
}

void support_state_print_facts(FILE *out, const char *label, const calsync_facts *f)
{
    calsync_facts empty;
    calsync_facts_init(&empty);
    int conflict;
    calsync_status s = calsync_state_derive(f, &conflict);
    fprintf(out, "  %s: status %s%s\n", label, calsync_status_name(s),
            conflict ? " (conflict)" : "");
    for (int i = 0; i < CALSYNC_F_COUNT; i++) {
        if (support_state_field_equal(f, &empty, (calsync_field)i))
            continue;
        fprintf(out, "    %s = ", calsync_field_name((calsync_field)i));
        support_state_print_field(out, f, (calsync_field)i);
        fputc('\n', out);
    }
}
