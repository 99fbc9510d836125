package org.fusioncds.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.HttpAnswer;

/**
 * The bearer token a CDS Hooks 2.0.1 request brings in {@code fhirAuthorization} (§Passing the FHIR
 * Server access token), used for the module's calls to that request's {@code fhirServer} while it
 * is valid: until {@code expires_in} seconds after it was received, less 5 s; without {@code
 * expires_in}, for as long as the request lasts. After that the fallback (for example {@link
 * ClientCredentialsTokens}) when there is one, else error 7054. Immutable; {@code toString} never
 * shows the token.
 */
public final class HookTokens implements Supplier<String> {

  static final Duration MARGIN = Duration.ofSeconds(5);

  private final String accessToken;
  private final Instant validUntil;
  private final Integer expiresIn;
  private final Clock clock;
  private final Supplier<String> fallback;

  private HookTokens(
      String accessToken, Integer expiresIn, Instant receivedAt, Clock clock, Supplier<String> f) {
    this.accessToken = accessToken;
    this.expiresIn = expiresIn;
    this.validUntil = expiresIn == null ? null : receivedAt.plusSeconds(expiresIn).minus(MARGIN);
    this.clock = clock;
    this.fallback = f;
  }

  /**
   * The hook's token as a token source.
   *
   * @param accessToken {@code fhirAuthorization.access_token}
   * @param expiresIn {@code fhirAuthorization.expires_in} in seconds, or null when absent
   * @param receivedAt when the hook request arrived
   * @param fallback the token source to use once the hook's token expired, or null
   */
  public static HookTokens of(
      String accessToken,
      Integer expiresIn,
      Instant receivedAt,
      Clock clock,
      Supplier<String> fallback) {
    if (accessToken == null || accessToken.isBlank()) {
      throw new IllegalArgumentException("the hook's fhirAuthorization has no access_token");
    }
    return new HookTokens(
        accessToken,
        expiresIn,
        Objects.requireNonNull(receivedAt, "receivedAt"),
        Objects.requireNonNull(clock, "clock"),
        fallback);
  }

  /**
   * The hook's token while valid, then the fallback's.
   *
   * @throws FcdsException 7054 when the hook's token expired and there is no fallback
   */
  @Override
  public String get() {
    if (usableNow()) {
      return accessToken;
    }
    if (fallback != null) {
      return fallback.get();
    }
    throw expired();
  }

  /**
   * Checks, before the first call, that there is a token to call with: the hook's while valid, else
   * a fallback. An {@code expires_in} of 5 s or less without a fallback is refused here, with the
   * request's answer (412 FCDS-7054: the service cannot obtain the data it needs, as CDS Hooks
   * answers an unsatisfiable prefetch), not inside a FHIR client's interceptor.
   *
   * @return this
   */
  public HookTokens requireUsable() {
    if (!usableNow() && fallback == null) {
      throw expired();
    }
    return this;
  }

  private boolean usableNow() {
    return validUntil == null || clock.instant().isBefore(validUntil);
  }

  private Expired expired() {
    return new Expired(
        "the hook's fhirAuthorization expired — expires_in "
            + expiresIn
            + " s, valid until "
            + validUntil.plus(MARGIN));
  }

  /** FCDS-7054, answered with its status (412). */
  static final class Expired extends FcdsException implements HttpAnswer {
    Expired(String message) {
      super(ErrorCode.HOOK_AUTHORIZATION_EXPIRED, message);
    }

    @Override
    public int httpStatus() {
      return ErrorCode.HOOK_AUTHORIZATION_EXPIRED.httpStatus();
    }
  }

  @Override
  public String toString() {
    return "HookTokens[expiresIn=" + expiresIn + ", fallback=" + (fallback != null) + "]";
  }
}
