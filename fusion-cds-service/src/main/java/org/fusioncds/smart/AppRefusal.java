package org.fusioncds.smart;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.HttpAnswer;

/** A request the SMART app refuses: its code's HTTP status, a text safe to show to the user. */
final class AppRefusal extends FcdsException implements HttpAnswer {

  AppRefusal(ErrorCode code, String message) {
    super(code, message);
  }

  AppRefusal(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }

  @Override
  public int httpStatus() {
    return errorCode().httpStatus();
  }
}
