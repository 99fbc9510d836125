/**
 * Step: fhir — reads of the patient's data from the EHR's FHIR R4 server (Patient, ImagingStudy,
 * Observation, Condition), prefetch first, with the hook's bearer token; the HAPI generic client.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-3001 (502) the FHIR server cannot be reached
 *   <li>FCDS-3002 (502) the FHIR server refused the token
 *   <li>FCDS-3003 (404) not found on the FHIR server (the hook's patient)
 *   <li>FCDS-3004 (502) the FHIR server answered with an HTTP error status
 *   <li>FCDS-3005 (400) a prefetch value is not the resource expected
 *   <li>FCDS-3006 (412) the hook names no fhirServer and fhir.base-url is not set: the prefetch
 *       cannot be completed
 *   <li>FCDS-3007 (504) the FHIR server did not answer in time
 *   <li>FCDS-3008 (502) the FHIR server's answer is not the FHIR resource asked for
 *   <li>FCDS-3009 (502) the FHIR server's answer exceeds fhir.max-response-bytes
 *   <li>FCDS-3010 (502) the FHIR server's next links lead back to a page already read
 *   <li>FCDS-3011 (502) the FHIR server does not serve the change feed (type-level _history since)
 *   <li>FCDS-3012 (502) the FHIR server's clock is too far from ours for the change feed's overlap
 *   <li>FCDS-3013 (502) the FHIR server's search has more next pages than the gather reads: the
 *       inputs would be incomplete
 *   <li>FCDS-3014 (502) the result keys of the patient's stored reports could not be read: the
 *       result key is looked up instead
 *   <li>FCDS-3015 (502) the FHIR server's answer links to a server the module may not call (a next
 *       link): not followed, no token sent
 * </ul>
 */
package org.fusioncds.fhir;
