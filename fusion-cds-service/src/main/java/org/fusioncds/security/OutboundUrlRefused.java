package org.fusioncds.security;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.HttpAnswer;

/**
 * An outbound URL (a CDS Hooks 2.0.1 {@code fhirServer}, a DICOMweb base from an ImagingStudy
 * {@code endpoint}) that {@link OutboundUrlPolicy} refuses before any connection is made. Codes
 * 7030–7036; answered with HTTP 400.
 */
public class OutboundUrlRefused extends FcdsException implements HttpAnswer {

  public OutboundUrlRefused(ErrorCode code, String message) {
    super(code, message);
  }

  /** The HTTP status to answer the caller with: 400 (the request named a URL we do not call). */
  @Override
  public int httpStatus() {
    return errorCode().httpStatus();
  }
}
