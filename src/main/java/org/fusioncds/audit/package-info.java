/**
 * The {@code audit} step of the flow: an AuditEvent (FHIR R4, shaped as IHE Basic Audit Log
 * Patterns, BALP 1.1) for every hook call, every read of patient data over FHIR or DICOMweb, every
 * write and every refused authentication ({@link org.fusioncds.audit.CallAuditPolicy}, {@link
 * org.fusioncds.audit.AuditingClientInterceptor}, the image and report steps); kept in a durable
 * spool on disk (one fsynced file per event) and sent to the audit repository in batches by a
 * background thread, as PUTs with client-assigned ids so that a batch sent twice creates nothing
 * twice. The compliance query reads the trail back.
 *
 * <p>Errors: 7070–7076 spool and shipping (7071: an event cannot be kept, the request fails closed;
 * 7073: a batch not accepted, retried), 7080 no audit repository configured, 7090–7096 the
 * compliance query and the module's API (7091 a bad parameter, 400).
 */
package org.fusioncds.audit;
