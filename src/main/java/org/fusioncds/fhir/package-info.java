/**
 * Step: fhir — reads of the patient's data from the EHR's FHIR R4 server (Patient, ImagingStudy,
 * Observation, Condition), prefetch first, with the hook's bearer token; the HAPI generic client.
 */
package org.fusioncds.fhir;
