<?php
// SPDX-License-Identifier: MIT
/**
 * Bootstrap of the cluster suite: the WordPress suite's bootstrap (the stack's
 * env, the shared helpers), the storm it extends, and the cluster's helpers.
 */
require dirname( __DIR__ ) . '/wp/bootstrap.php';
require dirname( __DIR__ ) . '/wp/StormTest.php';
require __DIR__ . '/ClusterTestCase.php';
