/**
 * Step: report — the write-back, in one FHIR R4 transaction: a preliminary DiagnosticReport with
 * one Observation per model output, the model's Device, and a Provenance naming every input version
 * (shapes after the HL7 AI Transparency IG, profiles in {@code fhir-profiles/}). Conditional on the
 * result key, so a repeated hook writes nothing twice.
 */
package org.fusioncds.report;
