// SPDX-License-Identifier: GPL-2.0-or-later
/* Sync page: starts a back-fill (POST tfsp-calendly/v1/backfill) and polls GET .../backfill/{id} for the progress bar. */
( function() {
	'use strict';
	const __ = wp.i18n.__;
	const sprintf = wp.i18n.sprintf;
	const form = document.getElementById( 'tfsp-calendly-backfill' );
	if ( ! form ) {
		return;
	}
	const box = form.querySelector( '.tfsp-calendly-progress' );
	const bar = box.querySelector( 'progress' );
	const text = box.querySelector( '.tfsp-calendly-progress-text' );
	const submit = form.querySelector( 'button[type="submit"]' );
	let timer = null;

	function describe( job ) {
		const c = job.counts || {};
		const states = {
			queued: __( 'Queued: waiting for the scheduler', 'tfsp-calendly-sync' ),
			running: __( 'Running', 'tfsp-calendly-sync' ),
			done: __( 'Done', 'tfsp-calendly-sync' ),
			failed: __( 'Failed', 'tfsp-calendly-sync' ),
		};
		/* translators: 1: job id, 2: state, 3: pages, 4: events, 5: invitees synced, 6: invitees failed */
		let line = sprintf( __( 'Back-fill #%1$d: %2$s. %3$d pages, %4$d events, %5$d invitees synced, %6$d failed.', 'tfsp-calendly-sync' ),
			job.id, states[ job.state ] || job.state, c.pages_done || 0, c.events_seen || 0, c.invitees_synced || 0, c.invitees_failed || 0 );
		if ( job.last_error ) {
			line += ' ' + __( 'Last error:', 'tfsp-calendly-sync' ) + ' ' + job.last_error;
		}
		return line;
	}

	function show( job ) {
		box.hidden = false;
		box.setAttribute( 'data-state', job.state );
		text.textContent = describe( job );
		if ( 'done' === job.state || 'failed' === job.state ) {
			bar.value = 100;
			submit.disabled = false;
		} else {
			// Calendly gives no total ahead of time: the bar moves with every event finished.
			const c = job.counts || {};
			const seen = c.events_seen || 0;
			const finished = ( c.events_skipped || 0 ) + ( c.invitees_synced || 0 ) + ( c.invitees_failed || 0 );
			if ( seen > 0 ) {
				bar.value = Math.min( 95, Math.round( 95 * Math.min( finished, seen ) / seen ) );
			} else {
				bar.removeAttribute( 'value' );
			}
		}
	}

	function poll( id ) {
		wp.apiFetch( { path: '/tfsp-calendly/v1/backfill/' + encodeURIComponent( id ) } ).then( function( job ) {
			show( job );
			if ( 'done' !== job.state && 'failed' !== job.state ) {
				timer = window.setTimeout( function() {
					poll( id );
				}, 1500 );
			}
		} ).catch( function( error ) {
			text.textContent = ( error && error.message ) ? error.message : __( 'The progress could not be read.', 'tfsp-calendly-sync' );
			timer = window.setTimeout( function() {
				poll( id );
			}, 5000 );
		} );
	}

	form.addEventListener( 'submit', function( event ) {
		event.preventDefault();
		const from = form.elements.from.value;
		const to = form.elements.to.value;
		if ( ! from || ! to ) {
			return;
		}
		const end = new Date( to + 'T00:00:00Z' );
		end.setUTCDate( end.getUTCDate() + 1 );
		submit.disabled = true;
		box.hidden = false;
		bar.removeAttribute( 'value' );
		text.textContent = __( 'Starting…', 'tfsp-calendly-sync' );
		window.clearTimeout( timer );
		wp.apiFetch( {
			path: '/tfsp-calendly/v1/backfill',
			method: 'POST',
			data: { from: from + 'T00:00:00Z', to: end.toISOString().replace( /\.\d+Z$/, 'Z' ) },
		} ).then( function( job ) {
			show( job );
			poll( job.id );
		} ).catch( function( error ) {
			submit.disabled = false;
			text.textContent = ( error && error.message ) ? error.message : __( 'The back-fill could not be started.', 'tfsp-calendly-sync' );
		} );
	} );

	const running = parseInt( form.getAttribute( 'data-job' ), 10 );
	if ( running > 0 ) {
		submit.disabled = true;
		poll( running );
	}
}() );
