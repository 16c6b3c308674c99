/* SPDX-License-Identifier: MIT */
/* Unit tests for RFC 3339 parsing and formatting (src/time.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calsync.h"

static int parse(int64_t *us, const char *s)
{
    return calsync_time_parse(us, s, strlen(s), NULL);
}

/* Each expected value was computed independently (Python's datetime). */
static const struct {
    const char *text;
    int64_t us;
} valid_times[] = {
    {"1970-01-01T00:00:00Z", 0},
    {"2026-03-02T15:04:05.123456Z", INT64_C(1772463845123456)},
    {"2026-03-02t15:04:05.123456z", INT64_C(1772463845123456)},
    {"2026-03-02T15:04:05.123456+00:00", INT64_C(1772463845123456)},
    {"2026-03-02T15:04:05.123456-00:00", INT64_C(1772463845123456)},
    {"2026-03-02T15:04:05+05:30", INT64_C(1772444045000000)},
    {"2026-03-02T15:04:05-08:00", INT64_C(1772492645000000)},
    {"2026-01-01T00:30:00+01:00", INT64_C(1767223800000000)},
    {"2026-03-02T00:00:00+23:59", INT64_C(1772323260000000)},
    {"2024-02-29T12:00:00Z", INT64_C(1709208000000000)},
    {"2000-02-29T00:00:00Z", INT64_C(951782400000000)},
    {"1600-02-29T00:00:00Z", INT64_C(-11670998400000000)},
    {"1900-03-01T00:00:00Z", INT64_C(-2203891200000000)},
    {"2016-12-31T23:59:60Z", INT64_C(1483228800000000)},
    {"2016-12-31T18:59:60-05:00", INT64_C(1483228800000000)},
    {"0001-01-01T00:00:00Z", INT64_C(-62135596800000000)},
    {"9999-12-31T23:59:59.999999Z", INT64_C(253402300799999999)},
    {"1969-12-31T23:59:59.5Z", -500000},
    {"1970-01-01T00:00:00.1Z", 100000},
    {"1970-01-01T00:00:00.12Z", 120000},
    {"1970-01-01T00:00:00.123Z", 123000},
    {"1970-01-01T00:00:00.1234Z", 123400},
    {"1970-01-01T00:00:00.12345Z", 123450},
    {"1970-01-01T00:00:00.1234567Z", 123456},
    {"1970-01-01T00:00:00.12345678Z", 123456},
    {"1970-01-01T00:00:00.999999999Z", 999999},
    {"1970-01-01T00:00:00.000000001Z", 0},
};

static void test_valid_forms_give_the_expected_instant(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof valid_times / sizeof valid_times[0]; i++) {
        int64_t us = 42;
        calsync_error err;
        int rc = calsync_time_parse(&us, valid_times[i].text, strlen(valid_times[i].text), &err);
        if (rc != CALSYNC_OK || us != valid_times[i].us)
            fail_msg("%s: rc %d, got %lld, want %lld (%s)", valid_times[i].text, rc, (long long)us,
                     (long long)valid_times[i].us, rc ? err.message : "");
    }
}

