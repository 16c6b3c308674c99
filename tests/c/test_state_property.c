/* SPDX-License-Identifier: MIT */
/* Property test of the session state: random histories, permuted and duplicated, converge to the
 * same facts. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "calsync.h"
#include "support_state.h"

#define T(s) ((int64_t)(s)*1000000)

#define HISTORIES 10000
#define PERMUTATIONS 8 /* sampled orders per history, each with duplicates */
#define MAX_STEPS 12   /* events per history */
#define MAX_INVITEES 3 /* A -> B -> C */
#define MAX_ORDER (MAX_STEPS * 3)
#define FACT_SETS 20000 /* triples for the algebraic laws of the merge */

static const char *const invitee_uris[MAX_INVITEES] = {
    "https://api.calendly.com/scheduled_events/EA/invitees/IA",
    "https://api.calendly.com/scheduled_events/EB/invitees/IB",
    "https://api.calendly.com/scheduled_events/EC/invitees/IC",
};
static const char *const event_uris[MAX_INVITEES] = {
    "https://api.calendly.com/scheduled_events/EA",
    "https://api.calendly.com/scheduled_events/EB",
    "https://api.calendly.com/scheduled_events/EC",
};
static const char *const no_show_uris[MAX_INVITEES][2] = {
    {"https://api.calendly.com/invitee_no_shows/NA1",
     "https://api.calendly.com/invitee_no_shows/NA2"},
    {"https://api.calendly.com/invitee_no_shows/NB1",
     "https://api.calendly.com/invitee_no_shows/NB2"},
    {"https://api.calendly.com/invitee_no_shows/NC1",
     "https://api.calendly.com/invitee_no_shows/NC2"},
};
static const char *const names[] = {"Ana Ruiz", "Ana R.", "Ana Ruiz-Lopez"};
static const char *const timezones[] = {"America/Chicago", "Europe/Madrid"};
static const char *const reasons[] = {NULL, "", "Sick", "Schedule conflict"};
static const char *const canceler_names[] = {"Ana Ruiz", "Coach Lee"};
static const char *const canceler_types[] = {"invitee", "host"};
static const char *const mark_names[] = {"clear", "attended", "no_show", "rescheduled"};

/* ---- PRNG: xorshift64*, seeded through splitmix64 so that any seed works -- */

typedef struct prng {
    uint64_t s;
} prng;

static void prng_seed(prng *p, uint64_t seed)
{
    uint64_t z = seed + UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    p->s = z ? z : 1;
}

static uint64_t prng_next(prng *p)
{
    uint64_t x = p->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    p->s = x;
    return x * UINT64_C(0x2545F4914F6CDD1D);
}

static unsigned below(prng *p, unsigned n)
{
    return (unsigned)((prng_next(p) >> 32) % n);
}

/* ---- histories ------------------------------------------------------------- */

typedef enum step_kind { STEP_EVENT, STEP_MARK, STEP_SCHED, STEP_ERASE } step_kind;

typedef struct step {
    step_kind kind;
    int row;                       /* the invitee the step is about */
    calsync_event_view view;       /* STEP_EVENT: strings point into the static tables */
    int64_t now;                   /* STEP_EVENT: when a REST answer was read */
    calsync_mark mark;             /* STEP_MARK */
    calsync_scheduled_event sched; /* STEP_SCHED: a REST scheduled event */
    int64_t at;                    /* the generator's clock when it happened; STEP_ERASE's time */
} step;

typedef struct history {
    size_t n;
    step steps[MAX_STEPS];
} history;

/* What Calendly knows about one invitee at the generator's clock. */
typedef struct invitee_model {
    int exists;
    int canceled;
    int to, from; /* reschedule links, -1 when none */
    int64_t created_at, updated_at, canceled_at;
    int reason, canceler, name, tz;
    int no_show, no_show_variant;
    int64_t no_show_at;
    int64_t sched_updated_at;
    int64_t start_at;
} invitee_model;

typedef struct generator {
    prng *rng;
    int64_t clock;
    invitee_model inv[MAX_INVITEES];
    int ninv;
    int current; /* the live end of the reschedule chain */
    history *h;
} generator;

/* Time moves on by 0 (a tie, on purpose), whole seconds, or a few microseconds. */
static void tick(generator *g)
{
    switch (below(g->rng, 6)) {
    case 0:
        break;
    case 1:
        g->clock += 1 + below(g->rng, 3);
        break;
    default:
        g->clock += T(1 + below(g->rng, 3));
        break;
    }
}

static void view_of(generator *g, calsync_event_view *v, int i, calsync_event_kind kind)
{
    const invitee_model *m = &g->inv[i];
    support_state_view(v, kind, invitee_uris[i], event_uris[i], m->updated_at, g->clock);
    v->created_at = m->created_at;
    v->name = support_state_str(names[m->name]);
    v->timezone = support_state_str(timezones[m->tz]);
    v->status = m->canceled ? CALSYNC_INVITEE_CANCELED : CALSYNC_INVITEE_ACTIVE;
    if (m->from >= 0)
        v->old_invitee = support_state_str(invitee_uris[m->from]);
    if (m->canceled) {
        v->has_cancellation = 1;
        v->canceled_at = below(g->rng, 8) == 0 ? CALSYNC_TIME_NONE : m->canceled_at;
        v->cancel_reason = support_state_str(reasons[m->reason]);
        v->canceled_by = support_state_str(canceler_names[m->canceler]);
        v->canceler_type = support_state_str(canceler_types[m->canceler]);
        if (m->to >= 0) {
            v->rescheduled = 1;
            v->new_invitee = support_state_str(invitee_uris[m->to]);
        }
    }
    if (m->no_show && kind != CALSYNC_EVENT_NO_SHOW_DELETED) {
        v->has_no_show = 1;
        v->no_show_uri = support_state_str(no_show_uris[i][m->no_show_variant]);
        v->no_show_created_at = m->no_show_at;
    }
    if (kind != CALSYNC_EVENT_REST_INVITEE && below(g->rng, 4) != 0) {
        int64_t version = below(g->rng, 8) == 0 ? CALSYNC_TIME_NONE : m->sched_updated_at;
        support_state_embed_sched(v, version, m->start_at);
        v->scheduled_event.status = support_state_str(m->canceled ? "canceled" : "active");
    }
}

