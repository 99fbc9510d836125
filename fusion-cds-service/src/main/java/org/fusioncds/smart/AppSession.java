package org.fusioncds.smart;

import java.time.Instant;

/**
 * One browser's app session, kept server-side only: the launch context, the CSRF token of its
 * forms, the authorization in progress (state, PKCE verifier, nonce) and, once authorized, the
 * user's access token. Immutable: a step makes the next one.
 *
 * @param accessToken null until the code is exchanged
 * @param user the ID token's {@code sub} (null until signed in)
 * @param fhirUser the ID token's SMART {@code fhirUser} claim ({@code Practitioner/123} or its
 *     URL), null when the authorization server gives none
 */
record AppSession(
    String id,
    String csrf,
    LaunchContext launch,
    String state,
    String codeVerifier,
    String nonce,
    String accessToken,
    Instant tokenExpires,
    String user,
    String fhirUser,
    Instant created) {

  AppSession authorized(String token, Instant expires, String subject, String fhirUser) {
    return new AppSession(
        id, csrf, launch, null, null, null, token, expires, subject, fhirUser, created);
  }

  boolean isAuthorized() {
    return accessToken != null && (tokenExpires == null || tokenExpires.isAfter(Instant.now()));
  }

  @Override
  public String toString() {
    return "AppSession[" + launch + "]";
  }
}
