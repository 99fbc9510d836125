package org.fusioncds.smart;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The app's sessions: at most {@code maxSessions} (least recently used out first), each gone {@code
 * maxAge} after its launch. Identifiers, states, verifiers and CSRF tokens are 256 random bits.
 */
final class AppSessions {

  static final String COOKIE = "fcds_app";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Cache<String, AppSession> sessions;
  private final Duration maxAge;

  AppSessions(Duration maxAge, long maxSessions) {
    this.maxAge = maxAge;
    this.sessions = Caffeine.newBuilder().maximumSize(maxSessions).expireAfterWrite(maxAge).build();
  }

  /** A new session for a launch, its authorization about to start. */
  AppSession start(LaunchContext launch) {
    AppSession s =
        new AppSession(
            random(),
            random(),
            launch,
            random(),
            pkceVerifier(),
            random(),
            null,
            null,
            null,
            null,
            Instant.now());
    sessions.put(s.id(), s);
    return s;
  }

  /** The live session the cookie header names, or null. */
  AppSession find(String cookieHeader) {
    String id = cookie(cookieHeader);
    AppSession s = id == null ? null : sessions.getIfPresent(id);
    return s == null || s.created().plus(maxAge).isBefore(Instant.now()) ? null : s;
  }

  void replace(AppSession s) {
    sessions.asMap().replace(s.id(), s);
  }

  long size() {
    sessions.cleanUp();
    return sessions.estimatedSize();
  }

  /** The session cookie: {@code HttpOnly}, {@code SameSite=Lax}, {@code Secure} over https. */
  String setCookie(AppSession s, boolean secure) {
    return COOKIE
        + "="
        + s.id()
        + "; Path=/app; Max-Age="
        + maxAge.toSeconds()
        + "; HttpOnly; SameSite=Lax"
        + (secure ? "; Secure" : "");
  }

  static String cookie(String header) {
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      String p = part.trim();
      if (p.startsWith(COOKIE + "=")) {
        return p.substring(COOKIE.length() + 1);
      }
    }
    return null;
  }

  static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** An RFC 7636 code verifier: 43 characters of the unreserved set. */
  private static String pkceVerifier() {
    return random();
  }
}
