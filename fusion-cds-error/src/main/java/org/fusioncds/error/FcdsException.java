package org.fusioncds.error;

/**
 * The one exception type of fusion-cds. Every instance carries an {@link ErrorCode} (ranges in
 * DESIGN.md: 1xxx cdshooks, 2xxx dicom, 3xxx fhir, 4xxx assemble, 5xxx inference, 6xxx report, 7xxx
 * security and audit, 8xxx sandbox and CLI, 9xxx configuration); the message reads {@code
 * FCDS-NNNN: what happened — the offending value}. There is no constructor taking a bare number, so
 * every code thrown is a constant of the enum. Depends on nothing but the JDK.
 */
public class FcdsException extends RuntimeException {

  private final ErrorCode errorCode;

  public FcdsException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public FcdsException(ErrorCode code, String message, Throwable cause) {
    super(code.format(message), cause);
    this.errorCode = code;
  }

  /**
   * The first coded exception in {@code t}'s cause chain ({@code t} itself included), or null.
   * Frameworks wrap what a step threw (Camel's parallel multicast puts it inside a {@code
   * CamelExchangeException} that names the branch): the code is the step's, not the wrapper's.
   */
  public static FcdsException in(Throwable t) {
    java.util.Set<Throwable> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
      if (c instanceof FcdsException f) {
        return f;
      }
    }
    return null;
  }

  /** The code's constant. */
  public ErrorCode errorCode() {
    return errorCode;
  }

  /** The numeric code, for example 2003. */
  public int code() {
    return errorCode.code();
  }

  /** The code as printed, for example {@code FCDS-2003}. */
  public String codeText() {
    return errorCode.codeText();
  }
}
