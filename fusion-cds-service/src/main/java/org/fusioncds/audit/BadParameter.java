package org.fusioncds.audit;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.HttpAnswer;

/** A parameter of the compliance query the caller must fix: 400 (CLI: exit 2) with its code. */
public final class BadParameter extends FcdsException implements HttpAnswer {

  public BadParameter(ErrorCode code, String message) {
    super(code, message);
  }

  @Override
  public int httpStatus() {
    return errorCode().httpStatus();
  }
}
