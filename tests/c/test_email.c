/* SPDX-License-Identifier: MIT */
/* Tests of e-mail normalisation and of matching an invitee to WordPress users. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calsync.h"

static calsync_str S(const char *s)
{
    calsync_str r = {s, s ? strlen(s) : 0};
    return r;
}

static calsync_candidate cand(int64_t user, const char *email, const char *name, int alias)
{
    calsync_candidate c = {user, S(email), S(name), alias};
    return c;
}

typedef struct result {
    int rc;
    size_t count;
    int64_t link;
    calsync_match m[64];
} result;

static result match(const char *email, const char *name, const calsync_candidate *c, size_t n)
{
    result r;
    memset(&r, 0, sizeof r);
    r.link = -1;
    r.rc = calsync_email_match(r.m, 64, &r.count, &r.link, email, strlen(email), name,
                               name ? strlen(name) : 0, c, n, NULL);
    return r;
}

/* ---- normalisation ---- */

static void normalize_trims_and_lowercases(void **state)
{
    (void)state;
    char buf[64];
    size_t n = 0;
    const char *in = " \t Ada.Lovelace@Example.COM \r\n";
    assert_int_equal(calsync_email_normalize(buf, sizeof buf, &n, in, strlen(in), NULL),
                     CALSYNC_OK);
    assert_string_equal(buf, "ada.lovelace@example.com");
    assert_int_equal(n, strlen("ada.lovelace@example.com"));
}

static void normalize_keeps_non_ascii_bytes_as_they_are(void **state)
{
    (void)state;
    char buf[64];
    size_t n = 0;
    const char *in = "JOS\xc3\x89@Example.com"; /* "JOSÉ": É is C3 89 and is not folded */
    assert_int_equal(calsync_email_normalize(buf, sizeof buf, &n, in, strlen(in), NULL),
                     CALSYNC_OK);
    assert_string_equal(buf, "jos\xc3\x89@example.com");
}

static void normalize_refuses_what_is_not_one_address(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len;
        const char *says;
    } bad[] = {
        {"", 0, "empty"},
        {" \t\n ", 4, "empty"},
        {"ada.example.com", 15, "no '@'"},
        {"ada@b@example.com", 17, "more than one '@'"},
        {"@example.com", 12, "both sides"},
        {"ada@", 4, "both sides"},
        {" @ ", 3, "both sides"},
        {"ada lovelace@example.com", 24, "space"},
        {"ada@exa mple.com", 16, "space"},
        {"ada\x01@example.com", 16, "control"},
        {"ada\x7f@example.com", 16, "control"},
        {"ada\0@example.com", 16, "control"},
        {"ada@example.com\t.org", 20, "control"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char buf[64] = "x";
        size_t n = 7;
        calsync_error err;
        int rc = calsync_email_normalize(buf, sizeof buf, &n, bad[i].in, bad[i].len, &err);
        if (rc != CALSYNC_ERR_INPUT || strstr(err.message, bad[i].says) == NULL)
            fail_msg("case %zu: rc %d, message \"%s\"", i, rc, err.message);
        assert_int_equal(n, 0);
        assert_string_equal(buf, "");
    }
}

static void normalize_accepts_254_characters_and_refuses_255(void **state)
{
    (void)state;
    char in[300], buf[300];
    size_t n;
    memset(in, 'a', sizeof in);
    memcpy(in + 240, "@example.com", 12); /* 252 characters so far */
    calsync_error err;
    assert_int_equal(calsync_email_normalize(buf, sizeof buf, &n, in, 254, NULL), CALSYNC_OK);
    assert_int_equal(n, 254);
    assert_int_equal(calsync_email_normalize(buf, sizeof buf, &n, in, 255, &err),
                     CALSYNC_ERR_INPUT);
    assert_non_null(strstr(err.message, "255 characters"));
    /* Surrounding white space does not count. */
    char padded[300];
    padded[0] = ' ';
    memcpy(padded + 1, in, 254);
    padded[255] = '\n';
    assert_int_equal(calsync_email_normalize(buf, sizeof buf, &n, padded, 256, NULL), CALSYNC_OK);
    assert_int_equal(n, 254);
}