static const struct {
    const char *text;
    const char *reason; /* a substring of the error message */
} invalid_times[] = {
    {"", "empty"},
    {"2026-03-02", "'T'"},
    {"2026-03-02T", "hour"},
    {"2026-03-02T15:04Z", "':' after the minutes"},
    {"2026-03-02T15:04:05", "'Z' or an offset"},
    {"2026-03-02 15:04:05Z", "'T'"},
    {"2026-03-02T15:04:05 Z", "'Z' or an offset"},
    {"2026-03-02T15:04:05Z ", "unexpected byte 0x20"},
    {" 2026-03-02T15:04:05Z", "year"},
    {"+2026-03-02T15:04:05Z", "year"},
    {"20260-03-02T15:04:05Z", "'-' after the year"},
    {"26-03-02T15:04:05Z", "year"},
    {"2026-3-02T15:04:05Z", "month"},
    {"2026-03-2T15:04:05Z", "day"},
    {"2026/03/02T15:04:05Z", "'-' after the year"},
    {"20260302T150405Z", "'-' after the year"},
    {"2026-13-01T00:00:00Z", "month 13"},
    {"2026-00-01T00:00:00Z", "month 00"},
    {"2026-01-00T00:00:00Z", "day 00"},
    {"2026-01-32T00:00:00Z", "day 32"},
    {"2026-02-29T00:00:00Z", "day 29 is out of range for 2026-02"},
    {"1900-02-29T00:00:00Z", "day 29 is out of range for 1900-02"},
    {"2026-04-31T00:00:00Z", "day 31 is out of range for 2026-04"},
    {"2026-06-31T00:00:00Z", "day 31"},
    {"2026-09-31T00:00:00Z", "day 31"},
    {"2026-11-31T00:00:00Z", "day 31"},
    {"2026-03-02T24:00:00Z", "hour 24"},
    {"2026-03-02T23:60:00Z", "minute 60"},
    {"2026-03-02T23:59:61Z", "second 61"},
    {"2026-03-02T15:04:05.Z", "fraction digit"},
    {"2026-03-02T15:04:05.1234567890Z", "more than 9 fraction digits"},
    {"2026-03-02T15:04:05,123Z", "'Z' or an offset"},
    {"2026-03-02T15:04:05.12a3Z", "'Z' or an offset"},
    {"2026-03-02T15:04:05+24:00", "offset 24:00"},
    {"2026-03-02T15:04:05+05:60", "offset 05:60"},
    {"2026-03-02T15:04:05+0530", "':' in the offset"},
    {"2026-03-02T15:04:05+05", "':' in the offset"},
    {"2026-03-02T15:04:05+5:30", "offset hour"},
    {"2026-03-02T15:04:05+05:3", "offset minutes"},
    {"2026-03-02T15:04:05UTC", "'Z' or an offset"},
    {"2026-03-02T15:04:05ZZ", "unexpected byte"},
    {"2026-03-02T15:04:05+05:30x", "unexpected byte"},
    {"0000-01-01T00:00:00Z", "year 0000"},
    {"0001-01-01T00:00:00+00:01", "outside years 0001-9999"},
    {"9999-12-31T23:59:60Z", "outside years 0001-9999"},
    {"9999-12-31T23:00:00-01:00", "outside years 0001-9999"},
    {"2026-03-02T15:04:05\xef\xbc\xba", "'Z' or an offset"},
    {"\xd9\xa2"
     "026-03-02T15:04:05Z",
     "year"},
};

static void test_invalid_forms_are_refused_with_a_reason(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof invalid_times / sizeof invalid_times[0]; i++) {
        int64_t us = 42;
        calsync_error err;
        int rc =
            calsync_time_parse(&us, invalid_times[i].text, strlen(invalid_times[i].text), &err);
        if (rc != CALSYNC_ERR_TIME)
            fail_msg("\"%s\" was accepted (rc %d, us %lld)", invalid_times[i].text, rc,
                     (long long)us);
        if (err.code != CALSYNC_ERR_TIME || strstr(err.message, invalid_times[i].reason) == NULL)
            fail_msg("\"%s\": message \"%s\" lacks \"%s\"", invalid_times[i].text, err.message,
                     invalid_times[i].reason);
        assert_int_equal(us, CALSYNC_TIME_NONE);
        assert_string_equal(err.path, "");
    }
}

static void test_embedded_nul_is_refused_not_treated_as_the_end(void **state)
{
    (void)state;
    static const char text[] = "2026-03-02T15:04:05Z\0";
    int64_t us;
    assert_int_equal(calsync_time_parse(&us, text, sizeof text - 1, NULL), CALSYNC_ERR_TIME);
    static const char inner[] = "2026-03-02T15:04\0:05Z";
    assert_int_equal(calsync_time_parse(&us, inner, sizeof inner - 1, NULL), CALSYNC_ERR_TIME);
}

