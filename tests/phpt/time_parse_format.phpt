--TEST--
Calsync\Time::parse() and format(): RFC 3339 <-> microseconds, and their errors
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Time;

foreach (['2026-03-02T15:04:05.123456Z', '2026-03-02T15:04:05Z', '2026-03-02t15:04:05z',
          '2026-03-02T17:04:05.123456+02:00', '2026-03-02T10:04:05-05:00', '2026-03-02T15:04:05.1Z',
          '2026-03-02T15:04:05.123456789Z', '1970-01-01T00:00:00Z', '1969-12-31T23:59:59.999999Z',
          '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999Z', '2016-12-31T23:59:60Z'] as $s) {
    $us = Time::parse($s);
    echo str_pad($s, 36), ' ', $us, ' ', Time::format($us), "\n";
}
check('agrees with DateTime', Time::parse('2026-03-02T17:04:05.123456+02:00') === us('2026-03-02T15:04:05.123456Z'));

echo "-- errors\n";
foreach (['', ' 2026-03-02T15:04:05Z', '2026-03-02 15:04:05Z', '2026-03-02T15:04:05', '2026-02-30T00:00:00Z',
          '2026-03-02T24:00:00Z', '2026-03-02T15:04:05+25:00', '0000-01-01T00:00:00Z', "2026-03-02T15:04:05Z\0",
          "\xff\xfe", '2026-03-02T15:04:05.Z', str_repeat('9', 100000)] as $bad) {
    $e = thrown(fn() => Time::parse($bad));
    echo json_encode(substr($bad, 0, 30), JSON_INVALID_UTF8_SUBSTITUTE), ': ', get_class($e), ' code=', $e->getCode(), " path='", $e->path, "'\n";
}
echo fails(fn() => Time::format(PHP_INT_MIN)), "\n";
echo fails(fn() => Time::format(PHP_INT_MAX)), "\n";
echo fails(fn() => Time::format(Time::parse('0001-01-01T00:00:00Z') - 1)), "\n";
echo fails(fn() => Time::format('soon')), "\n";
?>
--EXPECT--
2026-03-02T15:04:05.123456Z          1772463845123456 2026-03-02T15:04:05.123456Z
2026-03-02T15:04:05Z                 1772463845000000 2026-03-02T15:04:05.000000Z
2026-03-02t15:04:05z                 1772463845000000 2026-03-02T15:04:05.000000Z
2026-03-02T17:04:05.123456+02:00     1772463845123456 2026-03-02T15:04:05.123456Z
2026-03-02T10:04:05-05:00            1772463845000000 2026-03-02T15:04:05.000000Z
2026-03-02T15:04:05.1Z               1772463845100000 2026-03-02T15:04:05.100000Z
2026-03-02T15:04:05.123456789Z       1772463845123456 2026-03-02T15:04:05.123456Z
1970-01-01T00:00:00Z                 0 1970-01-01T00:00:00.000000Z
1969-12-31T23:59:59.999999Z          -1 1969-12-31T23:59:59.999999Z
0001-01-01T00:00:00Z                 -62135596800000000 0001-01-01T00:00:00.000000Z
9999-12-31T23:59:59.999999Z          253402300799999999 9999-12-31T23:59:59.999999Z
2016-12-31T23:59:60Z                 1483228800000000 2017-01-01T00:00:00.000000Z
agrees with DateTime: ok
-- errors
"": Calsync\PayloadException code=-9 path=''
" 2026-03-02T15:04:05Z": Calsync\PayloadException code=-9 path=''
"2026-03-02 15:04:05Z": Calsync\PayloadException code=-9 path=''
"2026-03-02T15:04:05": Calsync\PayloadException code=-9 path=''
"2026-02-30T00:00:00Z": Calsync\PayloadException code=-9 path=''
"2026-03-02T24:00:00Z": Calsync\PayloadException code=-9 path=''
"2026-03-02T15:04:05+25:00": Calsync\PayloadException code=-9 path=''
"0000-01-01T00:00:00Z": Calsync\PayloadException code=-9 path=''
"2026-03-02T15:04:05Z\u0000": Calsync\PayloadException code=-9 path=''
"\ufffd\ufffd": Calsync\PayloadException code=-9 path=''
"2026-03-02T15:04:05.Z": Calsync\PayloadException code=-9 path=''
"999999999999999999999999999999": Calsync\PayloadException code=-9 path=''
Calsync\InputException: -9223372036854775808 microseconds is not a time in the years 1 to 9999
Calsync\InputException: 9223372036854775807 microseconds is not a time in the years 1 to 9999
Calsync\InputException: -62135596800000001 microseconds is not a time in the years 1 to 9999
TypeError: Calsync\Time::format(): Argument #1 ($microseconds) must be of type int, string given
