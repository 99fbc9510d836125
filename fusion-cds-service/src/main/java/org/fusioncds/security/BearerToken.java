package org.fusioncds.security;

import java.util.Locale;

/** The token of an {@code Authorization: Bearer <token>} header (RFC 6750 §2.1). */
final class BearerToken {

  /** The longest token accepted; Keycloak tokens with many roles stay well under it. */
  static final int MAX_LENGTH = 32 * 1024;

  private static final String SCHEME = "bearer ";

  private BearerToken() {}

  /**
   * The token; 7001 when the header is absent, not the Bearer scheme or empty, 7002 when the token
   * is longer than {@link #MAX_LENGTH} or holds characters a compact JWS cannot have.
   */
  static String from(String authorizationHeader) {
    if (authorizationHeader == null || authorizationHeader.length() <= SCHEME.length()) {
      throw Refusal.MISSING_TOKEN.exception();
    }
    String scheme = authorizationHeader.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT);
    if (!scheme.equals(SCHEME)) {
      throw Refusal.MISSING_TOKEN.exception();
    }
    String token = authorizationHeader.substring(SCHEME.length()).strip();
    if (token.isEmpty()) {
      throw Refusal.MISSING_TOKEN.exception();
    }
    if (token.length() > MAX_LENGTH || !token.chars().allMatch(BearerToken::isCompactChar)) {
      throw Refusal.MALFORMED_TOKEN.exception();
    }
    return token;
  }

  private static boolean isCompactChar(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.';
  }
}
