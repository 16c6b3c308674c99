/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 5582e17c41398dc1c31a59a506fa07a4613ecbd0 */

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Info_versions, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Time_parse, 0, 1, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Time_format, 0, 1, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, microseconds, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Signature_verify, 0, 3, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, header, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, body, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, keys, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, now, IS_LONG, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, maxAge, IS_LONG, 0, "180")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, maxFuture, IS_LONG, 0, "180")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Signature_sign, 0, 3, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, body, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, timestamp, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Calsync_Event___construct, 0, 0, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Calsync_Event_parse, 0, 1, Calsync\\Event, 0)
	ZEND_ARG_TYPE_INFO(0, body, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Calsync_Event_parseRestInvitee, 0, 1, Calsync\\Event, 0)
	ZEND_ARG_TYPE_INFO(0, json, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Event_rawDedupeKey, 0, 1, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, body, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Calsync_Event_webhookEvents arginfo_class_Calsync_Info_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Event_kind, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Calsync_Event_dedupeKey arginfo_class_Calsync_Event_kind

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Event_inviteeUri, 0, 0, IS_STRING, 1)
ZEND_END_ARG_INFO()

#define arginfo_class_Calsync_Event_peerUri arginfo_class_Calsync_Event_inviteeUri

#define arginfo_class_Calsync_Event_peerUris arginfo_class_Calsync_Info_versions

#define arginfo_class_Calsync_Event_toArray arginfo_class_Calsync_Info_versions

#define arginfo_class_Calsync_Event_redactedJson arginfo_class_Calsync_Event_kind

#define arginfo_class_Calsync_ScheduledEvent___construct arginfo_class_Calsync_Event___construct

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Calsync_ScheduledEvent_parse, 0, 1, Calsync\\ScheduledEvent, 0)
	ZEND_ARG_TYPE_INFO(0, json, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Calsync_ScheduledEvent_uri arginfo_class_Calsync_Event_kind

#define arginfo_class_Calsync_ScheduledEvent_toArray arginfo_class_Calsync_Info_versions

#define arginfo_class_Calsync_State_emptyFacts arginfo_class_Calsync_Info_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_State_applyEvent, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, facts, IS_ARRAY, 1)
	ZEND_ARG_OBJ_INFO(0, event, Calsync\\Event, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, now, IS_LONG, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_State_applyPeer, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, facts, IS_ARRAY, 1)
	ZEND_ARG_OBJ_INFO(0, event, Calsync\\Event, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, peerUri, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_State_applyScheduledEvent, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, facts, IS_ARRAY, 1)
	ZEND_ARG_OBJ_INFO(0, event, Calsync\\ScheduledEvent, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_State_applyMark, 0, 4, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, facts, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, mark, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, at, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, by, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, twoWayNoShow, _IS_BOOL, 0, "false")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_State_applyManual, 0, 5, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, facts, IS_ARRAY, 1)
	ZEND_ARG_TYPE_INFO(0, start, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, end, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, at, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, by, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_State_applyErasure, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, facts, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, at, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_State_merge, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, a, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, b, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_State_derive, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, facts, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, now, IS_LONG, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_State_then, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, first, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, second, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_State_chainStanding, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, rows, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_State_normalizeStatus, 0, 1, IS_STRING, 1)
	ZEND_ARG_TYPE_INFO(0, status, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Email_normalize, 0, 1, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, email, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Email_match, 0, 3, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, email, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, name, IS_STRING, 1)
	ZEND_ARG_TYPE_INFO(0, candidates, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Calsync_Sealer___construct, 0, 0, 1)
	ZEND_ARG_TYPE_INFO(0, secret, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Sealer_seal, 0, 2, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, plain, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, context, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Sealer_open, 0, 2, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, sealed, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, context, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Calsync_Sealer_keyId arginfo_class_Calsync_Event_kind

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Calsync_Client___construct, 0, 0, 2)
	ZEND_ARG_TYPE_INFO(0, baseUrl, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, token, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

#define arginfo_class_Calsync_Client_currentUser arginfo_class_Calsync_Info_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Client_eventTypes, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, query, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, pageToken, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

#define arginfo_class_Calsync_Client_scheduledEvents arginfo_class_Calsync_Client_eventTypes

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Calsync_Client_scheduledEvent, 0, 1, Calsync\\ScheduledEvent, 0)
	ZEND_ARG_TYPE_INFO(0, uuid, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Client_invitees, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, eventUuid, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, query, IS_ARRAY, 0, "[]")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, pageToken, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Calsync_Client_invitee, 0, 2, Calsync\\Event, 0)
	ZEND_ARG_TYPE_INFO(0, eventUuid, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, inviteeUuid, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Client_createSubscription, 0, 6, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, url, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, events, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, organization, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, scope, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, user, IS_STRING, 1)
	ZEND_ARG_TYPE_INFO(0, signingKey, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Calsync_Client_subscriptions arginfo_class_Calsync_Client_eventTypes

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Client_subscription, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, uuid, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Client_deleteSubscription, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, uuid, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_Client_createNoShow, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, inviteeUri, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Calsync_Client_deleteNoShow arginfo_class_Calsync_Client_deleteSubscription

#define arginfo_class_Calsync_Client_stats arginfo_class_Calsync_Info_versions

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Calsync_AuthClient___construct, 0, 0, 3)
	ZEND_ARG_TYPE_INFO(0, baseUrl, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, clientId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, clientSecret, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_AuthClient_exchangeCode, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, code, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, redirectUri, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, codeVerifier, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_AuthClient_refresh, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, refreshToken, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Calsync_AuthClient_revoke, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, token, IS_STRING, 0)