static void test_length_is_honoured_without_a_terminating_nul(void **state)
{
    (void)state;
    static const char text[] = "2026-03-02T15:04:05Z";
    int64_t us;
    /* Cut before the zone: the bytes after the length must not be read. */
    assert_int_equal(calsync_time_parse(&us, text, 19, NULL), CALSYNC_ERR_TIME);
    /* An exact-size heap copy with no NUL: ASan reports any overread. */
    for (size_t cut = 0; cut <= sizeof text - 1; cut++) {
        char *copy = malloc(cut ? cut : 1);
        assert_non_null(copy);
        memcpy(copy, text, cut);
        int rc = calsync_time_parse(&us, copy, cut, NULL);
        assert_int_equal(rc, cut == sizeof text - 1 ? CALSYNC_OK : CALSYNC_ERR_TIME);
        free(copy);
    }
}

static void test_bad_arguments_are_invalid(void **state)
{
    (void)state;
    int64_t us;
    assert_int_equal(calsync_time_parse(NULL, "1970-01-01T00:00:00Z", 20, NULL),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_time_parse(&us, NULL, 20, NULL), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_time_parse(&us, NULL, 0, NULL), CALSYNC_ERR_TIME);
}

static void test_format_writes_the_canonical_utc_form(void **state)
{
    (void)state;
    char buf[CALSYNC_TIME_BUF];
    static const struct {
        int64_t us;
        const char *text;
    } cases[] = {
        {0, "1970-01-01T00:00:00.000000Z"},
        {INT64_C(1772463845123456), "2026-03-02T15:04:05.123456Z"},
        {-1, "1969-12-31T23:59:59.999999Z"},
        {-500000, "1969-12-31T23:59:59.500000Z"},
        {INT64_C(951782400000000), "2000-02-29T00:00:00.000000Z"},
        {INT64_C(-62135596800000000), "0001-01-01T00:00:00.000000Z"},
        {INT64_C(253402300799999999), "9999-12-31T23:59:59.999999Z"},
        {INT64_C(1483228800000000), "2017-01-01T00:00:00.000000Z"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(buf, 'x', sizeof buf);
        assert_int_equal(calsync_time_format(buf, sizeof buf, cases[i].us), 27);
        assert_string_equal(buf, cases[i].text);
    }
}

static void test_format_refuses_none_out_of_range_and_small_buffers(void **state)
{
    (void)state;
    char buf[CALSYNC_TIME_BUF];
    assert_int_equal(calsync_time_format(buf, sizeof buf, CALSYNC_TIME_NONE), CALSYNC_ERR_INPUT);
    assert_int_equal(calsync_time_format(buf, sizeof buf, INT64_C(-62135596800000001)),
                     CALSYNC_ERR_INPUT);
    assert_int_equal(calsync_time_format(buf, sizeof buf, INT64_C(253402300800000000)),
                     CALSYNC_ERR_INPUT);
    assert_int_equal(calsync_time_format(buf, sizeof buf, INT64_MAX), CALSYNC_ERR_INPUT);
    assert_int_equal(calsync_time_format(buf, 27, 0), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_time_format(NULL, sizeof buf, 0), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_time_format(buf, 28, 0), 27);
}

/* Walks the calendar day by day from 0001-01-01 to 9999-12-31 with the
 * test's own month lengths: every date must parse to the day count times
 * 86400 s and format back to the same text. */
static void test_every_day_of_years_1_to_9999_round_trips(void **state)
{
    (void)state;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t day = INT64_C(-719162);
    char text[64], back[CALSYNC_TIME_BUF];
    for (int y = 1; y <= 9999; y++) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int n = mdays[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= n; d++, day++) {
                /* Vary the time of day so hours and seconds are covered too. */
                int64_t sec = (day * 7919) % 86400;
                if (sec < 0)
                    sec += 86400;
                snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", y, m, d,
                         (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60),
                         (int)((day * 31) % 1000000 + 1000000) % 1000000);
                int64_t want =
                    (day * 86400 + sec) * 1000000 + ((day * 31) % 1000000 + 1000000) % 1000000;
                int64_t got;
                if (parse(&got, text) != CALSYNC_OK || got != want)
                    fail_msg("%s: got %lld want %lld", text, (long long)got, (long long)want);
                if (calsync_time_format(back, sizeof back, got) != 27 || strcmp(back, text) != 0)
                    fail_msg("%s formatted as %s", text, back);
            }
        }
    }
    assert_int_equal(day, INT64_C(2932897)); /* 10000-01-01 is day 2932897 after 1970 */
}

