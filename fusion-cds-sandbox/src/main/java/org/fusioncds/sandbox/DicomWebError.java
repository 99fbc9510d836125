package org.fusioncds.sandbox;

import org.fusioncds.error.ErrorCode;

/**
 * A DICOMweb request the sandbox endpoint refuses, with the HTTP status to answer (PS3.18 8.6.3
 * status codes: 400, 401, 404, 405, 406) and a coded message that names no patient data.
 */
final class DicomWebError extends SandboxException {

  private final int status;

  DicomWebError(ErrorCode code, String message) {
    super(code, message);
    this.status = code.httpStatus();
  }

  int status() {
    return status;
  }
}
