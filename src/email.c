/* SPDX-License-Identifier: MIT */
/* E-mail matching: normalisation, links on exact or alias matches, and reasoned suggestions. */
#include "internal.h"

#include <inttypes.h>
#include <stdlib.h>

#define MAX_DISTANCE 2
#define BIG (MAX_DISTANCE + 1) /* stands for "more than MAX_DISTANCE" in the band */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static unsigned char fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Normalises into buf (cap bytes) without the len + 1 demand of the public
 * function, so the matcher can use fixed stack buffers. */
static int normalize(char *buf, size_t cap, size_t *out_len, const char *email, size_t len,
                     const char *who, calsync_error *err)
{
    size_t s = 0, e = len;
    while (s < e && is_space((unsigned char)email[s]))
        s++;
    while (e > s && is_space((unsigned char)email[e - 1]))
        e--;
    size_t n = e - s;
    if (n == 0)
        return calsync_fail(err, CALSYNC_ERR_INPUT, NULL, "%s is empty", who);
    if (n > CALSYNC_EMAIL_MAX)
        return calsync_fail(err, CALSYNC_ERR_INPUT, NULL,
                            "%s is %zu characters; at most %d are allowed", who, n,
                            CALSYNC_EMAIL_MAX);
    if (cap < n + 1)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "e-mail buffer of %zu bytes is too small; %zu needed", cap, n + 1);
    size_t at = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)email[s + i];
        if (c < 0x20 || c == 0x7f)
            return calsync_fail(err, CALSYNC_ERR_INPUT, NULL,
                                "%s holds a control character at position %zu", who, i + 1);
        if (c == ' ')
            return calsync_fail(err, CALSYNC_ERR_INPUT, NULL, "%s holds a space at position %zu",
                                who, i + 1);
        if (c == '@') {
            if (at != SIZE_MAX)
                return calsync_fail(err, CALSYNC_ERR_INPUT, NULL, "%s holds more than one '@'",
                                    who);
            at = i;
        }
        buf[i] = (char)fold(c);
    }
    buf[n] = '\0';
    if (at == SIZE_MAX)
        return calsync_fail(err, CALSYNC_ERR_INPUT, NULL, "%s has no '@'", who);
    if (at == 0 || at == n - 1)
        return calsync_fail(err, CALSYNC_ERR_INPUT, NULL, "%s needs text on both sides of '@'",
                            who);
    *out_len = n;
    return CALSYNC_OK;
}