ZEND_END_ARG_INFO()


ZEND_METHOD(Calsync_Info, versions);
ZEND_METHOD(Calsync_Time, parse);
ZEND_METHOD(Calsync_Time, format);
ZEND_METHOD(Calsync_Signature, verify);
ZEND_METHOD(Calsync_Signature, sign);
ZEND_METHOD(Calsync_Event, __construct);
ZEND_METHOD(Calsync_Event, parse);
ZEND_METHOD(Calsync_Event, parseRestInvitee);
ZEND_METHOD(Calsync_Event, rawDedupeKey);
ZEND_METHOD(Calsync_Event, webhookEvents);
ZEND_METHOD(Calsync_Event, kind);
ZEND_METHOD(Calsync_Event, dedupeKey);
ZEND_METHOD(Calsync_Event, inviteeUri);
ZEND_METHOD(Calsync_Event, peerUri);
ZEND_METHOD(Calsync_Event, peerUris);
ZEND_METHOD(Calsync_Event, toArray);
ZEND_METHOD(Calsync_Event, redactedJson);
ZEND_METHOD(Calsync_ScheduledEvent, __construct);
ZEND_METHOD(Calsync_ScheduledEvent, parse);
ZEND_METHOD(Calsync_ScheduledEvent, uri);
ZEND_METHOD(Calsync_ScheduledEvent, toArray);
ZEND_METHOD(Calsync_State, emptyFacts);
ZEND_METHOD(Calsync_State, applyEvent);
ZEND_METHOD(Calsync_State, applyPeer);
ZEND_METHOD(Calsync_State, applyScheduledEvent);
ZEND_METHOD(Calsync_State, applyMark);
ZEND_METHOD(Calsync_State, applyManual);
ZEND_METHOD(Calsync_State, applyErasure);
ZEND_METHOD(Calsync_State, merge);
ZEND_METHOD(Calsync_State, derive);
ZEND_METHOD(Calsync_State, then);
ZEND_METHOD(Calsync_State, chainStanding);
ZEND_METHOD(Calsync_State, normalizeStatus);
ZEND_METHOD(Calsync_Email, normalize);
ZEND_METHOD(Calsync_Email, match);
ZEND_METHOD(Calsync_Sealer, __construct);
ZEND_METHOD(Calsync_Sealer, seal);
ZEND_METHOD(Calsync_Sealer, open);
ZEND_METHOD(Calsync_Sealer, keyId);
ZEND_METHOD(Calsync_Client, __construct);
ZEND_METHOD(Calsync_Client, currentUser);
ZEND_METHOD(Calsync_Client, eventTypes);
ZEND_METHOD(Calsync_Client, scheduledEvents);
ZEND_METHOD(Calsync_Client, scheduledEvent);
ZEND_METHOD(Calsync_Client, invitees);
ZEND_METHOD(Calsync_Client, invitee);
ZEND_METHOD(Calsync_Client, createSubscription);
ZEND_METHOD(Calsync_Client, subscriptions);
ZEND_METHOD(Calsync_Client, subscription);
ZEND_METHOD(Calsync_Client, deleteSubscription);
ZEND_METHOD(Calsync_Client, createNoShow);
ZEND_METHOD(Calsync_Client, deleteNoShow);
ZEND_METHOD(Calsync_Client, stats);
ZEND_METHOD(Calsync_AuthClient, __construct);
ZEND_METHOD(Calsync_AuthClient, exchangeCode);
ZEND_METHOD(Calsync_AuthClient, refresh);
ZEND_METHOD(Calsync_AuthClient, revoke);


