<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper: runs one of the plugin's WP-Cron hooks in-process.  php run-cron.php WP_DIR HOOK
 */
$tfsp_test_hook         = $argv[2];
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $argv[1] . '/wp-load.php';
do_action( $tfsp_test_hook );
echo "ran\n";