static void normalize_reads_only_the_given_length(void **state)
{
    (void)state;
    char buf[64];
    size_t n;
    const char *in = "ada@example.comXYZ";
    assert_int_equal(calsync_email_normalize(buf, sizeof buf, &n, in, 15, NULL), CALSYNC_OK);
    assert_string_equal(buf, "ada@example.com");
    /* cap == length + 1 is enough; one less is not. */
    assert_int_equal(calsync_email_normalize(buf, 16, &n, in, 15, NULL), CALSYNC_OK);
    assert_int_equal(calsync_email_normalize(buf, 15, &n, in, 15, NULL), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_email_normalize(NULL, 16, &n, in, 15, NULL), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_email_normalize(buf, 16, NULL, in, 15, NULL), CALSYNC_ERR_ARGUMENT);
}

static void reason_names_are_the_documented_words(void **state)
{
    (void)state;
    assert_string_equal(calsync_match_reason_name(CALSYNC_MATCH_EXACT), "exact");
    assert_string_equal(calsync_match_reason_name(CALSYNC_MATCH_ALIAS), "alias");
    assert_string_equal(calsync_match_reason_name(CALSYNC_MATCH_DOTS), "dots");
    assert_string_equal(calsync_match_reason_name(CALSYNC_MATCH_PLUS_TAG), "plus_tag");
    assert_string_equal(calsync_match_reason_name(CALSYNC_MATCH_EDIT_DISTANCE), "edit_distance");
    assert_string_equal(calsync_match_reason_name(CALSYNC_MATCH_SAME_NAME), "same_name");
    assert_null(calsync_match_reason_name((calsync_match_reason)42));
}

/* ---- links ---- */

static void exact_account_email_links_after_normalisation(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(3, "bob@example.com", "Bob", 0),
                             cand(7, " Ada@Example.com", "Ada", 0)};
    result r = match("ADA@example.COM ", NULL, c, 2);
    assert_int_equal(r.rc, CALSYNC_OK);
    assert_int_equal(r.link, 7);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_EXACT);
    assert_int_equal(r.m[0].index, 1);
    assert_int_equal(r.m[0].user_id, 7);
}

static void alias_of_exactly_one_user_links(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(9, "ada.lovelace@work.example", "Ada", 0),
                             cand(9, "ada@home.example", "Ada", 1)};
    result r = match("ada@home.example", NULL, c, 2);
    assert_int_equal(r.link, 9);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_ALIAS);
    assert_int_equal(r.m[0].index, 1);
}

static void address_shared_by_two_accounts_links_nobody(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(12, "family@example.com", "Kim", 0),
                             cand(4, "family@example.com", "Lee", 0)};
    result r = match("family@example.com", NULL, c, 2);
    assert_int_equal(r.rc, CALSYNC_OK);
    assert_int_equal(r.link, 0);
    assert_int_equal(r.count, 2);
    assert_int_equal(r.m[0].user_id, 4); /* same reason: by user id */
    assert_int_equal(r.m[1].user_id, 12);
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_EXACT);
    assert_int_equal(r.m[1].reason, CALSYNC_MATCH_EXACT);
}

static void alias_of_two_users_links_nobody(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(5, "shared@example.com", NULL, 1),
                             cand(6, "shared@example.com", NULL, 1)};
    result r = match("shared@example.com", NULL, c, 2);
    assert_int_equal(r.link, 0);
    assert_int_equal(r.count, 2);
}

static void account_email_wins_over_another_users_alias(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(5, "ada@example.com", NULL, 1),
                             cand(6, "ada@example.com", NULL, 0)};
    result r = match("ada@example.com", NULL, c, 2);
    assert_int_equal(r.link, 6);
    assert_int_equal(r.m[0].user_id, 6);
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_EXACT);
    assert_int_equal(r.m[1].user_id, 5);
    assert_int_equal(r.m[1].reason, CALSYNC_MATCH_ALIAS);
}

static void same_user_twice_with_its_address_still_links(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(8, "ada@example.com", NULL, 0),
                             cand(8, "ADA@example.com", NULL, 1)};
    result r = match("ada@example.com", NULL, c, 2);
    assert_int_equal(r.link, 8);
    assert_int_equal(r.count, 1); /* one match per user: the best */
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_EXACT);
}

/* ---- suggestions ---- */

static void dots_at_gmail_and_googlemail_are_a_suggestion(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(2, "adalovelace@googlemail.com", NULL, 0)};
    result r = match("ada.love.lace@gmail.com", NULL, c, 1);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_DOTS);
    assert_int_equal(r.link, 0);
}

static void dots_elsewhere_are_not_ignored(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(2, "adalovelace@example.com", NULL, 0)};
    result r = match("a.da.love.lace@example.com", NULL, c, 1); /* three dots: distance 3 */
    assert_int_equal(r.count, 0);
    r = match("ada.lovelace@example.com", NULL, c, 1);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_EDIT_DISTANCE); /* one typed dot */
    assert_int_equal(r.m[0].distance, 1);
}

