package org.fusioncds.dicom;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * A DICOM file, stream or pixel frame that cannot be read, written or decoded. Codes are in the
 * 2xxx range: 20xx reader, 21xx pixel data, 22xx codecs, 23xx DICOMweb, 24xx series and volume,
 * 245x writer and JSON.
 */
public class DicomException extends FcdsException {

  public DicomException(ErrorCode code, String message) {
    super(code, message);
  }

  public DicomException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
