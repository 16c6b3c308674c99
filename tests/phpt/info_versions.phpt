--TEST--
Calsync\Info::versions(): the versions php --ri calsync shows, as an array
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';

$v = Calsync\Info::versions();
var_dump(array_keys($v));
check('calsync is the extension version', $v['calsync'] === phpversion('calsync'));
ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
foreach (['jansson' => 'jansson version', 'libcurl' => 'libcurl version', 'openssl' => 'OpenSSL version'] as $key => $row) {
    check("$key is phpinfo's '$row' row", $v[$key] !== '' && str_contains($info, "$row => {$v[$key]}"));
}
echo fails(fn() => Calsync\Info::versions(1)), "\n";
?>
--EXPECT--
array(4) {
  [0]=>
  string(7) "calsync"
  [1]=>
  string(7) "jansson"
  [2]=>
  string(7) "libcurl"
  [3]=>
  string(7) "openssl"
}
calsync is the extension version: ok
jansson is phpinfo's 'jansson version' row: ok
libcurl is phpinfo's 'libcurl version' row: ok
openssl is phpinfo's 'OpenSSL version' row: ok
ArgumentCountError: Calsync\Info::versions() expects exactly 0 arguments, 1 given
