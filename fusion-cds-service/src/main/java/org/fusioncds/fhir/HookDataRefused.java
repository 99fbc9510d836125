package org.fusioncds.fhir;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.HttpAnswer;

/**
 * What the EHR sent cannot be used and the EHR has to fix it: a prefetched value that is not the
 * resource expected (FCDS-3005, 400), or no fhirServer, no fhir.base-url and a prefetch that does
 * not cover what the model reads (FCDS-3006, 412 Precondition Failed, as CDS Hooks 2.0.1 §Prefetch
 * suggests when the service cannot fetch the data itself). The status is the code's.
 */
public final class HookDataRefused extends FcdsException implements HttpAnswer {

  public HookDataRefused(ErrorCode code, String message) {
    super(code, message);
  }

  @Override
  public int httpStatus() {
    return errorCode().httpStatus();
  }
}
