/**
 * Step: report — the write-back, in one FHIR R4 transaction: a preliminary DiagnosticReport with
 * one Observation per model output, the model's Device, and a Provenance naming every input version
 * (shapes after the HL7 AI Transparency IG, profiles in {@code fhir-profiles/}), the report's
 * presentedForm (HTML and PDF/A Binaries, rendered by {@code report.form}) and its key image (a
 * Media) and the model card (a DocumentReference, once per card text). Conditional on the result
 * key, so a repeated hook writes nothing twice. {@code ReviewWriter}: the clinician's feedback on a
 * card as a Provenance with a verifier agent on the report it reviewed.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-6001 (500) the FHIR server refused the report transaction
 *   <li>FCDS-6002 (500) the FHIR server cannot be reached to write the report
 *   <li>FCDS-6003 (500) the transaction answer names no DiagnosticReport
 *   <li>FCDS-6004 (500) the FHIR server answered an HTTP error while the report was read
 *   <li>FCDS-6005 (500) the FHIR server kept answering an HTTP error to the transaction
 *   <li>FCDS-6006 (500) interrupted while writing the report
 *   <li>FCDS-6007 (500) report.retry.* settings are out of range
 *   <li>FCDS-6100 (500) the profile folder is unreadable or has no StructureDefinition
 *   <li>FCDS-6101 (500) a profile file is not a FHIR R4 StructureDefinition
 *   <li>FCDS-6102 (500) no complete snapshot could be generated for a profile
 *   <li>FCDS-6103 (500) a resource does not conform to the profile it claims
 *   <li>FCDS-6400 (500) the model card file could not be read for its FHIR DocumentReference
 *   <li>FCDS-6401 (502) the report a clinician's feedback reviews is not on the FHIR server
 *   <li>FCDS-6402 (502) the FHIR server refused or did not take the review Provenance of a feedback
 *   <li>FCDS-6403 (500) the report a feedback reviews lies on a FHIR server off the allowlist
 * </ul>
 */
package org.fusioncds.report;
