package org.fusioncds.security;

import org.fusioncds.error.FcdsException;
import org.fusioncds.error.HttpAnswer;

/**
 * A bearer JWT (RFC 7519) refused by {@link TokenVerifier}, CDS Hooks 2.0.1 §Trusting CDS Clients.
 * The message is {@code FCDS-70NN: <fixed reason>} and nothing else: no claim value, key id, issuer
 * or library text, so that a refused caller learns only which rule failed. The cause is never
 * attached for the same reason (logs that print causes would carry token contents).
 */
public class AuthenticationException extends FcdsException implements HttpAnswer {

  private final transient Refusal refusal;

  public AuthenticationException(Refusal refusal) {
    super(refusal.errorCode(), refusal.message());
    this.refusal = refusal;
  }

  /** Which rule refused the token. */
  public Refusal refusal() {
    return refusal;
  }

  /** 401 for a token problem, 503 when the module cannot decide (keys or replay cache). */
  @Override
  public int httpStatus() {
    return refusal.httpStatus();
  }

  /** A short token for the audit trail, for example {@code expired}. */
  public String reason() {
    return refusal.reason();
  }
}
