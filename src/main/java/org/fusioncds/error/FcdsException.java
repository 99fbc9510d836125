package org.fusioncds.error;

/**
 * The one exception type of fusion-cds. Every instance carries a numeric code from the ranges of
 * DESIGN.md (1xxx cdshooks, 2xxx dicom, 3xxx fhir, 4xxx assemble, 5xxx inference, 6xxx report, 7xxx
 * security and audit, 8xxx sandbox and CLI, 9xxx configuration); the message reads {@code
 * FCDS-NNNN: what happened — the offending value}. A code, once used, keeps its meaning.
 */
public class FcdsException extends RuntimeException {

  private final int code;

  public FcdsException(int code, String message) {
    this(code, message, null);
  }

  public FcdsException(int code, String message, Throwable cause) {
    super(format(code, message), cause);
    if (code < 1000 || code > 9999) {
      throw new IllegalArgumentException("error code out of range: " + code);
    }
    this.code = code;
  }

  /** The numeric code, for example 2003. */
  public int code() {
    return code;
  }

  /** The code as printed, for example {@code FCDS-2003}. */
  public String codeText() {
    return "FCDS-" + code;
  }

  private static String format(int code, String message) {
    return "FCDS-" + code + ": " + message;
  }
}
