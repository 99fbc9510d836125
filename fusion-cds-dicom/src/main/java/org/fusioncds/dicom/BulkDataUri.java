package org.fusioncds.dicom;

/**
 * A value that lives elsewhere, named by a URI (PS3.18 F.2.6 BulkDataURI), as in WADO-RS metadata.
 */
public record BulkDataUri(String uri) {}