static void plus_tag_on_any_domain_is_a_suggestion(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(2, "ada@example.org", NULL, 0),
                             cand(3, "grace+work@example.net", NULL, 0),
                             cand(4, "jdoe@gmail.com", NULL, 0)};
    result r = match("ada+coaching-sessions@example.org", NULL, c, 3);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.m[0].user_id, 2);
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_PLUS_TAG);
    assert_int_equal(r.link, 0);
    r = match("grace+calendly@example.net", NULL, c, 3);
    assert_int_equal(r.m[0].user_id, 3);
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_PLUS_TAG);
    /* gmail ignores dots and tags at once. */
    r = match("j.doe+booking@googlemail.com", NULL, c, 3);
    assert_int_equal(r.m[0].user_id, 4);
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_PLUS_TAG);
    /* A tag does not bridge two domains. */
    r = match("ada+x@example.com", NULL, c, 3);
    assert_int_equal(r.count, 0);
}

static void empty_local_part_after_tag_removal_is_no_match(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(2, "+abcdefgh@example.org", NULL, 0)};
    result r = match("+zyxwvuts@example.org", NULL, c, 1);
    assert_int_equal(r.count, 0);
}

static void one_or_two_typing_mistakes_are_a_suggestion(void **state)
{
    (void)state;
    calsync_candidate c[] = {
        cand(30, "ada@example.com", NULL, 0),  /* "exmaple": one transposition */
        cand(20, "ada@examplz.com", NULL, 0),  /* a transposition and a substitution: 2 */
        cand(10, "adb@examplz.com", NULL, 0),  /* three: nothing */
        cand(40, "adda@exmaple.com", NULL, 0), /* one insertion */
    };
    result r = match("ada@exmaple.com", NULL, c, 4);
    assert_int_equal(r.count, 3);
    assert_int_equal(r.m[0].user_id, 30);
    assert_int_equal(r.m[0].distance, 1);
    assert_int_equal(r.m[1].user_id, 40);
    assert_int_equal(r.m[1].distance, 1);
    assert_int_equal(r.m[2].user_id, 20);
    assert_int_equal(r.m[2].distance, 2);
    for (size_t i = 0; i < r.count; i++)
        assert_int_equal(r.m[i].reason, CALSYNC_MATCH_EDIT_DISTANCE);
    assert_int_equal(r.link, 0);
}

static void same_name_at_another_address_is_a_suggestion(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(2, "lovelace@university.example", "  ada   LOVELACE\t", 0),
                             cand(3, "someone@else.example", "Ada Lovelace-King", 0),
                             cand(4, "other@else.example", NULL, 0)};
    result r = match("countess@example.com", "Ada Lovelace", c, 3);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.m[0].user_id, 2);
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_SAME_NAME);
    assert_int_equal(r.link, 0);
    /* No name, or only white space: no name match. */
    r = match("countess@example.com", NULL, c, 3);
    assert_int_equal(r.count, 0);
    r = match("countess@example.com", "  ", c, 3);
    assert_int_equal(r.count, 0);
}

static void blank_candidate_name_does_not_match_blank_invitee_name(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(2, "x@university.example", "", 0)};
    result r = match("countess@example.com", "", c, 1);
    assert_int_equal(r.count, 0);
}

static void suggestions_never_link_even_when_alone(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(2, "ada@gmail.com", "Ada", 0)};
    const char *invitees[] = {"a.da@gmail.com", "ada+x@gmail.com", "adq@gmail.com"};
    for (size_t i = 0; i < 3; i++) {
        result r = match(invitees[i], "Ada", c, 1);
        assert_int_equal(r.count, 1);
        assert_true(r.m[0].reason > CALSYNC_MATCH_ALIAS);
        assert_int_equal(r.link, 0);
    }
}

static void exact_candidate_is_never_also_a_suggestion(void **state)
{
    (void)state;
    /* The address and the name both match: only EXACT is reported. */
    calsync_candidate c[] = {cand(2, "ada@example.com", "Ada Lovelace", 0)};
    result r = match("ada@example.com", "Ada Lovelace", c, 1);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_EXACT);
    assert_int_equal(r.m[0].distance, 0);
}

