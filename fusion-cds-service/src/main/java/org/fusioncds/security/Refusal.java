package org.fusioncds.security;

import org.fusioncds.error.ErrorCode;

/**
 * Why a bearer JWT (RFC 7519, CDS Hooks 2.0.1 §Trusting CDS Clients) was refused: a code from
 * 7001–7029, the HTTP status for the caller (401 for the token, 503 when the module itself cannot
 * decide), a short token for the audit trail and a fixed message. Nothing here ever carries a value
 * from the token, a key id, an issuer or library text: the caller learns only which rule failed.
 */
public enum Refusal {
  MISSING_TOKEN(ErrorCode.MISSING_TOKEN, "missing-token"),
  MALFORMED_TOKEN(ErrorCode.MALFORMED_TOKEN, "malformed-token"),
  ALGORITHM_REFUSED(ErrorCode.ALGORITHM_REFUSED, "algorithm-refused"),
  UNTRUSTED_ISSUER(ErrorCode.UNTRUSTED_ISSUER, "untrusted-issuer"),
  UNKNOWN_KEY(ErrorCode.UNKNOWN_KEY, "unknown-key"),
  JKU_REFUSED(ErrorCode.JKU_REFUSED, "jku-refused"),
  BAD_SIGNATURE(ErrorCode.BAD_SIGNATURE, "bad-signature"),
  WRONG_AUDIENCE(ErrorCode.WRONG_AUDIENCE, "wrong-audience"),
  EXPIRED(ErrorCode.TOKEN_EXPIRED, "expired"),
  NOT_YET_VALID(ErrorCode.TOKEN_NOT_YET_VALID, "not-yet-valid"),
  REPLAYED(ErrorCode.TOKEN_REPLAYED, "replayed"),
  MISSING_CLAIM(ErrorCode.MISSING_CLAIM, "missing-claim"),
  TENANT_REFUSED(ErrorCode.TENANT_REFUSED, "tenant-refused"),
  KEYS_UNAVAILABLE(ErrorCode.KEYS_UNAVAILABLE, "keys-unavailable"),
  LIFETIME_TOO_LONG(ErrorCode.LIFETIME_TOO_LONG, "lifetime-too-long"),
  REPLAY_CACHE_FULL(ErrorCode.REPLAY_CACHE_FULL, "replay-cache-full"),
  NOT_ACCESS_TOKEN(ErrorCode.NOT_ACCESS_TOKEN, "not-access-token");

  private final ErrorCode code;
  private final String reason;

  Refusal(ErrorCode code, String reason) {
    this.code = code;
    this.reason = reason;
  }

  /** The error code; its number, HTTP status and fixed message are this refusal's. */
  public ErrorCode errorCode() {
    return code;
  }

  public int code() {
    return code.code();
  }

  public int httpStatus() {
    return code.httpStatus();
  }

  /** A short token for the audit trail, for example {@code expired}. */
  public String reason() {
    return reason;
  }

  /** The fixed message, without the code. */
  public String message() {
    return code.meaning();
  }

  /** The exception to throw for this refusal. */
  AuthenticationException exception() {
    return new AuthenticationException(this);
  }
}
