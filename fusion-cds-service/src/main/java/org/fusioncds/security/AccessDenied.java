package org.fusioncds.security;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.HttpAnswer;

/** A verified caller without the realm role a resource needs: 403 with code 7021. */
public final class AccessDenied extends FcdsException implements HttpAnswer {

  public AccessDenied(String role) {
    super(ErrorCode.ROLE_MISSING, "the caller lacks the role this resource needs — " + role);
  }

  @Override
  public int httpStatus() {
    return errorCode().httpStatus();
  }
}
