// SPDX-License-Identifier: MIT
/*
 * ESLint for the plugin's scripts (wp-plugin/admin/assets/*.js, wp-plugin/public/blocks/NAME/index.js),
 * run by `scripts/lint eslint` from the repository root.
 *
 * WordPress's own rules: @wordpress/eslint-plugin's recommended preset in its
 * "recommended-with-formatting" form, which is the recommended preset with
 * ESLint's formatting rules (WordPress's spacing) in place of Prettier.  The
 * scripts ship as they are written, with no build step, for the browsers
 * WordPress supports.
 */
import wordpress from '@wordpress/eslint-plugin';

export default [
	...wordpress.configs[ 'recommended-with-formatting' ],
	{
		// No React in these scripts; naming a version keeps eslint-plugin-react from looking for it.
		settings: { react: { version: '18.3' } },
	},
];