static void test_random_instants_round_trip(void **state)
{
    (void)state;
    uint64_t x = UINT64_C(0x9e3779b97f4a7c15);
    const int64_t lo = INT64_C(-62135596800000000), hi = INT64_C(253402300799999999);
    char buf[CALSYNC_TIME_BUF];
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t us = lo + (int64_t)(x % (uint64_t)(hi - lo + 1));
        int64_t back;
        assert_int_equal(calsync_time_format(buf, sizeof buf, us), 27);
        assert_int_equal(calsync_time_parse(&back, buf, 27, NULL), CALSYNC_OK);
        if (back != us)
            fail_msg("%lld -> %s -> %lld", (long long)us, buf, (long long)back);
    }
}

static void test_offsets_name_the_same_instant(void **state)
{
    (void)state;
    int64_t a, b, c;
    assert_int_equal(parse(&a, "2026-03-09T16:00:00Z"), CALSYNC_OK);
    assert_int_equal(parse(&b, "2026-03-09T10:00:00-06:00"), CALSYNC_OK);
    assert_int_equal(parse(&c, "2026-03-10T01:30:00+09:30"), CALSYNC_OK);
    assert_int_equal(a, b);
    assert_int_equal(a, c);
}

static void test_leap_second_counts_as_the_next_second(void **state)
{
    (void)state;
    int64_t leap, next;
    assert_int_equal(parse(&leap, "2016-12-31T23:59:60.25Z"), CALSYNC_OK);
    assert_int_equal(parse(&next, "2017-01-01T00:00:00.25Z"), CALSYNC_OK);
    assert_int_equal(leap, next);
}

/* Every code has its own text; a caller's mistake and refused outside
 * input read differently (common.c, shared by every module). */
static void test_strerror_tells_argument_from_input(void **state)
{
    (void)state;
    for (int code = CALSYNC_OK; code >= CALSYNC_ERR_INPUT; code--) {
        const char *t = calsync_strerror(code);
        assert_non_null(t);
        if (strcmp(t, "unknown error") == 0)
            fail_msg("code %d has no text", code);
        for (int other = code - 1; other >= CALSYNC_ERR_INPUT; other--)
            if (strcmp(t, calsync_strerror(other)) == 0)
                fail_msg("codes %d and %d share the text \"%s\"", code, other, t);
    }
    assert_int_equal(CALSYNC_ERR_ARGUMENT, -1);
    assert_string_equal(calsync_strerror(CALSYNC_ERR_INPUT - 1), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_forms_give_the_expected_instant),
        cmocka_unit_test(test_invalid_forms_are_refused_with_a_reason),
        cmocka_unit_test(test_embedded_nul_is_refused_not_treated_as_the_end),
        cmocka_unit_test(test_length_is_honoured_without_a_terminating_nul),
        cmocka_unit_test(test_bad_arguments_are_invalid),
        cmocka_unit_test(test_format_writes_the_canonical_utc_form),
        cmocka_unit_test(test_format_refuses_none_out_of_range_and_small_buffers),
        cmocka_unit_test(test_every_day_of_years_1_to_9999_round_trips),
        cmocka_unit_test(test_random_instants_round_trip),
        cmocka_unit_test(test_offsets_name_the_same_instant),
        cmocka_unit_test(test_leap_second_counts_as_the_next_second),
        cmocka_unit_test(test_strerror_tells_argument_from_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