static void one_match_per_user_with_its_best_reason(void **state)
{
    (void)state;
    calsync_candidate c[] = {
        cand(5, "ada@exampel.com", "Ada", 0),     /* distance 1 */
        cand(5, "ada+old@example.com", "Ada", 1), /* plus tag: better */
        cand(5, "x@y.example", "Ada", 1),         /* same name: worse */
    };
    result r = match("ada@example.com", "Ada", c, 3);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.m[0].reason, CALSYNC_MATCH_PLUS_TAG);
    assert_int_equal(r.m[0].index, 1);
}

static void order_is_reason_then_distance_then_user_and_cap_truncates(void **state)
{
    (void)state;
    calsync_candidate c[] = {
        cand(50, "zed@elsewhere.example", "Ada Lovelace", 0), /* same name */
        cand(40, "adx@example.com", NULL, 0),                 /* distance 1 */
        cand(30, "ada+a@example.com", NULL, 0),               /* plus tag */
        cand(20, "ada@example.com", NULL, 1),                 /* alias */
        cand(10, "axx@example.com", NULL, 0),                 /* distance 2 */
        cand(35, "adz@example.com", NULL, 0),                 /* distance 1 */
    };
    result r = match("ada@example.com", "ada lovelace", c, 6);
    assert_int_equal(r.count, 6);
    int64_t want[] = {20, 30, 35, 40, 10, 50};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(r.m[i].user_id, want[i]);
    assert_int_equal(r.link, 20);

    calsync_match two[2];
    size_t n = 9;
    int64_t link = -1;
    assert_int_equal(
        calsync_email_match(two, 2, &n, &link, "ada@example.com", 15, NULL, 0, c, 6, NULL),
        CALSYNC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(two[0].user_id, 20);
    assert_int_equal(two[1].user_id, 30);
    /* With no room at all the link is still decided. */
    assert_int_equal(
        calsync_email_match(NULL, 0, &n, &link, "ada@example.com", 15, NULL, 0, c, 6, NULL),
        CALSYNC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(link, 20);
}

static void candidates_with_invalid_addresses_are_skipped(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(2, NULL, "Ada", 0), cand(3, "ada@", "Ada", 0),
                             cand(4, "a@b@example.com", "Ada", 0), cand(5, "", "Ada", 0),
                             cand(6, "ada@example.com", NULL, 0)};
    result r = match("ada@example.com", "Ada", c, 5);
    assert_int_equal(r.rc, CALSYNC_OK);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.m[0].user_id, 6);
    assert_int_equal(r.link, 6);
}

