// SPDX-License-Identifier: GPL-2.0-or-later
/* The "Coaching sessions" block in the editor: no controls, the server renders it (see PortalShortcode). */
( function( blocks, element, serverSideRender ) {
	'use strict';
	blocks.registerBlockType( 'tfsp-calendly/coaching-sessions', {
		edit() {
			return element.createElement( serverSideRender, { block: 'tfsp-calendly/coaching-sessions' } );
		},
		save() {
			return null;
		},
	} );
}( window.wp.blocks, window.wp.element, window.wp.serverSideRender ) );
