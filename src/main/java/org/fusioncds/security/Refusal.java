package org.fusioncds.security;

/**
 * Why a bearer JWT (RFC 7519, CDS Hooks 2.0.1 §Trusting CDS Clients) was refused: a code from
 * 7001–7029, the HTTP status for the caller (401 for the token, 503 when the module itself cannot
 * decide), a short token for the audit trail and a fixed message. Nothing here ever carries a value
 * from the token, a key id, an issuer or library text: the caller learns only which rule failed.
 */
public enum Refusal {
  MISSING_TOKEN(7001, 401, "missing-token", "no bearer token"),
  MALFORMED_TOKEN(7002, 401, "malformed-token", "token is not a compact JWS JWT"),
  ALGORITHM_REFUSED(7003, 401, "algorithm-refused", "token algorithm or key header not accepted"),
  UNTRUSTED_ISSUER(7004, 401, "untrusted-issuer", "token issuer not trusted"),
  UNKNOWN_KEY(7005, 401, "unknown-key", "token key not found"),
  JKU_REFUSED(7006, 401, "jku-refused", "token key set URL not allowed"),
  BAD_SIGNATURE(7007, 401, "bad-signature", "token signature not valid"),
  WRONG_AUDIENCE(7008, 401, "wrong-audience", "token audience not accepted"),
  EXPIRED(7009, 401, "expired", "token expired"),
  NOT_YET_VALID(7010, 401, "not-yet-valid", "token not yet valid"),
  REPLAYED(7011, 401, "replayed", "token already used"),
  MISSING_CLAIM(7012, 401, "missing-claim", "token lacks a required claim"),
  TENANT_REFUSED(7013, 401, "tenant-refused", "token tenant not accepted"),
  KEYS_UNAVAILABLE(7014, 503, "keys-unavailable", "issuer keys unavailable"),
  LIFETIME_TOO_LONG(7015, 401, "lifetime-too-long", "token lifetime too long"),
  REPLAY_CACHE_FULL(7016, 503, "replay-cache-full", "replay cache full"),
  NOT_ACCESS_TOKEN(7017, 401, "not-access-token", "token is not an access token");

  private final int code;
  private final int httpStatus;
  private final String reason;
  private final String message;

  Refusal(int code, int httpStatus, String reason, String message) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.reason = reason;
    this.message = message;
  }

  public int code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** A short token for the audit trail, for example {@code expired}. */
  public String reason() {
    return reason;
  }

  /** The fixed message, without the code. */
  public String message() {
    return message;
  }

  /** The exception to throw for this refusal. */
  AuthenticationException exception() {
    return new AuthenticationException(this);
  }
}