static const zend_function_entry class_Calsync_Exception_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_InputException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_SignatureException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_PayloadException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_SealException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_ApiException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_StateException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_Info_methods[] = {
	ZEND_ME(Calsync_Info, versions, arginfo_class_Calsync_Info_versions, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_Time_methods[] = {
	ZEND_ME(Calsync_Time, parse, arginfo_class_Calsync_Time_parse, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_Time, format, arginfo_class_Calsync_Time_format, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_Signature_methods[] = {
	ZEND_ME(Calsync_Signature, verify, arginfo_class_Calsync_Signature_verify, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_Signature, sign, arginfo_class_Calsync_Signature_sign, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_Event_methods[] = {
	ZEND_ME(Calsync_Event, __construct, arginfo_class_Calsync_Event___construct, ZEND_ACC_PRIVATE)
	ZEND_ME(Calsync_Event, parse, arginfo_class_Calsync_Event_parse, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_Event, parseRestInvitee, arginfo_class_Calsync_Event_parseRestInvitee, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_Event, rawDedupeKey, arginfo_class_Calsync_Event_rawDedupeKey, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_Event, webhookEvents, arginfo_class_Calsync_Event_webhookEvents, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_Event, kind, arginfo_class_Calsync_Event_kind, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Event, dedupeKey, arginfo_class_Calsync_Event_dedupeKey, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Event, inviteeUri, arginfo_class_Calsync_Event_inviteeUri, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Event, peerUri, arginfo_class_Calsync_Event_peerUri, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Event, peerUris, arginfo_class_Calsync_Event_peerUris, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Event, toArray, arginfo_class_Calsync_Event_toArray, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Event, redactedJson, arginfo_class_Calsync_Event_redactedJson, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_ScheduledEvent_methods[] = {
	ZEND_ME(Calsync_ScheduledEvent, __construct, arginfo_class_Calsync_ScheduledEvent___construct, ZEND_ACC_PRIVATE)
	ZEND_ME(Calsync_ScheduledEvent, parse, arginfo_class_Calsync_ScheduledEvent_parse, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_ScheduledEvent, uri, arginfo_class_Calsync_ScheduledEvent_uri, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_ScheduledEvent, toArray, arginfo_class_Calsync_ScheduledEvent_toArray, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_State_methods[] = {
	ZEND_ME(Calsync_State, emptyFacts, arginfo_class_Calsync_State_emptyFacts, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_State, applyEvent, arginfo_class_Calsync_State_applyEvent, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_State, applyPeer, arginfo_class_Calsync_State_applyPeer, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_State, applyScheduledEvent, arginfo_class_Calsync_State_applyScheduledEvent, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_State, applyMark, arginfo_class_Calsync_State_applyMark, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_State, applyManual, arginfo_class_Calsync_State_applyManual, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_State, applyErasure, arginfo_class_Calsync_State_applyErasure, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_State, merge, arginfo_class_Calsync_State_merge, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_State, derive, arginfo_class_Calsync_State_derive, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_State, then, arginfo_class_Calsync_State_then, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_State, chainStanding, arginfo_class_Calsync_State_chainStanding, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_State, normalizeStatus, arginfo_class_Calsync_State_normalizeStatus, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_Email_methods[] = {
	ZEND_ME(Calsync_Email, normalize, arginfo_class_Calsync_Email_normalize, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Calsync_Email, match, arginfo_class_Calsync_Email_match, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_Sealer_methods[] = {
	ZEND_ME(Calsync_Sealer, __construct, arginfo_class_Calsync_Sealer___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Sealer, seal, arginfo_class_Calsync_Sealer_seal, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Sealer, open, arginfo_class_Calsync_Sealer_open, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Sealer, keyId, arginfo_class_Calsync_Sealer_keyId, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_Client_methods[] = {
	ZEND_ME(Calsync_Client, __construct, arginfo_class_Calsync_Client___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, currentUser, arginfo_class_Calsync_Client_currentUser, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, eventTypes, arginfo_class_Calsync_Client_eventTypes, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, scheduledEvents, arginfo_class_Calsync_Client_scheduledEvents, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, scheduledEvent, arginfo_class_Calsync_Client_scheduledEvent, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, invitees, arginfo_class_Calsync_Client_invitees, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, invitee, arginfo_class_Calsync_Client_invitee, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, createSubscription, arginfo_class_Calsync_Client_createSubscription, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, subscriptions, arginfo_class_Calsync_Client_subscriptions, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, subscription, arginfo_class_Calsync_Client_subscription, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, deleteSubscription, arginfo_class_Calsync_Client_deleteSubscription, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, createNoShow, arginfo_class_Calsync_Client_createNoShow, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, deleteNoShow, arginfo_class_Calsync_Client_deleteNoShow, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_Client, stats, arginfo_class_Calsync_Client_stats, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Calsync_AuthClient_methods[] = {
	ZEND_ME(Calsync_AuthClient, __construct, arginfo_class_Calsync_AuthClient___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_AuthClient, exchangeCode, arginfo_class_Calsync_AuthClient_exchangeCode, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_AuthClient, refresh, arginfo_class_Calsync_AuthClient_refresh, ZEND_ACC_PUBLIC)
	ZEND_ME(Calsync_AuthClient, revoke, arginfo_class_Calsync_AuthClient_revoke, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};

static zend_class_entry *register_class_Calsync_Exception(zend_class_entry *class_entry_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "Exception", class_Calsync_Exception_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Exception);

	return class_entry;
}

static zend_class_entry *register_class_Calsync_InputException(zend_class_entry *class_entry_Calsync_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "InputException", class_Calsync_InputException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Calsync_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Calsync_SignatureException(zend_class_entry *class_entry_Calsync_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "SignatureException", class_Calsync_SignatureException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Calsync_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	zval property_reason_default_value;
	ZVAL_UNDEF(&property_reason_default_value);
	zend_string *property_reason_name = zend_string_init("reason", sizeof("reason") - 1, 1);
	zend_declare_typed_property(class_entry, property_reason_name, &property_reason_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_reason_name);

	zval property_timestamp_default_value;
	ZVAL_UNDEF(&property_timestamp_default_value);
	zend_string *property_timestamp_name = zend_string_init("timestamp", sizeof("timestamp") - 1, 1);
	zend_declare_typed_property(class_entry, property_timestamp_name, &property_timestamp_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG|MAY_BE_NULL));
	zend_string_release(property_timestamp_name);

	return class_entry;
}

static zend_class_entry *register_class_Calsync_PayloadException(zend_class_entry *class_entry_Calsync_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "PayloadException", class_Calsync_PayloadException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Calsync_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	zval property_path_default_value;
	ZVAL_UNDEF(&property_path_default_value);
	zend_string *property_path_name = zend_string_init("path", sizeof("path") - 1, 1);
	zend_declare_typed_property(class_entry, property_path_name, &property_path_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_path_name);

	return class_entry;
}

static zend_class_entry *register_class_Calsync_SealException(zend_class_entry *class_entry_Calsync_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "SealException", class_Calsync_SealException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Calsync_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	zval property_reason_default_value;
	ZVAL_UNDEF(&property_reason_default_value);
	zend_string *property_reason_name = zend_string_init("reason", sizeof("reason") - 1, 1);
	zend_declare_typed_property(class_entry, property_reason_name, &property_reason_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_reason_name);

	return class_entry;
}

static zend_class_entry *register_class_Calsync_ApiException(zend_class_entry *class_entry_Calsync_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "ApiException", class_Calsync_ApiException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Calsync_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	zval property_status_default_value;
	ZVAL_UNDEF(&property_status_default_value);
	zend_string *property_status_name = zend_string_init("status", sizeof("status") - 1, 1);
	zend_declare_typed_property(class_entry, property_status_name, &property_status_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG));
	zend_string_release(property_status_name);

	zval property_title_default_value;
	ZVAL_UNDEF(&property_title_default_value);
	zend_string *property_title_name = zend_string_init("title", sizeof("title") - 1, 1);
	zend_declare_typed_property(class_entry, property_title_name, &property_title_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_title_name);

	zval property_retryAfterMs_default_value;
	ZVAL_UNDEF(&property_retryAfterMs_default_value);
	zend_string *property_retryAfterMs_name = zend_string_init("retryAfterMs", sizeof("retryAfterMs") - 1, 1);
	zend_declare_typed_property(class_entry, property_retryAfterMs_name, &property_retryAfterMs_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG));
	zend_string_release(property_retryAfterMs_name);

	return class_entry;
}

static zend_class_entry *register_class_Calsync_StateException(zend_class_entry *class_entry_Calsync_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "StateException", class_Calsync_StateException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Calsync_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Calsync_Info(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "Info", class_Calsync_Info_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Calsync_Time(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "Time", class_Calsync_Time_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Calsync_Signature(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "Signature", class_Calsync_Signature_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL;


	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "verify", sizeof("verify") - 1), 2, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "sign", sizeof("sign") - 1), 1, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	return class_entry;
}

static zend_class_entry *register_class_Calsync_Event(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "Event", class_Calsync_Event_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;

	return class_entry;
}

static zend_class_entry *register_class_Calsync_ScheduledEvent(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "ScheduledEvent", class_Calsync_ScheduledEvent_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;

	return class_entry;
}

static zend_class_entry *register_class_Calsync_State(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "State", class_Calsync_State_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Calsync_Email(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "Email", class_Calsync_Email_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Calsync_Sealer(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "Sealer", class_Calsync_Sealer_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;


	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "__construct", sizeof("__construct") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "seal", sizeof("seal") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	return class_entry;
}

static zend_class_entry *register_class_Calsync_Client(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "Client", class_Calsync_Client_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;


	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "__construct", sizeof("__construct") - 1), 1, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "__construct", sizeof("__construct") - 1), 2, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "createsubscription", sizeof("createsubscription") - 1), 5, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	return class_entry;
}

static zend_class_entry *register_class_Calsync_AuthClient(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Calsync", "AuthClient", class_Calsync_AuthClient_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;


	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "__construct", sizeof("__construct") - 1), 2, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "__construct", sizeof("__construct") - 1), 3, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "exchangecode", sizeof("exchangecode") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "exchangecode", sizeof("exchangecode") - 1), 2, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "refresh", sizeof("refresh") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "revoke", sizeof("revoke") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	return class_entry;
}
