package org.fusioncds.smart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.Set;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.security.Caller;
import org.fusioncds.security.OutboundUrlPolicy;
import org.fusioncds.security.TokenVerifier;

/**
 * Reads an EHR launch: the {@code launch} parameter is a JWT the EHR signed with the key it signs
 * its CDS Hooks calls with (a trusted hook issuer), {@code aud} this app's launch URL, at most 5
 * minutes long and used once ({@code jti}), carrying {@code patient}, {@code fhirServer} and the
 * card's {@code appContext}. The {@code iss} parameter, the FHIR server the app will ask a token
 * for ({@code aud} of the authorization request), must be that server and on the allowlist.
 */
final class Launches {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TokenVerifier verifier;
  private final OutboundUrlPolicy fhirServers;
  private final String launchUrl;

  Launches(TokenVerifier verifier, OutboundUrlPolicy fhirServers, String launchUrl) {
    this.verifier = verifier;
    this.fhirServers = fhirServers;
    this.launchUrl = launchUrl;
  }

  LaunchContext read(String iss, String launch) {
    if (launch == null || launch.isBlank() || iss == null || iss.isBlank()) {
      throw new AppRefusal(
          ErrorCode.SMART_LAUNCH_MISSING,
          "open the app from the EHR: the launch needs both iss and launch — "
              + (launch == null || launch.isBlank() ? "launch" : "iss")
              + " missing");
    }
    Caller ehr;
    JWTClaimsSet claims;
    try {
      ehr = verifier.verify("Bearer " + launch, Set.of(launchUrl));
      claims = SignedJWT.parse(launch).getJWTClaimsSet();
    } catch (FcdsException | ParseException e) {
      String why = e instanceof FcdsException f ? f.codeText() : "not a JWT";
      throw new AppRefusal(ErrorCode.SMART_LAUNCH_REFUSED, "the launch was refused — " + why);
    }
    String patient = text(claims, "patient");
    String fhirServer = text(claims, "fhirServer");
    JsonNode app = appContext(text(claims, "appContext"));
    if (patient == null || fhirServer == null || app == null) {
      throw new AppRefusal(
          ErrorCode.SMART_LAUNCH_REFUSED,
          "the launch lacks patient, fhirServer or the card's appContext");
    }
    if (!strip(iss).equals(strip(fhirServer))) {
      throw new AppRefusal(
          ErrorCode.SMART_AUD_WRONG, "iss is not the FHIR server of the launch context — " + iss);
    }
    try {
      fhirServers.check(iss, "iss");
    } catch (FcdsException e) {
      throw new AppRefusal(
          ErrorCode.SMART_AUD_WRONG, "iss is not an allowed FHIR server — " + e.codeText());
    }
    return new LaunchContext(
        patient,
        strip(fhirServer),
        app.path("card").asText(null),
        app.path("report").asText(null),
        app.path("model").isTextual() ? app.path("model").asText() : null,
        ehr.issuer());
  }

  private static JsonNode appContext(String text) {
    if (text == null) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(text);
      return n.path("card").isTextual() && n.path("report").isTextual() ? n : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static String text(JWTClaimsSet claims, String name) {
    Object v = claims.getClaim(name);
    return v instanceof String s && !s.isBlank() ? s : null;
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
