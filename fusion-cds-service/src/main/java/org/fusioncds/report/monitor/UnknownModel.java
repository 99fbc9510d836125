package org.fusioncds.report.monitor;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.HttpAnswer;

/** FCDS-6301, answered 404: the model owner asked for a model neither served nor monitored. */
public final class UnknownModel extends FcdsException implements HttpAnswer {

  UnknownModel(String message) {
    super(ErrorCode.MODEL_OWNER_UNKNOWN_MODEL, message);
  }

  @Override
  public int httpStatus() {
    return errorCode().httpStatus();
  }
}
