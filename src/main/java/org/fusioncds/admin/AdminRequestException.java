package org.fusioncds.admin;

import org.fusioncds.error.FcdsException;
import org.fusioncds.error.HttpAnswer;

/** A bad parameter of the module's API: 400 with its code. */
final class AdminRequestException extends FcdsException implements HttpAnswer {

  AdminRequestException(int code, String message) {
    super(code, message);
  }

  @Override
  public int httpStatus() {
    return 400;
  }
}
