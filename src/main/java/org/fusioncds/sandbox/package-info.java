/**
 * Sandbox servers for the demo and tests only: an in-JVM HAPI FHIR JPA server (R4, H2) and a
 * read-only DICOMweb endpoint over a folder, and an EHR that signs CDS Hooks JWTs and serves its
 * JWKS ({@link org.fusioncds.sandbox.SandboxEhr}, error 7029 from the security range). Never on the
 * serve path.
 *
 * <p>Error codes: 8001 port out of range, 8002 FHIR server did not start; 8020–8022 DICOMweb folder
 * or port; DICOMweb answers 404 (8030 study, 8031 series, 8032 instance, 8033 frame, 8034 no pixel
 * data, 8035 no such resource), 400 (8040 UID, 8041 query key, 8042 query value, 8043 frame list),
 * 406 (8045), 401 (8047), 405 (8048), 500 (8049).
 */
package org.fusioncds.sandbox;
