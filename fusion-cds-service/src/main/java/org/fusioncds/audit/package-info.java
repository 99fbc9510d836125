/**
 * The {@code audit} step of the flow: an AuditEvent (FHIR R4, shaped as IHE Basic Audit Log
 * Patterns, BALP 1.1) for every hook call, every read of patient data over FHIR or DICOMweb, every
 * write and every refused authentication ({@link org.fusioncds.audit.CallAuditPolicy}, {@link
 * org.fusioncds.audit.AuditingClientInterceptor}, the image and report steps); kept in a durable
 * journal on disk (segment files of checksummed records, one fsync per group of appends) and sent
 * to the audit repository in batches by a background thread, as PUTs with client-assigned ids so
 * that a batch sent twice creates nothing twice. The compliance query reads the trail back.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-7070 (500) an AuditEvent without a usable id
 *   <li>FCDS-7071 (500) an AuditEvent cannot be kept in the spool
 *   <li>FCDS-7072 (500) a spooled AuditEvent is unreadable and quarantined
 *   <li>FCDS-7073 (500) an audit batch not accepted by the audit repository
 *   <li>FCDS-7074 (500) the audit spool folder is unusable
 *   <li>FCDS-7075 (500) a torn last audit journal record was dropped after a crash
 *   <li>FCDS-7076 (500) not a FHIR read or search
 *   <li>FCDS-7077 (500) an audit.journal setting is out of range
 *   <li>FCDS-7078 (500) an audit shipping setting is out of range
 *   <li>FCDS-7080 (500) no audit repository configured
 *   <li>FCDS-7090 (500) the compliance query's FHIR base is not an http(s) URL
 *   <li>FCDS-7091 (400) a compliance query parameter is invalid
 *   <li>FCDS-7092 (500) the FHIR server failed a compliance query request
 *   <li>FCDS-7093 (500) more AI reports match than the query returns
 *   <li>FCDS-7094 (500) the compliance output cannot be written
 *   <li>FCDS-7095 (500) no FHIR server to query: fhir.base-url is not set
 *   <li>FCDS-7096 (400) the compliance format must be json or csv
 * </ul>
 */
package org.fusioncds.audit;
