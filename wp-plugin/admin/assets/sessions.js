// SPDX-License-Identifier: GPL-2.0-or-later
/* Sessions list: inline attendance marks through POST tfsp-calendly/v1/sessions/{id}/mark (REST nonce via wp.apiFetch). */
( function() {
	'use strict';
	const __ = wp.i18n.__;

	function setText( el, text ) {
		if ( el ) {
			el.textContent = text;
		}
	}

	function update( row, box, answer ) {
		const status = row.querySelector( '.tfsp-calendly-status' );
		if ( status ) {
			status.className = 'tfsp-calendly-status tfsp-calendly-status-' + answer.shown_status;
			status.setAttribute( 'data-status', answer.shown_status );
			setText( status, answer.status_label );
		}
		const cell = status ? status.parentNode : null;
		let conflict = row.querySelector( '.tfsp-calendly-conflict' );
		if ( answer.conflict_text ) {
			if ( ! conflict && cell ) {
				conflict = document.createElement( 'div' );
				conflict.className = 'tfsp-calendly-conflict';
				cell.appendChild( conflict );
			}
			setText( conflict, answer.conflict_text );
		} else if ( conflict ) {
			conflict.parentNode.removeChild( conflict );
		}
		box.querySelectorAll( 'button[data-mark]' ).forEach( function( button ) {
			button.classList.toggle( 'button-primary', button.getAttribute( 'data-mark' ) === answer.mark );
		} );
	}

	document.addEventListener( 'click', function( event ) {
		const button = event.target.closest( '.tfsp-calendly-mark button[data-mark]' );
		if ( ! button ) {
			return;
		}
		event.preventDefault();
		const box = button.closest( '.tfsp-calendly-mark' );
		const row = button.closest( 'tr' );
		const note = box.querySelector( '.tfsp-calendly-mark-note' );
		const result = box.querySelector( '.tfsp-calendly-mark-result' );
		const buttons = box.querySelectorAll( 'button' );
		buttons.forEach( function( b ) {
			b.disabled = true;
		} );
		setText( result, __( 'Saving…', 'tfsp-calendly-sync' ) );
		wp.apiFetch( {
			path: '/tfsp-calendly/v1/sessions/' + encodeURIComponent( box.getAttribute( 'data-session' ) ) + '/mark',
			method: 'POST',
			data: { mark: button.getAttribute( 'data-mark' ), note: note ? note.value : '' },
		} ).then( function( answer ) {
			update( row, box, answer );
			if ( note ) {
				note.value = '';
			}
			let text = __( 'Saved.', 'tfsp-calendly-sync' );
			if ( answer.calendly && 'created' !== answer.calendly && 'deleted' !== answer.calendly ) {
				text += ' ' + __( 'Calendly was not updated:', 'tfsp-calendly-sync' ) + ' ' + answer.calendly;
			}
			setText( result, text );
		} ).catch( function( error ) {
			setText( result, ( error && error.message ) ? error.message : __( 'The mark could not be saved.', 'tfsp-calendly-sync' ) );
			result.classList.add( 'tfsp-calendly-error' );
		} ).finally( function() {
			buttons.forEach( function( b ) {
				b.disabled = false;
			} );
		} );
	} );
}() );
