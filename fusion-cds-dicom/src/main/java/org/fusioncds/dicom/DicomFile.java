package org.fusioncds.dicom;

import java.util.List;

/**
 * A parsed DICOM stream: its File Meta Information (empty when the file had none), its data set,
 * the transfer syntax the data set was read with, and what was tolerated on the way (warnings carry
 * no patient data). Holds its source open for bulk data: close it.
 *
 * @param transferSyntaxUid the UID from the file meta, or the one detected when it was missing
 * @param transferSyntax the known syntax, or null for a UID we do not know
 */
public record DicomFile(
    Dataset fileMeta,
    Dataset dataset,
    String transferSyntaxUid,
    TransferSyntax transferSyntax,
    List<String> warnings,
    ByteSource source)
    implements AutoCloseable {

  @Override
  public void close() {
    source.close();
  }
}
