/**
 * Step: cdshooks — the CDS Hooks 2.0.1 service: discovery, hook requests (validated before anything
 * is fetched), cards, and feedback tied to the card and the model version.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-1001 (400) the request body is not a readable JSON object
 *   <li>FCDS-1002 (400) the request names no hook
 *   <li>FCDS-1003 (400) the request's hook is not the one the service answers
 *   <li>FCDS-1004 (400) the request has no hookInstance
 *   <li>FCDS-1005 (400) the request's context is missing or not an object
 *   <li>FCDS-1006 (400) context.patientId is missing or not a FHIR id
 *   <li>FCDS-1007 (400) context.userId does not reference a user
 *   <li>FCDS-1008 (400) context.encounterId is not a FHIR id
 *   <li>FCDS-1009 (400) fhirServer is not an absolute http(s) URL
 *   <li>FCDS-1010 (400) fhirAuthorization lacks a required field
 *   <li>FCDS-1011 (400) fhirAuthorization given without a fhirServer
 *   <li>FCDS-1012 (400) prefetch is not an object of FHIR resources
 *   <li>FCDS-1013 (404) no CDS service with that id
 *   <li>FCDS-1014 (404) no model card with that id
 *   <li>FCDS-1015 (413) the request body is larger than cds.request.max-body-bytes
 *   <li>FCDS-1016 (400) the request JSON nests deeper than cds.request.max-depth
 *   <li>FCDS-1017 (400) a string, name or number in the request is longer than its limit
 *   <li>FCDS-1018 (400) an array in the request has more items than cds.request.max-array-length
 *   <li>FCDS-1019 (500) a cds.request.* limit is out of range
 *   <li>FCDS-1020 (400) the feedback body is not valid JSON
 *   <li>FCDS-1021 (400) feedback is not a non-empty array
 *   <li>FCDS-1022 (404) feedback names a card never issued, or one older than the cards kept
 *   <li>FCDS-1023 (400) feedback outcome is not accepted or overridden
 *   <li>FCDS-1024 (500) feedback could not be stored
 *   <li>FCDS-1025 (400) a feedback item or one of its fields has the wrong type or form
 *   <li>FCDS-1026 (500) cds.feedback.cards-kept is out of range
 *   <li>FCDS-1027 (500) cds.card-timing or cds.report-queue.* is out of range
 *   <li>FCDS-1028 (500) a report to be written behind its card could not be journaled
 *   <li>FCDS-1029 (500) the journal of reports to be written behind their cards is unreadable
 *   <li>FCDS-1030 (409) a report a card named was not written and its case changed before the
 *       replay
 *   <li>FCDS-1099 (500) an unexpected error while answering a request
 *   <li>FCDS-1110 (500) a job names a model this service does not serve
 * </ul>
 */
package org.fusioncds.cdshooks;