int calsync_email_normalize(char *buf, size_t cap, size_t *out_len, const char *email, size_t len,
                            calsync_error *err)
{
    calsync_error_clear(err);
    if (out_len != NULL)
        *out_len = 0;
    if (buf == NULL || out_len == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_email_normalize: buf and out_len are required");
    if (cap > 0)
        buf[0] = '\0';
    if (email == NULL && len > 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_email_normalize: e-mail is NULL with a length");
    int rc = normalize(buf, cap, out_len, email ? email : "", len, "e-mail address", err);
    if (rc != CALSYNC_OK && cap > 0)
        buf[0] = '\0';
    return rc;
}

const char *calsync_match_reason_name(calsync_match_reason r)
{
    switch (r) {
    case CALSYNC_MATCH_EXACT:
        return "exact";
    case CALSYNC_MATCH_ALIAS:
        return "alias";
    case CALSYNC_MATCH_DOTS:
        return "dots";
    case CALSYNC_MATCH_PLUS_TAG:
        return "plus_tag";
    case CALSYNC_MATCH_EDIT_DISTANCE:
        return "edit_distance";
    case CALSYNC_MATCH_SAME_NAME:
        return "same_name";
    }
    return NULL;
}

/* A normalised address split at its '@'. */
typedef struct address {
    const char *s;
    size_t len;
    size_t at;
    int gmail; /* gmail.com or googlemail.com: one mailbox namespace that ignores dots */
} address;

static int domain_is(const char *d, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n == l && memcmp(d, lit, l) == 0;
}

static address make_address(const char *s, size_t len)
{
    address a;
    a.s = s;
    a.len = len;
    a.at = (size_t)((const char *)memchr(s, '@', len) - s);
    const char *d = s + a.at + 1;
    size_t dn = len - a.at - 1;
    a.gmail = domain_is(d, dn, "gmail.com") || domain_is(d, dn, "googlemail.com");
    return a;
}

static int same_domain(const address *a, const address *b)
{
    if (a->gmail || b->gmail)
        return a->gmail && b->gmail;
    size_t an = a->len - a->at, bn = b->len - b->at;
    return an == bn && memcmp(a->s + a->at, b->s + b->at, an) == 0;
}

/* Compares two local parts after removing what the mailbox ignores: dots
 * (when drop_dots) and, when drop_tag, everything from the first '+'.
 * Both reduced parts must be non-empty. */
static int locals_equal(const address *a, const address *b, int drop_dots, int drop_tag)
{
    size_t an = a->at, bn = b->at;
    if (drop_tag) {
        const char *p = memchr(a->s, '+', an);
        if (p)
            an = (size_t)(p - a->s);
        p = memchr(b->s, '+', bn);
        if (p)
            bn = (size_t)(p - b->s);
    }
    size_t i = 0, j = 0, kept = 0;
    for (;;) {
        while (drop_dots && i < an && a->s[i] == '.')
            i++;
        while (drop_dots && j < bn && b->s[j] == '.')
            j++;
        if (i == an || j == bn)
            return i == an && j == bn && kept > 0;
        if (a->s[i] != b->s[j])
            return 0;
        i++;
        j++;
        kept++;
    }
}

/* Optimal-string-alignment distance, computed only inside the diagonal band
 * |i - j| <= MAX_DISTANCE; returns BIG as soon as every cell of a row
 * exceeds it.  Addresses are at most CALSYNC_EMAIL_MAX bytes, so the rows
 * live on the stack. */
static int osa_distance(const char *a, size_t an, const char *b, size_t bn)
{
    if ((an > bn ? an - bn : bn - an) > MAX_DISTANCE)
        return BIG;
    unsigned char rows[3][CALSYNC_EMAIL_MAX + 1];
    unsigned char *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= bn; j++)
        prev[j] = (unsigned char)(j < BIG ? j : BIG);
    for (size_t i = 1; i <= an; i++) {
        size_t lo = i > MAX_DISTANCE ? i - MAX_DISTANCE : 0;
        size_t hi = i + MAX_DISTANCE < bn ? i + MAX_DISTANCE : bn;
        /* Cells just outside the band are read by the next row: mark them BIG. */
        if (lo > 0)
            cur[lo - 1] = BIG;
        if (hi < bn)
            cur[hi + 1] = BIG;
        unsigned char best = BIG;
        for (size_t j = lo; j <= hi; j++) {
            unsigned char v;
            if (j == 0) {
                v = (unsigned char)(i < BIG ? i : BIG);
            } else {
                int cost = a[i - 1] != b[j - 1];
                unsigned d = prev[j - 1] + (unsigned)cost;
                unsigned del = prev[j] + 1u;
                unsigned ins = cur[j - 1] + 1u;
                if (del < d)
                    d = del;
                if (ins < d)
                    d = ins;
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                    pp[j - 2] + 1u < d)
                    d = pp[j - 2] + 1u;
                v = (unsigned char)(d < BIG ? d : BIG);
            }
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best >= BIG)
            return BIG;
        unsigned char *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[bn];
}

/* Next byte of a name in canonical form: trimmed, inner white-space runs
 * read as one space, ASCII letters folded.  -1 at the end. */
static int name_next(const char *s, size_t len, size_t *pos)
{
    size_t p = *pos;
    if (p < len && is_space((unsigned char)s[p])) {
        int leading = p == 0;
        while (p < len && is_space((unsigned char)s[p]))
            p++;
        *pos = p;
        if (p == len)
            return -1;
        if (!leading)
            return ' ';
    }
    if (p == len)
        return -1;
    *pos = p + 1;
    return fold((unsigned char)s[p]);
}

static int name_empty(const char *s, size_t len)
{
    size_t pos = 0;
    return s == NULL || name_next(s, len, &pos) < 0;
}

static int names_equal(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    for (;;) {
        int x = name_next(a, an, &i);
        int y = name_next(b, bn, &j);
        if (x != y)
            return 0;
        if (x < 0)
            return 1;
    }
}

static int cmp_by_user(const void *pa, const void *pb)
{
    const calsync_match *a = pa, *b = pb;
    if (a->user_id != b->user_id)
        return a->user_id < b->user_id ? -1 : 1;
    if (a->reason != b->reason)
        return a->reason < b->reason ? -1 : 1;
    if (a->distance != b->distance)
        return a->distance < b->distance ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

static int cmp_by_rank(const void *pa, const void *pb)
{
    const calsync_match *a = pa, *b = pb;
    if (a->reason != b->reason)
        return a->reason < b->reason ? -1 : 1;
    if (a->distance != b->distance)
        return a->distance < b->distance ? -1 : 1;
    if (a->user_id != b->user_id)
        return a->user_id < b->user_id ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* The best reason this candidate gives, or -1 for none. */
static int judge(const address *inv, const calsync_candidate *c, const char *name, size_t name_len,
                 int *distance)
{
    char buf[CALSYNC_EMAIL_MAX + 1];
    size_t n = 0;
    *distance = 0;
    if (c->email.ptr == NULL ||
        normalize(buf, sizeof buf, &n, c->email.ptr, c->email.len, "", NULL) != CALSYNC_OK)
        return -1; /* an invalid stored address can match nothing */
    address ca = make_address(buf, n);
    if (n == inv->len && memcmp(buf, inv->s, n) == 0)
        return c->is_alias ? CALSYNC_MATCH_ALIAS : CALSYNC_MATCH_EXACT;
    if (inv->gmail && ca.gmail && locals_equal(inv, &ca, 1, 0))
        return CALSYNC_MATCH_DOTS;
    /* At a gmail-like domain the dots are ignored too, so "j.doe+x" is "jdoe" tagged. */
    if (same_domain(inv, &ca) && locals_equal(inv, &ca, inv->gmail, 1))
        return CALSYNC_MATCH_PLUS_TAG;
    int d = osa_distance(inv->s, inv->len, buf, n);
    if (d <= MAX_DISTANCE) {
        *distance = d;
        return CALSYNC_MATCH_EDIT_DISTANCE;
    }
    if (!name_empty(name, name_len) && c->name.ptr != NULL &&
        names_equal(name, name_len, c->name.ptr, c->name.len))
        return CALSYNC_MATCH_SAME_NAME;
    return -1;
}

int calsync_email_match(calsync_match *out, size_t cap, size_t *out_count, int64_t *out_link,
                        const char *email, size_t email_len, const char *name, size_t name_len,
                        const calsync_candidate *cands, size_t ncands, calsync_error *err)
{
    calsync_error_clear(err);
    if (out_count != NULL)
        *out_count = 0;
    if (out_link != NULL)
        *out_link = 0;
    if (out_count == NULL || out_link == NULL || (out == NULL && cap > 0))
        return calsync_fail(
            err, CALSYNC_ERR_ARGUMENT, NULL,
            "calsync_email_match: out_count, out_link and (for cap > 0) out are required");
    if ((email == NULL && email_len > 0) || (name == NULL && name_len > 0) ||
        (cands == NULL && ncands > 0))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_email_match: NULL input with a length");
    for (size_t i = 0; i < ncands; i++) {
        if (cands[i].user_id <= 0)
            return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                                "candidate %zu has user id %" PRId64 "; user ids are positive", i,
                                cands[i].user_id);
    }

    char inv_buf[CALSYNC_EMAIL_MAX + 1];
    size_t inv_len = 0;
    int rc = normalize(inv_buf, sizeof inv_buf, &inv_len, email ? email : "", email_len,
                       "the invitee's e-mail address", err);
    if (rc != CALSYNC_OK)
        return rc;
    if (ncands == 0)
        return CALSYNC_OK;
    address inv = make_address(inv_buf, inv_len);

    calsync_match *all = ncands <= SIZE_MAX / sizeof *all ? malloc(ncands * sizeof *all) : NULL;
    if (all == NULL)
        return calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory matching %zu candidates",
                            ncands);
    size_t nall = 0;
    for (size_t i = 0; i < ncands; i++) {
        int distance = 0;
        int reason = judge(&inv, &cands[i], name, name_len, &distance);
        if (reason < 0)
            continue;
        all[nall].index = i;
        all[nall].user_id = cands[i].user_id;
        all[nall].reason = (calsync_match_reason)reason;
        all[nall].distance = distance;
        nall++;
    }

    /* One match per user: its best. */
    qsort(all, nall, sizeof *all, cmp_by_user);
    size_t nusers = 0;
    for (size_t i = 0; i < nall; i++) {
        if (nusers > 0 && all[nusers - 1].user_id == all[i].user_id)
            continue;
        all[nusers++] = all[i];
    }

    int64_t exact_user = 0, alias_user = 0;
    size_t nexact = 0, nalias = 0;
    for (size_t i = 0; i < nusers; i++) {
        if (all[i].reason == CALSYNC_MATCH_EXACT) {
            nexact++;
            exact_user = all[i].user_id;
        } else if (all[i].reason == CALSYNC_MATCH_ALIAS) {
            nalias++;
            alias_user = all[i].user_id;
        }
    }
    /* An address shared by two accounts (or aliases of two users) names
     * nobody for sure: the admin decides. */
    if (nexact == 1)
        *out_link = exact_user;
    else if (nexact == 0 && nalias == 1)
        *out_link = alias_user;

    qsort(all, nusers, sizeof *all, cmp_by_rank);
    size_t n = nusers < cap ? nusers : cap;
    if (n > 0)
        memcpy(out, all, n * sizeof *all);
    *out_count = n;
    free(all);
    return CALSYNC_OK;
}
