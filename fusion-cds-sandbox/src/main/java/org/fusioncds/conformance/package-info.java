/**
 * Checks what the write-back produces against the profiles it claims ({@code fhir-profiles/}) with
 * the HAPI FHIR validator: used by the tests and the tools, never by the service (the validator and
 * its terminology packages stay out of the service jar).
 */
package org.fusioncds.conformance;
