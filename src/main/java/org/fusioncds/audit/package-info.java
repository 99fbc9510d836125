/**
 * The {@code audit} step of the flow: an AuditEvent (FHIR R4, shaped as IHE Basic Audit Log
 * Patterns, BALP 1.1) for every hook call, every read of patient data over FHIR or DICOMweb, every
 * write and every refused authentication; kept in a durable spool on disk and sent to the audit
 * repository in batches, off the hot path, exactly once. The compliance query reads the trail back.
 * Errors 7070–7099.
 */
package org.fusioncds.audit;
