/**
 * Sandbox servers for the demo and tests only: an in-JVM HAPI FHIR JPA server (R4, H2) and a
 * read-only DICOMweb endpoint over a folder. Never on the serve path.
 *
 * <p>Error codes 8000–8099: 800x FHIR server start and stop, 802x–804x DICOMweb endpoint (index,
 * requests), 809x both together.
 */
package org.fusioncds.sandbox;
