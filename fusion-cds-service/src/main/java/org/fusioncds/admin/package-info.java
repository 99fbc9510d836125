/**
 * The module's own API ({@code routes/admin.camel.yaml}, Keycloak bearer tokens with realm roles):
 * the compliance query for auditors and the status an operator checks. Not a step of the hook flow;
 * it reads what the flow wrote (FHIR R4 DiagnosticReport, Provenance, AuditEvent).
 */
package org.fusioncds.admin;
