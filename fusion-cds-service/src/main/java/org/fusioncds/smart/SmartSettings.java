package org.fusioncds.smart;

import java.time.Duration;

/**
 * The SMART app's settings ({@code smart.*}).
 *
 * @param authIssuer the authorization server's issuer (OpenID Connect discovery under it); empty:
 *     the app answers every launch FCDS-1211
 * @param clientId the app's confidential client at that server
 * @param clientSecret its secret ({@code client_secret_basic}), from the environment only
 * @param scope the scopes asked for
 * @param publicBaseUrl the module's public URL: the launch's {@code aud}, the redirect URI's base
 * @param sessionMaxAge how long a session lives after its launch
 * @param maxSessions sessions kept at most (least recently used out first)
 * @param httpsEndpoints the discovery document's authorization and token endpoints and key set must
 *     be https ({@code security.mode=production}; the issuer itself is checked at start)
 */
public record SmartSettings(
    String authIssuer,
    String clientId,
    String clientSecret,
    String scope,
    String publicBaseUrl,
    Duration sessionMaxAge,
    long maxSessions,
    boolean httpsEndpoints) {

  /** Where the EHR launches the app (the card's {@code smart} link). */
  public String launchUrl() {
    return publicBaseUrl + "/app/launch";
  }

  /** The page of a model's card that the app links (the card's own source link). */
  String modelCardUrl(String modelId) {
    return publicBaseUrl + "/models/" + modelId + "/model-card";
  }

  String redirectUri() {
    return publicBaseUrl + "/app/callback";
  }

  boolean secure() {
    return publicBaseUrl.startsWith("https:");
  }
}
