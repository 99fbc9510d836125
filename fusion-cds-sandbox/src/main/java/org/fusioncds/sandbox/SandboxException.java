package org.fusioncds.sandbox;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/** A sandbox server that cannot start, index its folder or answer; codes 8000–8099. */
public class SandboxException extends FcdsException {

  public SandboxException(ErrorCode code, String message) {
    super(code, message);
  }

  public SandboxException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
