/**
 * Sandbox servers for the demo and tests only: an in-JVM HAPI FHIR JPA server (R4, H2) and a
 * read-only DICOMweb endpoint over a folder, and an EHR that signs CDS Hooks JWTs and serves its
 * JWKS ({@link org.fusioncds.sandbox.SandboxEhr}, error 7029 from the security range), and a
 * single-node Kafka broker in a child JVM ({@link org.fusioncds.sandbox.KafkaBroker}). Never on the
 * serve path.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-8002 (500) the sandbox FHIR server did not start
 *   <li>FCDS-8005 (500) a sandbox port out of range
 *   <li>FCDS-8020 (500) the DICOMweb sandbox root is not a folder
 *   <li>FCDS-8021 (500) the DICOMweb sandbox root cannot be listed
 *   <li>FCDS-8022 (500) the DICOMweb sandbox cannot listen on its port
 *   <li>FCDS-8030 (404) no such study
 *   <li>FCDS-8031 (404) no such series
 *   <li>FCDS-8032 (404) no such instance
 *   <li>FCDS-8033 (404) no such frame
 *   <li>FCDS-8034 (404) the instance has no pixel data
 *   <li>FCDS-8035 (404) no such DICOMweb resource
 *   <li>FCDS-8040 (400) a malformed UID
 *   <li>FCDS-8041 (400) a query key that is not supported
 *   <li>FCDS-8042 (400) a malformed query value
 *   <li>FCDS-8043 (400) a malformed frame list
 *   <li>FCDS-8045 (406) no acceptable media type or transfer syntax
 *   <li>FCDS-8047 (401) the Authorization header was refused
 *   <li>FCDS-8048 (405) only GET is served
 *   <li>FCDS-8049 (500) internal error of the DICOMweb sandbox
 *   <li>FCDS-8050 (500) no free loopback port
 *   <li>FCDS-8070 (500) the Kafka broker's classpath is missing
 *   <li>FCDS-8071 (500) the sandbox Kafka broker did not start
 * </ul>
 */
package org.fusioncds.sandbox;
