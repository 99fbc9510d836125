package org.fusioncds.subscription;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.HttpAnswer;

/** A subscription notification refused: its code's status, with an OperationOutcome. */
public final class NotificationRefused extends FcdsException implements HttpAnswer {

  public NotificationRefused(ErrorCode code, String message) {
    super(code, message);
  }

  @Override
  public int httpStatus() {
    return errorCode().httpStatus();
  }
}