static void invalid_arguments_are_refused(void **state)
{
    (void)state;
    calsync_candidate c[] = {cand(2, "ada@example.com", NULL, 0)};
    calsync_candidate zero[] = {cand(0, "ada@example.com", NULL, 0)};
    calsync_match m[4];
    size_t n;
    int64_t link;
    calsync_error err;
    assert_int_equal(
        calsync_email_match(m, 4, NULL, &link, "ada@example.com", 15, NULL, 0, c, 1, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_email_match(m, 4, &n, NULL, "ada@example.com", 15, NULL, 0, c, 1, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_email_match(NULL, 4, &n, &link, "ada@example.com", 15, NULL, 0, c, 1, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_email_match(m, 4, &n, &link, "ada@example.com", 15, NULL, 0, NULL, 1, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_email_match(m, 4, &n, &link, "ada@example.com", 15, NULL, 3, c, 1, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_email_match(m, 4, &n, &link, "ada@example.com", 15, NULL, 0, zero, 1, &err),
        CALSYNC_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "user id 0"));
    assert_int_equal(
        calsync_email_match(m, 4, &n, &link, "not an address", 14, NULL, 0, c, 1, &err),
        CALSYNC_ERR_INPUT);
    assert_non_null(strstr(err.message, "invitee"));
    assert_int_equal(n, 0);
    assert_int_equal(link, 0);
}

static void no_candidates_is_no_match(void **state)
{
    (void)state;
    result r = match("ada@example.com", "Ada", NULL, 0);
    assert_int_equal(r.rc, CALSYNC_OK);
    assert_int_equal(r.count, 0);
    assert_int_equal(r.link, 0);
}

/* Plain full-table optimal-string-alignment distance, the reference for the banded one. */
static int reference_osa(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    int d[40][40];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[n][m];
}

static void random_addresses_agree_with_a_reference_distance(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    for (int round = 0; round < 20000; round++) {
        char a[32], b[32];
        char *w[2] = {a, b};
        for (int k = 0; k < 2; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t len = 1 + (seed >> 16) % 7;
            size_t o = 0;
            for (size_t i = 0; i < len; i++) {
                seed = seed * 1103515245u + 12345u;
                w[k][o++] = "abc"[(seed >> 16) % 3];
            }
            memcpy(w[k] + o, "@x.yz", 6);
        }
        calsync_candidate c = cand(1, b, NULL, 0);
        result r = match(a, NULL, &c, 1);
        int ref = reference_osa(a, b);
        if (ref == 0) {
            assert_int_equal(r.m[0].reason, CALSYNC_MATCH_EXACT);
        } else if (ref <= 2) {
            if (r.count != 1 || r.m[0].reason != CALSYNC_MATCH_EDIT_DISTANCE ||
                r.m[0].distance != ref)
                fail_msg("%s vs %s: reference %d, got count %zu distance %d", a, b, ref, r.count,
                         r.m[0].distance);
        } else {
            if (r.count != 0)
                fail_msg("%s vs %s: reference %d, yet a match", a, b, ref);
        }
    }
}

static void twenty_thousand_candidates_are_matched(void **state)
{
    (void)state;
    enum { N = 20000 };
    calsync_candidate *c = malloc(N * sizeof *c);
    char(*emails)[32] = malloc(N * sizeof *emails);
    calsync_match *m = malloc(N * sizeof *m);
    assert_non_null(c);
    assert_non_null(emails);
    assert_non_null(m);
    const char *invitee = "user12345@example.com";
    size_t expect = 0;
    for (size_t i = 0; i < N; i++) {
        snprintf(emails[i], sizeof emails[i], "user%05zu@example.com", i);
        c[i] = cand((int64_t)i + 1, emails[i], "Same Name", 0);
        expect += reference_osa(invitee, emails[i]) <= 2;
    }
    size_t n = 0;
    int64_t link = -1;
    assert_int_equal(calsync_email_match(m, N, &n, &link, invitee, strlen(invitee), "Other Name",
                                         10, c, N, NULL),
                     CALSYNC_OK);
    assert_int_equal(link, 12346);
    assert_int_equal(n, expect);
    assert_int_equal(m[0].reason, CALSYNC_MATCH_EXACT);
    for (size_t i = 1; i < n; i++) {
        assert_int_equal(m[i].reason, CALSYNC_MATCH_EDIT_DISTANCE);
        assert_true(m[i - 1].distance < m[i].distance ||
                    (m[i - 1].distance == m[i].distance && m[i - 1].user_id < m[i].user_id) ||
                    i == 1);
    }
    free(c);
    free(emails);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalize_trims_and_lowercases),
        cmocka_unit_test(normalize_keeps_non_ascii_bytes_as_they_are),
        cmocka_unit_test(normalize_refuses_what_is_not_one_address),
        cmocka_unit_test(normalize_accepts_254_characters_and_refuses_255),
        cmocka_unit_test(normalize_reads_only_the_given_length),
        cmocka_unit_test(reason_names_are_the_documented_words),
        cmocka_unit_test(exact_account_email_links_after_normalisation),
        cmocka_unit_test(alias_of_exactly_one_user_links),
        cmocka_unit_test(address_shared_by_two_accounts_links_nobody),
        cmocka_unit_test(alias_of_two_users_links_nobody),
        cmocka_unit_test(account_email_wins_over_another_users_alias),
        cmocka_unit_test(same_user_twice_with_its_address_still_links),
        cmocka_unit_test(dots_at_gmail_and_googlemail_are_a_suggestion),
        cmocka_unit_test(dots_elsewhere_are_not_ignored),
        cmocka_unit_test(plus_tag_on_any_domain_is_a_suggestion),
        cmocka_unit_test(empty_local_part_after_tag_removal_is_no_match),
        cmocka_unit_test(one_or_two_typing_mistakes_are_a_suggestion),
        cmocka_unit_test(same_name_at_another_address_is_a_suggestion),
        cmocka_unit_test(blank_candidate_name_does_not_match_blank_invitee_name),
        cmocka_unit_test(suggestions_never_link_even_when_alone),
        cmocka_unit_test(exact_candidate_is_never_also_a_suggestion),
        cmocka_unit_test(one_match_per_user_with_its_best_reason),
        cmocka_unit_test(order_is_reason_then_distance_then_user_and_cap_truncates),
        cmocka_unit_test(candidates_with_invalid_addresses_are_skipped),
        cmocka_unit_test(invalid_arguments_are_refused),
        cmocka_unit_test(no_candidates_is_no_match),
        cmocka_unit_test(random_addresses_agree_with_a_reference_distance),
        cmocka_unit_test(twenty_thousand_candidates_are_matched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
