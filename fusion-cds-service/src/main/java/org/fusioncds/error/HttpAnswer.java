package org.fusioncds.error;

/**
 * An error that is the caller's to fix (or to be told about), answered with its own HTTP status and
 * an OperationOutcome whose text is safe to show: refused tokens (401/403), refused URLs (400), an
 * unreachable key set (503).
 */
public interface HttpAnswer {

  /** The HTTP status to answer. */
  int httpStatus();
}
