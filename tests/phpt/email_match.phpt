--TEST--
Calsync\Email::normalize() and match(): links only on exact or alias, suggestions with reasons
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Email;

echo "-- normalize\n";
foreach (["  Ana@Example.ORG ", "ana@example.org", "\tX@Y\r\n", "Ana.Ru\u{ed}z@Example.org"] as $e) {
    echo json_encode($e), ' => ', json_encode(Email::normalize($e)), "\n";
}
$long = str_repeat('a', 249) . '@b.co';
var_dump(strlen(Email::normalize($long)));
foreach (['', '   ', 'no-at', 'a@@b', '@b', 'a@', 'a b@c', "a\0b@c", str_repeat('a', 250) . '@b.co'] as $bad) {
    $e = thrown(fn() => Email::normalize($bad));
    echo json_encode(substr($bad, 0, 12)), ': ', get_class($e), ' code=', $e->getCode(), "\n";
}

echo "-- match\n";
$users = [
    ['user_id' => 1, 'email' => 'ana.ruiz@example.org', 'name' => 'Ana Ruiz'],
    ['user_id' => 2, 'email' => 'anaruiz@gmail.com', 'name' => null],
    ['user_id' => 3, 'email' => 'ana.ruiz+coach@example.org', 'alias' => false],
    ['user_id' => 4, 'email' => 'ana.ruis@example.org'],
    ['user_id' => 5, 'email' => 'ana@other.org', 'name' => "Ana Ru\u{ed}z"],
    ['user_id' => 6, 'email' => 'ANA.RUIZ@EXAMPLE.ORG', 'alias' => true],
];
function show(string $email, ?string $name, array $cands): void
{
    $m = Email::match($email, $name, $cands);
    echo $email, ' => link=', var_export($m['link'], true), ' ',
        implode(' ', array_map(fn($x) => "{$x['user_id']}:{$x['reason']}" . ($x['distance'] ? "/{$x['distance']}" : '') . "@{$x['index']}", $m['matches'])), "\n";
}
show('ana.ruiz@example.org', "Ana Ru\u{ed}z", $users);
show(' Ana.Ruiz@Example.ORG ', null, $users);
show('a.n.a.ruiz@gmail.com', null, $users);
show('anaruiz+x@gmail.com', null, $users);
show('zed@nowhere.org', "Ana Ru\u{ed}z", $users);
show('zed@nowhere.org', null, $users);
show('ana@x.org', null, []);
// One user's alias links; two users sharing an alias do not.
show('ana@x.org', null, [['user_id' => 9, 'email' => 'ANA@x.org', 'alias' => true]]);
show('ana@x.org', null, [['user_id' => 9, 'email' => 'ana@x.org', 'alias' => true], ['user_id' => 10, 'email' => 'ana@x.org', 'alias' => true]]);
// A candidate whose stored address is junk is never matched, never fatal.
show('ana@x.org', null, [['user_id' => 9, 'email' => 'not an e-mail'], ['user_id' => 10, 'email' => "\0\xff"]]);
// Many candidates.
$many = [];
for ($i = 1; $i <= 5000; $i++) { $many[] = ['user_id' => $i, 'email' => "user$i@example.org"]; }
$m = Email::match('user4321@example.org', null, $many);
var_dump($m['link'], count($m['matches']) >= 1, $m['matches'][0]['index']);

echo "-- errors\n";
$e = thrown(fn() => Email::match('not-an-address', null, $users));
echo get_class($e), ' code=', $e->getCode(), "\n";
echo fails(fn() => Email::match('a@b.c', null, ['x'])), "\n";
echo fails(fn() => Email::match('a@b.c', null, [['email' => 'a@b.c']])), "\n";
echo fails(fn() => Email::match('a@b.c', null, [['user_id' => 1]])), "\n";
echo fails(fn() => Email::match('a@b.c', null, [['user_id' => '1', 'email' => 'a@b.c']])), "\n";
echo fails(fn() => Email::match('a@b.c', null, [['user_id' => 1, 'email' => null]])), "\n";
echo fails(fn() => Email::match('a@b.c', null, [['user_id' => 1, 'email' => 'a@b.c', 'alias' => 1]])), "\n";
echo fails(fn() => Email::match('a@b.c', null, [['user_id' => 1, 'email' => 'a@b.c', 'name' => 5]])), "\n";
echo fails(fn() => Email::match('a@b.c', null, [['user_id' => 1, 'email' => 'a@b.c', 'display_name' => 'x']])), "\n";
echo fails(fn() => Email::match('a@b.c', null, [['user_id' => 1, 'email' => 'a@b.c', 7 => 'x']])), "\n";
echo fails(fn() => Email::match('a@b.c', null, [1 => ['user_id' => 1, 'email' => 'a@b.c'], 2 => 'x'])), "\n";
?>
--EXPECT--
-- normalize
"  Ana@Example.ORG " => "ana@example.org"
"ana@example.org" => "ana@example.org"
"\tX@Y\r\n" => "x@y"
"Ana.Ru\u00edz@Example.org" => "ana.ru\u00edz@example.org"
int(254)
"": Calsync\InputException code=-18
"   ": Calsync\InputException code=-18
"no-at": Calsync\InputException code=-18
"a@@b": Calsync\InputException code=-18
"@b": Calsync\InputException code=-18
"a@": Calsync\InputException code=-18
"a b@c": Calsync\InputException code=-18
"a\u0000b@c": Calsync\InputException code=-18
"aaaaaaaaaaaa": Calsync\InputException code=-18
-- match
ana.ruiz@example.org => link=1 1:exact@0 6:alias@5 3:plus_tag@2 4:edit_distance/1@3 5:same_name@4
 Ana.Ruiz@Example.ORG  => link=1 1:exact@0 6:alias@5 3:plus_tag@2 4:edit_distance/1@3
a.n.a.ruiz@gmail.com => link=NULL 2:dots@1
anaruiz+x@gmail.com => link=NULL 2:plus_tag@1
zed@nowhere.org => link=NULL 5:same_name@4
zed@nowhere.org => link=NULL 
ana@x.org => link=NULL 
ana@x.org => link=9 9:alias@0
ana@x.org => link=NULL 9:alias@0 10:alias@1
ana@x.org => link=NULL 
int(4321)
bool(true)
int(4320)
-- errors
Calsync\InputException code=-18
TypeError: Calsync\Email::match(): Argument #3 ($candidates) must contain only arrays, string given at index 0
ValueError: Calsync\Email::match(): Argument #3 ($candidates) must give "user_id" and "email" at index 0
ValueError: Calsync\Email::match(): Argument #3 ($candidates) must give "user_id" and "email" at index 0
TypeError: Calsync\Email::match(): Argument #3 ($candidates) key "user_id" at index 0 has the wrong type, string given
TypeError: Calsync\Email::match(): Argument #3 ($candidates) key "email" at index 0 has the wrong type, null given
TypeError: Calsync\Email::match(): Argument #3 ($candidates) key "alias" at index 0 has the wrong type, int given
TypeError: Calsync\Email::match(): Argument #3 ($candidates) key "name" at index 0 has the wrong type, int given
ValueError: Calsync\Email::match(): Argument #3 ($candidates) contains an unknown key "display_name" at index 0 (expected "user_id", "email", "name", "alias")
ValueError: Calsync\Email::match(): Argument #3 ($candidates) contains an unknown key at index 0 (expected "user_id", "email", "name", "alias")
TypeError: Calsync\Email::match(): Argument #3 ($candidates) must contain only arrays, string given at index 1