static step *push(generator *g, step_kind kind, int row)
{
    step *s = &g->h->steps[g->h->n++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->row = row;
    s->now = CALSYNC_TIME_NONE;
    s->at = g->clock;
    return s;
}

static void emit(generator *g, int i, calsync_event_kind kind)
{
    step *s = push(g, STEP_EVENT, i);
    view_of(g, &s->view, i, kind);
    if (kind == CALSYNC_EVENT_REST_INVITEE)
        s->now = g->clock;
}

static void book(generator *g, int i, int from)
{
    invitee_model *m = &g->inv[i];
    memset(m, 0, sizeof *m);
    m->exists = 1;
    m->to = -1;
    m->from = from;
    m->created_at = m->updated_at = g->clock;
    m->name = (int)below(g->rng, 2);
    m->sched_updated_at = g->clock;
    m->start_at = g->clock + T(86400 + 3600 * (int)below(g->rng, 48));
    emit(g, i, CALSYNC_EVENT_INVITEE_CREATED);
}

static void cancel(generator *g, int i, int to)
{
    invitee_model *m = &g->inv[i];
    m->canceled = 1;
    m->to = to;
    m->canceled_at = m->updated_at = m->sched_updated_at = g->clock;
    m->reason = (int)below(g->rng, 4);
    m->canceler = (int)below(g->rng, 2);
    emit(g, i, CALSYNC_EVENT_INVITEE_CANCELED);
}

static int random_existing(generator *g)
{
    return (int)below(g->rng, (unsigned)g->ninv);
}

/* Whether Calendly moves updated_at on a no-show is OPEN: do both. */
static void maybe_touch(generator *g, invitee_model *m)
{
    if (below(g->rng, 2))
        m->updated_at = g->clock;
}

static void generate(history *h, prng *rng)
{
    generator g;
    memset(&g, 0, sizeof g);
    g.rng = rng;
    g.h = h;
    g.clock = T(1700000000) + T(below(rng, 1000));
    h->n = 0;
    size_t target = 1 + below(rng, MAX_STEPS);
    g.ninv = 1;
    book(&g, 0, -1);
    while (h->n < target) {
        tick(&g);
        invitee_model *cur = &g.inv[g.current];
        int i = random_existing(&g);
        invitee_model *m = &g.inv[i];
        switch (below(rng, 9)) {
        case 0:
            if (g.ninv < MAX_INVITEES && !cur->canceled && h->n + 2 <= target) {
                int old = g.current, young = g.ninv++;
                cancel(&g, old, young);
                if (below(rng, 2))
                    tick(&g);
                book(&g, young, old);
                g.current = young;
                continue;
            }
            break;
        case 1:
            if (!cur->canceled) {
                cancel(&g, g.current, -1);
                continue;
            }
            break;
        case 2:
            if (!m->no_show) {
                m->no_show = 1;
                m->no_show_variant = !m->no_show_variant;
                m->no_show_at = g.clock;
                maybe_touch(&g, m);
                emit(&g, i, CALSYNC_EVENT_NO_SHOW_CREATED);
                continue;
            }
            break;
        case 3:
            if (m->no_show) {
                m->no_show = 0;
                maybe_touch(&g, m);
                emit(&g, i, CALSYNC_EVENT_NO_SHOW_DELETED);
                continue;
            }
            break;
        case 4:
            emit(&g, i, CALSYNC_EVENT_REST_INVITEE);
            continue;
        case 6: {
            /* A back-fill or lookup reads the scheduled event through REST. */
            step *s = push(&g, STEP_SCHED, i);
            calsync_event_view holder;
            support_state_view(&holder, CALSYNC_EVENT_REST_INVITEE, invitee_uris[i], event_uris[i],
                               m->updated_at, CALSYNC_TIME_NONE);
            support_state_embed_sched(&holder, m->sched_updated_at, m->start_at);
            holder.scheduled_event.status = support_state_str(m->canceled ? "canceled" : "active");
            s->sched = holder.scheduled_event;
            continue;
        }
        case 7:
            /* A privacy erasure of the row (the portal's eraser); Calendly
             * keeps the invitee and may go on sending it. */
            if (below(rng, 3) == 0) {
                push(&g, STEP_ERASE, i);
                continue;
            }
            break;
        case 5:
            m->name = (int)below(rng, 3);
            m->tz = (int)below(rng, 2);
            m->updated_at = g.clock;
            emit(&g, i, CALSYNC_EVENT_REST_INVITEE);
            continue;
        default:
            break;
        }
        /* A coach mark is always possible; any invitee of the chain, any value. */
        step *s = push(&g, STEP_MARK, (int)below(rng, (unsigned)g.ninv));
        s->mark.value = (calsync_mark_value)below(rng, 4);
        s->mark.at = g.clock;
        s->mark.by = 1 + (int64_t)below(rng, 3);
    }
}

/* ---- running a history ------------------------------------------------------- */

typedef struct rows {
    int exists[MAX_INVITEES];
    calsync_facts f[MAX_INVITEES];
} rows;

static int row_of(calsync_str uri)
{
    for (int i = 0; i < MAX_INVITEES; i++)
        if (uri.ptr != NULL && uri.len == strlen(invitee_uris[i]) &&
            memcmp(uri.ptr, invitee_uris[i], uri.len) == 0)
            return i;
    return -1;
}

/*
 * The rule for a coach mark (or a REST scheduled event) on a row that does
 * not exist yet, possible only in a permuted order since the plugin marks
 * and looks up rows the sync has made: the row starts as calsync_facts_init
 * with its invitee URI set.  That is exactly what apply_event and apply_peer
 * start from when stored == NULL, so the reference run and every permuted
 * run treat such a row alike, whichever step happens to create it.
 */
static int apply_step(rows *r, const step *s, calsync_error *err)
{
    int i = s->row;
    if (s->kind != STEP_EVENT && !r->exists[i]) {
        calsync_facts_init(&r->f[i]);
        r->f[i].invitee_uri = support_state_str(invitee_uris[i]);
        r->exists[i] = 1;
    }
    if (s->kind == STEP_MARK)
        return calsync_state_apply_mark(&r->f[i], NULL, &r->f[i], &s->mark, err);
    if (s->kind == STEP_SCHED)
        return calsync_state_apply_sched(&r->f[i], NULL, &r->f[i], &s->sched, err);
    if (s->kind == STEP_ERASE)
        return calsync_state_apply_erasure(&r->f[i], NULL, &r->f[i], s->at, err);
    int rc = calsync_state_apply_event(&r->f[i], NULL, r->exists[i] ? &r->f[i] : NULL, &s->view,
                                       s->now, err);
    if (rc != CALSYNC_OK)
        return rc;
    r->exists[i] = 1;
    /* Like the plugin, every peer the event names, in the core's order. */
    calsync_str peers[CALSYNC_PEERS_MAX];
    size_t n = calsync_state_peer_uris(&s->view, peers);
    for (size_t k = 0; k < n; k++) {
        int p = row_of(peers[k]);
        if (p < 0 || p == i)
            continue;
        rc = calsync_state_apply_peer_uri(&r->f[p], NULL, r->exists[p] ? &r->f[p] : NULL, &s->view,
                                          peers[k], err);
        if (rc != CALSYNC_OK)
            return rc;
        r->exists[p] = 1;
    }
    return CALSYNC_OK;
}

static const char *kind_name(calsync_event_kind k)
{
    switch (k) {
    case CALSYNC_EVENT_INVITEE_CREATED:
        return "invitee.created";
    case CALSYNC_EVENT_INVITEE_CANCELED:
        return "invitee.canceled";
    case CALSYNC_EVENT_NO_SHOW_CREATED:
        return "invitee_no_show.created";
    case CALSYNC_EVENT_NO_SHOW_DELETED:
        return "invitee_no_show.deleted";
    case CALSYNC_EVENT_REST_INVITEE:
        return "rest invitee";
    case CALSYNC_EVENT_OTHER:
        break;
    }
    return "other";
}

static void print_history(const history *h, int64_t base)
{
    for (size_t k = 0; k < h->n; k++) {
        const step *s = &h->steps[k];
        char who = (char)('A' + s->row);
        if (s->kind == STEP_MARK) {
            fprintf(stderr, "  #%zu mark %c %s at=%+" PRId64 "us by=%" PRId64 "\n", k, who,
                    mark_names[s->mark.value], s->mark.at - base, s->mark.by);
            continue;
        }
        if (s->kind == STEP_SCHED) {
            fprintf(stderr, "  #%zu rest scheduled event of %c updated=%+" PRId64 "us\n", k, who,
                    s->sched.updated_at - base);
            continue;
        }
        if (s->kind == STEP_ERASE) {
            fprintf(stderr, "  #%zu erasure of %c at=%+" PRId64 "us\n", k, who, s->at - base);
            continue;
        }
        const calsync_event_view *v = &s->view;
        fprintf(stderr, "  #%zu %s %c status=%s updated=%+" PRId64 "us", k, kind_name(v->kind), who,
                v->status == CALSYNC_INVITEE_CANCELED ? "canceled" : "active",
                v->updated_at - base);
        if (v->envelope_created_at != CALSYNC_TIME_NONE)
            fprintf(stderr, " envelope=%+" PRId64 "us", v->envelope_created_at - base);
        if (s->now != CALSYNC_TIME_NONE)
            fprintf(stderr, " now=%+" PRId64 "us", s->now - base);
        if (v->old_invitee.ptr)
            fprintf(stderr, " old=%c", 'A' + row_of(v->old_invitee));
        if (v->new_invitee.ptr)
            fprintf(stderr, " new=%c", 'A' + row_of(v->new_invitee));
        if (v->has_no_show)
            fprintf(stderr, " no_show@%+" PRId64 "us", v->no_show_created_at - base);
        if (v->scheduled_event.present)
            fprintf(stderr, " sched");
        fputc('\n', stderr);
    }
}

typedef struct stats {
    unsigned long steps, applications, rows, ties;
    unsigned long status[CALSYNC_STATUS_NO_SHOW + 1];
    unsigned long conflicts, reschedules, erased;
} stats;

static void run_in_order(rows *r, const history *h, const size_t *order, size_t n, uint64_t seed,
                         unsigned long index)
{
    memset(r, 0, sizeof *r);
    for (size_t k = 0; k < n; k++) {
        calsync_error err;
        if (apply_step(r, &h->steps[order[k]], &err) != CALSYNC_OK) {
            fprintf(stderr, "property seed: %" PRIu64 ", history %lu: step #%zu failed: %s\n", seed,
                    index, order[k], err.message);
            print_history(h, h->steps[0].view.updated_at);
            fail();
        }
    }
}

/* The earliest erasure of row i in the history, or CALSYNC_TIME_NONE. */
static int64_t erased_at_of(const history *h, int i)
{
    int64_t at = CALSYNC_TIME_NONE;
    for (size_t k = 0; k < h->n; k++)
        if (h->steps[k].kind == STEP_ERASE && h->steps[k].row == i &&
            (at == CALSYNC_TIME_NONE || h->steps[k].at < at))
            at = h->steps[k].at;
    return at;
}

/* A history that erases a row leaves it erased, at its earliest erasure,
 * with no personal fact, whatever came after. */
static void check_erasures(const rows *r, const history *h, uint64_t seed, unsigned long index,
                           const char *which)
{
    for (int i = 0; i < MAX_INVITEES; i++) {
        int64_t want = erased_at_of(h, i);
        if (!r->exists[i]) {
            if (want == CALSYNC_TIME_NONE)
                continue;
        } else if (r->f[i].erased_at == want &&
                   (want == CALSYNC_TIME_NONE || support_state_first_personal(&r->f[i]) < 0)) {
            continue;
        }
        fprintf(stderr, "property seed: %" PRIu64 ", history %lu (%s): row %c erasure broken\n",
                seed, index, which, 'A' + i);
        print_history(h, h->steps[0].view.updated_at);
        if (r->exists[i]) {
            int f = support_state_first_personal(&r->f[i]);
            if (f >= 0)
                fprintf(stderr, "  personal field %s survived\n",
                        calsync_field_name((calsync_field)f));
            support_state_print_facts(stderr, which, &r->f[i]);
        }
        fail();
    }
}

static void test_histories_converge_under_permutation_and_duplication(void **state)
{
    const uint64_t seed = *(const uint64_t *)*state;
    prng rng;
    prng_seed(&rng, seed);
    stats st;
    memset(&st, 0, sizeof st);
    history h;

    for (unsigned long index = 0; index < HISTORIES; index++) {
        generate(&h, &rng);
        size_t identity[MAX_STEPS];
        for (size_t k = 0; k < h.n; k++)
            identity[k] = k;
        rows want;
        run_in_order(&want, &h, identity, h.n, seed, index);
        check_erasures(&want, &h, seed, index, "in order");
        st.steps += h.n;
        for (size_t k = 1; k < h.n; k++)
            st.ties += h.steps[k - 1].at == h.steps[k].at;

        for (int perm = 0; perm < PERMUTATIONS; perm++) {
            size_t order[MAX_ORDER], n = 0;
            for (size_t k = 0; k < h.n; k++)
                for (unsigned d = 1 + below(&rng, 3); d > 0; d--)
                    order[n++] = k;
            for (size_t k = n; k > 1; k--) {
                size_t j = below(&rng, (unsigned)k);
                size_t t = order[k - 1];
                order[k - 1] = order[j];
                order[j] = t;
            }
            rows got;
            run_in_order(&got, &h, order, n, seed, index);
            check_erasures(&got, &h, seed, index, "permuted");
            st.applications += n;

            for (int i = 0; i < MAX_INVITEES; i++) {
                int wc = 0, gc = 0;
                calsync_status ws = want.exists[i] ? calsync_state_derive(&want.f[i], &wc)
                                                   : CALSYNC_STATUS_SCHEDULED;
                calsync_status gs =
                    got.exists[i] ? calsync_state_derive(&got.f[i], &gc) : CALSYNC_STATUS_SCHEDULED;
                int same = want.exists[i] == got.exists[i] &&
                           (!want.exists[i] || calsync_facts_equal(&want.f[i], &got.f[i]));
                if (same && ws == gs && wc == gc)
                    continue;
                fprintf(stderr,
                        "property seed: %" PRIu64
                        ", history %lu, permutation %d: row %c diverges\n",
                        seed, index, perm, 'A' + i);
                int64_t base = h.steps[0].view.updated_at;
                print_history(&h, base);
                fprintf(stderr, "  order:");
                for (size_t k = 0; k < n; k++)
                    fprintf(stderr, " #%zu", order[k]);
                fputc('\n', stderr);
                if (want.exists[i] != got.exists[i]) {
                    fprintf(stderr, "  row exists: in order %d, permuted %d\n", want.exists[i],
                            got.exists[i]);
                } else {
                    int f = support_state_first_diff(&want.f[i], &got.f[i]);
                    if (f >= 0) {
                        fprintf(stderr, "  field %s: in order ",
                                calsync_field_name((calsync_field)f));
                        support_state_print_field(stderr, &want.f[i], (calsync_field)f);
                        fprintf(stderr, ", permuted ");
                        support_state_print_field(stderr, &got.f[i], (calsync_field)f);
                        fputc('\n', stderr);
                    }
                    fprintf(stderr, "  status: in order %s, permuted %s\n", calsync_status_name(ws),
                            calsync_status_name(gs));
                    support_state_print_facts(stderr, "in order", &want.f[i]);
                    support_state_print_facts(stderr, "permuted", &got.f[i]);
                }
                fail();
            }
        }
        for (int i = 0; i < MAX_INVITEES; i++) {
            if (!want.exists[i])
                continue;
            int conflict;
            st.rows++;
            st.status[calsync_state_derive(&want.f[i], &conflict)]++;
            st.conflicts += (unsigned long)conflict;
            st.reschedules += want.f[i].rescheduled_to_uri.ptr != NULL;
            st.erased += want.f[i].erased_at != CALSYNC_TIME_NONE;
        }
    }
    printf(
        "property: %d histories, %lu events (%lu same-time neighbours), %d orders each, "
        "%lu applications; %lu rows: scheduled %lu, canceled %lu, rescheduled %lu, attended %lu, "
        "no_show %lu; %lu conflicts, %lu reschedule links, %lu erased\n",
        HISTORIES, st.steps, st.ties, PERMUTATIONS, st.applications, st.rows,
        st.status[CALSYNC_STATUS_SCHEDULED], st.status[CALSYNC_STATUS_CANCELED],
        st.status[CALSYNC_STATUS_RESCHEDULED], st.status[CALSYNC_STATUS_ATTENDED],
        st.status[CALSYNC_STATUS_NO_SHOW], st.conflicts, st.reschedules, st.erased);
    /* The generator must reach every status, or the property proves little. */
    for (int s = 0; s <= CALSYNC_STATUS_NO_SHOW; s++)
        assert_true(st.status[s] > 0);
    assert_true(st.conflicts > 0 && st.reschedules > 0 && st.ties > 0);
    /* Erased rows must be common, and so must rows that are not. */
    assert_true(st.erased > 0 && st.erased < st.rows);
}

/* ---- algebraic laws of the merge -------------------------------------------- */

static calsync_str pick_str(prng *rng, const char *const *pool, unsigned n)
{
    unsigned k = below(rng, n + 1);
    return support_state_str(k == n ? NULL : pool[k]);
}

static int64_t pick_time(prng *rng)
{
    unsigned k = below(rng, 4);
    return k == 0 ? CALSYNC_TIME_NONE : T(k);
}

/* Small pools, so that equal times and equal values (the tie-breaks) are common. */
static void random_facts(calsync_facts *f, prng *rng)
{
    static const char *const uris[] = {"https://x/1", "https://x/2", ""};
    static const char *const words[] = {"a", "b", "ab"};
    calsync_facts_init(f);
    f->invitee_uri = below(rng, 2) ? support_state_str(invitee_uris[0]) : support_state_str(NULL);
    f->booked = (int)below(rng, 2);
    f->event_uri = pick_str(rng, uris, 3);
    f->canceled = (int)below(rng, 2);
    f->cancel_at = pick_time(rng);
    f->cancel_reason = pick_str(rng, words, 3);
    f->canceled_by = pick_str(rng, words, 3);
    f->canceler_type = pick_str(rng, canceler_types, 2);
    f->reschedule_canceled = (int)below(rng, 2);
    f->rescheduled_to_uri = pick_str(rng, uris, 3);
    f->rescheduled_from_uri = pick_str(rng, uris, 3);
    f->coach_mark = (calsync_mark_value)below(rng, 4);
    f->coach_mark_at = pick_time(rng);
    f->coach_mark_by = below(rng, 3);
    f->noshow = (calsync_noshow_state)below(rng, 3);
    f->noshow_at = pick_time(rng);
    f->noshow_uri = pick_str(rng, uris, 3);
    f->noshow_absent_seen_at = pick_time(rng);
    f->info_updated_at = pick_time(rng);
    f->info_envelope_at = pick_time(rng);
    f->email = pick_str(rng, words, 3);
    f->name = pick_str(rng, words, 3);
    f->timezone = pick_str(rng, timezones, 2);
    f->cancel_url = pick_str(rng, uris, 3);
    f->reschedule_url = pick_str(rng, uris, 3);
    f->invitee_created_at = pick_time(rng);
    f->sched_updated_at = pick_time(rng);
    f->start_at = pick_time(rng);
    f->end_at = pick_time(rng);
    f->event_name = pick_str(rng, words, 3);
    f->event_type_uri = pick_str(rng, uris, 3);
    f->event_status = pick_str(rng, words, 3);
    f->location_type = pick_str(rng, words, 3);
    f->join_url = pick_str(rng, uris, 3);
    f->host_email = pick_str(rng, words, 3);
    f->host_name = pick_str(rng, words, 3);
    f->host_emails = pick_str(rng, words, 3);
    /* Often erased; and then sometimes still holding personal facts, as a
     * row the eraser only tombstoned would: the join must empty them. */
    f->erased_at = below(rng, 3) == 0 ? pick_time(rng) : CALSYNC_TIME_NONE;
    f->entered_at = pick_time(rng);
    f->entered_by = (int64_t)below(rng, 3);
}

/* What the join makes of facts on their own: no personal fact once erased. */
static calsync_facts normalized(const calsync_facts *f)
{
    calsync_facts n = *f;
    if (n.erased_at != CALSYNC_TIME_NONE)
        support_state_forget_personal(&n);
    return n;
}

static calsync_facts merged(const calsync_facts *a, const calsync_facts *b)
{
    calsync_facts out;
    calsync_error err;
    int rc = calsync_state_merge(&out, a, b, &err);
    if (rc != CALSYNC_OK)
        fail_msg("merge failed: %s", err.message);
    return out;
}

static void expect_equal(const char *law, const calsync_facts *x, const calsync_facts *y,
                         uint64_t seed, unsigned long index)
{
    if (calsync_facts_equal(x, y) && support_state_first_diff(x, y) < 0)
        return;
    int f = support_state_first_diff(x, y);
    fprintf(stderr, "property seed: %" PRIu64 ", fact set %lu: %s fails on field %s\n", seed, index,
            law, f >= 0 ? calsync_field_name((calsync_field)f) : "(library and test disagree)");
    support_state_print_facts(stderr, "left", x);
    support_state_print_facts(stderr, "right", y);
    fail();
}

static void test_merge_is_commutative_associative_and_idempotent(void **state)
{
    const uint64_t seed = *(const uint64_t *)*state;
    prng rng;
    prng_seed(&rng, seed ^ UINT64_C(0x5eed));
    calsync_facts empty;
    calsync_facts_init(&empty);
    for (unsigned long index = 0; index < FACT_SETS; index++) {
        calsync_facts a, b, c;
        random_facts(&a, &rng);
        random_facts(&b, &rng);
        random_facts(&c, &rng);
        calsync_facts ab = merged(&a, &b), ba = merged(&b, &a);
        expect_equal("merge(a,b) == merge(b,a)", &ab, &ba, seed, index);
        calsync_facts bc = merged(&b, &c);
        calsync_facts left = merged(&a, &bc), right = merged(&ab, &c);
        expect_equal("merge(a,merge(b,c)) == merge(merge(a,b),c)", &left, &right, seed, index);
        calsync_facts na = normalized(&a);
        calsync_facts aa = merged(&a, &a);
        expect_equal("merge(a,a) == a", &aa, &na, seed, index);
        calsync_facts ae = merged(&a, &empty);
        expect_equal("merge(a,empty) == a", &ae, &na, seed, index);
        calsync_facts nana = merged(&na, &na);
        expect_equal("merge(a,a) == a on normalized facts", &nana, &na, seed, index);
        /* Erasure: the result is erased iff an input is, at the earliest
         * time, with no personal fact; and the non-personal facts are those
         * of the join of the inputs with their personal facts emptied. */
        int64_t want_erased = a.erased_at == CALSYNC_TIME_NONE   ? b.erased_at
                              : b.erased_at == CALSYNC_TIME_NONE ? a.erased_at
                              : a.erased_at < b.erased_at        ? a.erased_at
                                                                 : b.erased_at;
        if (ab.erased_at != want_erased ||
            (want_erased != CALSYNC_TIME_NONE && support_state_first_personal(&ab) >= 0))
            fail_msg("property seed: %" PRIu64 ", fact set %lu: erasure of merge(a,b) is wrong",
                     seed, index);
        calsync_facts fa = a, fb = b;
        support_state_forget_personal(&fa);
        support_state_forget_personal(&fb);
        calsync_facts fab = merged(&fa, &fb);
        uint64_t d = support_state_diff_mask(&fab, &ab) & ~support_state_personal_mask();
        for (int f = 0; f < CALSYNC_F_COUNT; f++)
            if (d & ((uint64_t)1 << f))
                fail_msg("property seed: %" PRIu64 ", fact set %lu: emptying the personal facts "
                         "changes the merge of %s",
                         seed, index, calsync_field_name((calsync_field)f));
        /* The join is an upper bound: merging the result with an input changes nothing. */
        calsync_facts again = merged(&ab, &a);
        expect_equal("merge(merge(a,b),a) == merge(a,b)", &again, &ab, seed, index);
    }
}

/* ---- the derived fields and the two-way no-show over random facts ------------ */

static void test_assessment_agrees_with_derive_and_the_stored_columns_rule(void **state)
{
    const uint64_t seed = *(const uint64_t *)*state;
    prng rng;
    prng_seed(&rng, seed ^ UINT64_C(0xa55e55));
    unsigned long due = 0, needs = 0, counts = 0, creates = 0, deletes = 0;
    for (unsigned long index = 0; index < FACT_SETS; index++) {
        calsync_facts f, g;
        random_facts(&f, &rng);
        random_facts(&g, &rng);
        int64_t now = pick_time(&rng);
        if (now == CALSYNC_TIME_NONE)
            now = T(2);
        calsync_assessment a;
        calsync_state_assess(&a, &f, now);
        int conflict;
        calsync_status s = calsync_state_derive(&f, &conflict);
        /* The plugin's SQL over the stored columns: status = 'scheduled' AND
         * end_at IS NOT NULL AND end_at < now. */
        int sql_needs =
            s == CALSYNC_STATUS_SCHEDULED && f.end_at != CALSYNC_TIME_NONE && f.end_at < now;
        if (a.status != s || a.conflict != conflict || a.mark != calsync_state_current_mark(&f) ||
            a.needs_attendance != sql_needs ||
            (a.attendance_due_at != CALSYNC_TIME_NONE) !=
                (s == CALSYNC_STATUS_SCHEDULED && f.end_at != CALSYNC_TIME_NONE) ||
            (a.attendance_due_at != CALSYNC_TIME_NONE && a.attendance_due_at != f.end_at) ||
            a.counts_alone != (s == CALSYNC_STATUS_ATTENDED))
            fail_msg("property seed: %" PRIu64 ", fact set %lu: the assessment disagrees", seed,
                     index);
        due += a.attendance_due_at != CALSYNC_TIME_NONE;
        needs += (unsigned long)a.needs_attendance;
        counts += (unsigned long)a.counts_alone;

        /* Outbound actions only ever follow a change of the current mark
         * to or from no_show, and only in two-way mode. */
        calsync_outbound out[CALSYNC_OUTBOUND_MAX];
        size_t n = 9;
        assert_int_equal(calsync_state_mark_outbound(out, &n, &f, &g, 0, NULL), CALSYNC_OK);
        assert_int_equal(n, 0);
        assert_int_equal(calsync_state_mark_outbound(out, &n, &f, &g, 1, NULL), CALSYNC_OK);
        int was = calsync_state_current_mark(&f) == CALSYNC_MARK_NO_SHOW;
        int is = calsync_state_current_mark(&g) == CALSYNC_MARK_NO_SHOW;
        if (n == 1) {
            assert_true(g.invitee_uri.ptr != NULL && g.invitee_uri.len > 0);
            if (out[0].action == CALSYNC_OUTBOUND_CREATE_NO_SHOW) {
                assert_true(is && !was && (g.noshow_uri.ptr == NULL || g.noshow_uri.len == 0));
                creates++;
            } else {
                assert_int_equal(out[0].action, CALSYNC_OUTBOUND_DELETE_NO_SHOW);
                assert_true(was && !is);
                deletes++;
            }
        } else {
            assert_int_equal(n, 0);
            assert_false(g.invitee_uri.len > 0 && g.invitee_uri.ptr != NULL && was && !is);
        }
        /* With the marks swapped, a create becomes a delete. */
        size_t m = 9;
        calsync_outbound back[CALSYNC_OUTBOUND_MAX];
        assert_int_equal(calsync_state_mark_outbound(back, &m, &g, &f, 1, NULL), CALSYNC_OK);
        if (n == 1 && out[0].action == CALSYNC_OUTBOUND_CREATE_NO_SHOW && f.invitee_uri.len > 0 &&
            f.invitee_uri.ptr != NULL)
            assert_true(m == 1 && back[0].action == CALSYNC_OUTBOUND_DELETE_NO_SHOW);
    }
    printf("assessment: %d fact sets; %lu due, %lu needing attendance, %lu counting alone; "
           "%lu creates, %lu deletes\n",
           FACT_SETS, due, needs, counts, creates, deletes);
    assert_true(due > 0 && needs > 0 && needs < due && counts > 0 && creates > 0 && deletes > 0);
}

/* ---- reschedule chains ------------------------------------------------------- */

#define CHAIN_POOL 26 /* distinct invitees a chain set draws from */
#define CHAIN_SETS 20000
#define CHAIN_MAX (CHAIN_POOL + 2)

typedef struct chain_set {
    size_t n;
    int id[CHAIN_MAX];   /* pool index of each row's URI */
    int next[CHAIN_MAX]; /* pool index of its link, -1 none */
    calsync_chain_row rows[CHAIN_MAX];
    char uri[CHAIN_MAX][64];
    char to[CHAIN_MAX][64];
} chain_set;

/* The URI of pool entry k, in a case chosen by `mask` (one bit per letter). */
static void pool_uri(char *buf, size_t cap, int k, uint64_t mask)
{
    snprintf(buf, cap, "https://api.calendly.com/scheduled_events/ev%c/invitees/in%c", 'a' + k,
             'a' + k);
    for (size_t i = 0; buf[i] != '\0'; i++, mask = (mask >> 1) | (mask << 63))
        if ((mask & 1u) && buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] = (char)(buf[i] - 'a' + 'A');
}

static void chain_set_views(chain_set *c, prng *rng, int recase)
{
    for (size_t i = 0; i < c->n; i++) {
        pool_uri(c->uri[i], sizeof c->uri[i], c->id[i], recase ? prng_next(rng) : 0);
        c->rows[i].uri = support_state_str(c->uri[i]);
        if (c->next[i] >= 0) {
            pool_uri(c->to[i], sizeof c->to[i], c->next[i], recase ? prng_next(rng) : 0);
            c->rows[i].rescheduled_to_uri = support_state_str(c->to[i]);
        } else {
            c->rows[i].rescheduled_to_uri = support_state_str(NULL);
        }
    }
}

static void random_chain_row(chain_set *c, size_t i, int id, prng *rng)
{
    static const calsync_status statuses[] = {CALSYNC_STATUS_ATTENDED,    CALSYNC_STATUS_ATTENDED,
                                              CALSYNC_STATUS_ATTENDED,    CALSYNC_STATUS_SCHEDULED,
                                              CALSYNC_STATUS_RESCHEDULED, CALSYNC_STATUS_NO_SHOW,
                                              CALSYNC_STATUS_CANCELED};
    c->id[i] = id;
    unsigned k = below(rng, 8);
    c->next[i] = k < 6 ? (int)below(rng, CHAIN_POOL) : -1; /* often to a row not given */
    c->rows[i].status = statuses[below(rng, 7)];
    unsigned st = below(rng, 4);
    c->rows[i].has_student = st != 0;
    c->rows[i].student_id = st;
}

/* A random set of rows with distinct URIs; the links go anywhere (loops included). */
static void random_chain_set(chain_set *c, prng *rng)
{
    int used[CHAIN_POOL] = {0};
    c->n = 1 + below(rng, CHAIN_POOL - 2);
    for (size_t i = 0; i < c->n; i++) {
        int id;
        do
            id = (int)below(rng, CHAIN_POOL);
        while (used[id]);
        used[id] = 1;
        random_chain_row(c, i, id, rng);
    }
    chain_set_views(c, rng, 0);
}

/* The rule as the brief words it, written independently: walk by pool index. */
static int oracle_counts(const chain_set *c, size_t i)
{
    const calsync_chain_row *r = &c->rows[i];
    if (r->status != CALSYNC_STATUS_ATTENDED || !r->has_student)
        return 0;
    int visited[CHAIN_POOL] = {0};
    visited[c->id[i]] = 1;
    int at = c->next[i];
    for (int steps = 0; steps < CALSYNC_CHAIN_STEPS && at >= 0; steps++) {
        size_t j = 0;
        while (j < c->n && c->id[j] != at)
            j++;
        if (j == c->n || visited[at])
            return 1;
        const calsync_chain_row *s = &c->rows[j];
        if (s->status == CALSYNC_STATUS_ATTENDED && s->has_student &&
            s->student_id == r->student_id)
            return 0;
        visited[at] = 1;
        at = c->next[j];
    }
    return 1;
}

static void chain_counts_of(int *out, const chain_set *c)
{
    calsync_error err;
    if (calsync_state_chain_counts(out, c->rows, c->n, &err) != CALSYNC_OK)
        fail_msg("chain counts failed: %s", err.message);
}

static void print_chain_set(const chain_set *c, const int *counts)
{
    for (size_t i = 0; i < c->n; i++)
        fprintf(stderr, "  row %zu: %c -> %c %s student %s%" PRId64 " counts %d\n", i,
                'a' + c->id[i], c->next[i] >= 0 ? 'a' + c->next[i] : '-',
                calsync_status_name(c->rows[i].status), c->rows[i].has_student ? "" : "none ",
                c->rows[i].student_id, counts ? counts[i] : -1);
}

static void chain_fail(const char *law, const chain_set *c, const int *counts, uint64_t seed,
                       unsigned long index)
{
    fprintf(stderr, "property seed: %" PRIu64 ", chain set %lu: %s\n", seed, index, law);
    print_chain_set(c, counts);
    fail();
}

static void test_chain_standing_is_the_rule_whatever_the_order_case_or_extra_rows(void **state)
{
    const uint64_t seed = *(const uint64_t *)*state;
    prng rng;
    prng_seed(&rng, seed ^ UINT64_C(0xc4a1));
    unsigned long rows_seen = 0, counting = 0, superseded = 0;
    for (unsigned long index = 0; index < CHAIN_SETS; index++) {
        chain_set c;
        random_chain_set(&c, &rng);
        int base[CHAIN_MAX];
        chain_counts_of(base, &c);
        for (size_t i = 0; i < c.n; i++) {
            if (base[i] != oracle_counts(&c, i))
                chain_fail("differs from the rule", &c, base, seed, index);
            if (base[i] && (c.rows[i].status != CALSYNC_STATUS_ATTENDED || !c.rows[i].has_student))
                chain_fail("a row that is not an attended student row counts", &c, base, seed,
                           index);
            rows_seen++;
            counting += (unsigned long)base[i];
            superseded +=
                c.rows[i].status == CALSYNC_STATUS_ATTENDED && c.rows[i].has_student && !base[i];
        }

        /* Permuting the input permutes the answers, nothing more. */
        chain_set p = c;
        size_t perm[CHAIN_MAX];
        for (size_t i = 0; i < c.n; i++)
            perm[i] = i;
        for (size_t k = c.n; k > 1; k--) {
            size_t j = below(&rng, (unsigned)k), t = perm[k - 1];
            perm[k - 1] = perm[j];
            perm[j] = t;
        }
        for (size_t i = 0; i < c.n; i++) {
            p.id[i] = c.id[perm[i]];
            p.next[i] = c.next[perm[i]];
            p.rows[i] = c.rows[perm[i]];
        }
        chain_set_views(&p, &rng, 1); /* and in other letter cases */
        int got[CHAIN_MAX];
        chain_counts_of(got, &p);
        for (size_t i = 0; i < c.n; i++)
            if (got[i] != base[perm[i]])
                chain_fail("permuting or recasing the rows changes an answer", &p, got, seed,
                           index);

        /* A row nobody links to changes no other row's answer. */
        int linked[CHAIN_POOL] = {0}, present[CHAIN_POOL] = {0};
        for (size_t i = 0; i < c.n; i++) {
            present[c.id[i]] = 1;
            if (c.next[i] >= 0)
                linked[c.next[i]] = 1;
        }
        int fresh = -1;
        for (int k = 0; k < CHAIN_POOL && fresh < 0; k++)
            if (!present[k] && !linked[k])
                fresh = k;
        if (fresh >= 0) {
            chain_set x = c;
            random_chain_row(&x, x.n, fresh, &rng);
            x.n++;
            chain_set_views(&x, &rng, 0);
            chain_counts_of(got, &x);
            for (size_t i = 0; i + 1 < x.n; i++)
                if (got[i] != base[i])
                    chain_fail("an unrelated row changes an answer", &x, got, seed, index);
        }

        /* The same row given twice is one row. */
        chain_set d = c;
        size_t which = below(&rng, (unsigned)c.n);
        d.id[d.n] = c.id[which];
        d.next[d.n] = c.next[which];
        d.rows[d.n] = c.rows[which];
        d.n++;
        chain_set_views(&d, &rng, 1);
        chain_counts_of(got, &d);
        for (size_t i = 0; i + 1 < d.n; i++)
            if (got[i] != base[i])
                chain_fail("a repeated row changes an answer", &d, got, seed, index);
        if (got[d.n - 1] != base[which])
            chain_fail("a repeated row gets another answer", &d, got, seed, index);
    }
    printf("chains: %d sets, %lu rows, %lu counting, %lu superseded\n", CHAIN_SETS, rows_seen,
           counting, superseded);
    assert_true(counting > 0 && superseded > 0);
}

/* Along one reschedule path (no loop, no longer than the walk), each
 * student's attended rows count once: the last one. */
static void test_a_reschedule_path_counts_each_students_attendance_once(void **state)
{
    const uint64_t seed = *(const uint64_t *)*state;
    prng rng;
    prng_seed(&rng, seed ^ UINT64_C(0x9a7e0));
    unsigned long paths = 0, several = 0;
    for (unsigned long index = 0; index < CHAIN_SETS; index++) {
        chain_set c;
        int order[CHAIN_POOL];
        for (int k = 0; k < CHAIN_POOL; k++)
            order[k] = k;
        for (int k = CHAIN_POOL; k > 1; k--) {
            int j = (int)below(&rng, (unsigned)k), t = order[k - 1];
            order[k - 1] = order[j];
            order[j] = t;
        }
        c.n = 1 + below(&rng, CALSYNC_CHAIN_STEPS + 1);
        for (size_t i = 0; i < c.n; i++) {
            random_chain_row(&c, i, order[i], &rng);
            c.next[i] = i + 1 < c.n ? order[i + 1] : -1;
        }
        chain_set_views(&c, &rng, 1);
        /* The rows in a shuffled order, so position says nothing. */
        chain_set s = c;
        size_t pos[CHAIN_MAX];
        for (size_t i = 0; i < c.n; i++)
            pos[i] = i;
        for (size_t k = c.n; k > 1; k--) {
            size_t j = below(&rng, (unsigned)k), t = pos[k - 1];
            pos[k - 1] = pos[j];
            pos[j] = t;
        }
        for (size_t i = 0; i < c.n; i++) {
            s.id[i] = c.id[pos[i]];
            s.next[i] = c.next[pos[i]];
            s.rows[i] = c.rows[pos[i]];
            memcpy(s.uri[i], c.uri[pos[i]], sizeof s.uri[i]);
            memcpy(s.to[i], c.to[pos[i]], sizeof s.to[i]);
            s.rows[i].uri = support_state_str(s.uri[i]);
            s.rows[i].rescheduled_to_uri = support_state_str(s.next[i] >= 0 ? s.to[i] : NULL);
        }
        int got[CHAIN_MAX], along[CHAIN_MAX];
        chain_counts_of(got, &s);
        for (size_t i = 0; i < c.n; i++)
            along[pos[i]] = got[i];
        for (int64_t student = 1; student <= 3; student++) {
            int attended = 0, count = 0, last = -1;
            for (size_t i = 0; i < c.n; i++) {
                if (c.rows[i].status != CALSYNC_STATUS_ATTENDED || !c.rows[i].has_student ||
                    c.rows[i].student_id != student)
                    continue;
                attended++;
                last = (int)i;
                count += along[i];
            }
            several += attended > 1;
            if (count != (attended > 0) || (last >= 0 && !along[last]))
                chain_fail("a student's attendance along a path does not count exactly once, "
                           "at its last row",
                           &c, along, seed, index);
        }
        paths++;
    }
    printf("paths: %lu, %lu with a student attending more than once\n", paths, several);
    assert_true(several > 0);
}

/* ---- Sessions entered by hand ------------------------------------------- */

typedef enum hand_kind { HAND_EDIT, HAND_MARK, HAND_ERASE } hand_kind;

typedef struct hand_step {
    hand_kind kind;
    calsync_manual entry;
    calsync_mark mark;
    int64_t at;
} hand_step;

/* One hand-entered session: its entry (applied first: nothing else exists
 * before it), then edits, marks and an erasure in any order, repeated. */
static void hand_apply(calsync_facts *f, const hand_step *s)
{
    calsync_error err;
    int rc = CALSYNC_OK;
    switch (s->kind) {
    case HAND_EDIT:
        rc = calsync_state_apply_manual(f, NULL, f, &s->entry, &err);
        break;
    case HAND_MARK:
        rc = calsync_state_apply_mark(f, NULL, f, &s->mark, &err);
        break;
    case HAND_ERASE:
        rc = calsync_state_apply_erasure(f, NULL, f, s->at, &err);
        break;
    }
    if (rc != CALSYNC_OK)
        fail_msg("hand step failed: %s", err.message);
}

static void test_hand_entered_histories_converge_under_permutation_and_duplication(void **state)
{
    const uint64_t seed = *(const uint64_t *)*state;
    prng rng;
    prng_seed(&rng, seed ^ UINT64_C(0x4a4d));
    for (unsigned long index = 0; index < HISTORIES; index++) {
        calsync_manual first = {T(100), T(100) + T(3600), T(1 + below(&rng, 4)),
                                (int64_t)below(&rng, 3) + 1};
        hand_step steps[MAX_STEPS];
        size_t n = 1 + below(&rng, MAX_STEPS - 1);
        for (size_t k = 0; k < n; k++) {
            hand_step *s = &steps[k];
            s->kind = (hand_kind)below(&rng, 3);
            int64_t at = T(10 + below(&rng, 6)); /* after the entry; ties common */
            int64_t start = T(100 + below(&rng, 3));
            s->entry = (calsync_manual){start, start + T(60 * (1 + below(&rng, 3))), at,
                                        (int64_t)below(&rng, 3) + 1};
            s->mark =
                (calsync_mark){(calsync_mark_value)below(&rng, 4), at, (int64_t)below(&rng, 3) + 1};
            s->at = at;
        }
        calsync_facts want;
        if (calsync_state_apply_manual(&want, NULL, NULL, &first, NULL) != CALSYNC_OK)
            fail();
        for (size_t k = 0; k < n; k++)
            hand_apply(&want, &steps[k]);
        for (int perm = 0; perm < PERMUTATIONS; perm++) {
            size_t order[MAX_ORDER], m = 0;
            for (size_t k = 0; k < n; k++)
                for (unsigned d = 1 + below(&rng, 3); d > 0; d--)
                    order[m++] = k;
            for (size_t k = m; k > 1; k--) {
                size_t j = below(&rng, (unsigned)k);
                size_t t = order[k - 1];
                order[k - 1] = order[j];
                order[j] = t;
            }
            calsync_facts got;
            if (calsync_state_apply_manual(&got, NULL, NULL, &first, NULL) != CALSYNC_OK)
                fail();
            for (size_t k = 0; k < m; k++)
                hand_apply(&got, &steps[order[k]]);
            if (!calsync_facts_equal(&want, &got)) {
                int f = support_state_first_diff(&want, &got);
                fprintf(stderr, "property seed: %" PRIu64 ", hand history %lu differs on %s\n",
                        seed, index, f >= 0 ? calsync_field_name((calsync_field)f) : "?");
                fail();
            }
            if (got.entered_at != first.at || got.entered_by != first.by)
                fail_msg("hand history %lu: the creator changed", index);
            int wc, gc;
            if (calsync_state_derive(&want, &wc) != calsync_state_derive(&got, &gc) || wc != gc)
                fail_msg("hand history %lu: the status differs", index);
        }
    }
}

static uint64_t choose_seed(void)
{
    const char *env = getenv("CALSYNC_PROPERTY_SEED");
    if (env != NULL && *env != '\0')
        return strtoull(env, NULL, 0);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * UINT64_C(1000000007) ^ (uint64_t)ts.tv_nsec;
}

int main(void)
{
    uint64_t seed = choose_seed();
    printf("property seed: %" PRIu64 " (set CALSYNC_PROPERTY_SEED=%" PRIu64 " to repeat)\n", seed,
           seed);
    fflush(stdout);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_histories_converge_under_permutation_and_duplication, &seed),
        cmocka_unit_test_prestate(test_merge_is_commutative_associative_and_idempotent, &seed),
        cmocka_unit_test_prestate(
            test_hand_entered_histories_converge_under_permutation_and_duplication, &seed),
        cmocka_unit_test_prestate(test_assessment_agrees_with_derive_and_the_stored_columns_rule,
                                  &seed),
        cmocka_unit_test_prestate(
            test_chain_standing_is_the_rule_whatever_the_order_case_or_extra_rows, &seed),
        cmocka_unit_test_prestate(test_a_reschedule_path_counts_each_students_attendance_once,
                                  &seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
