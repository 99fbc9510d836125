package org.fusioncds.subscription;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.OperationOutcomes;
import org.fusioncds.security.BearerRoutePolicy;
import org.fusioncds.security.RequestHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication of FHIR Subscription notifications (rest-hook channel, FHIR R4 {@code
 * Subscription.channel.header}) as a Camel route policy: the FHIR server sends the shared secret in
 * a header ({@code subscription.secret-header}); it is compared in constant time (SHA-256 of both,
 * {@link MessageDigest#isEqual}) with the secret from the environment ({@code
 * FCDS_SUBSCRIPTION_SECRET}). Missing or wrong, or no secret configured: 401 with an
 * OperationOutcome naming the code only, the route does not run, and the refusal is on the exchange
 * for the audit trail ({@link BearerRoutePolicy#FAILURE}, recorded by {@code callAudit}). The
 * header is removed from the message once read.
 */
public final class NotificationSecret extends RoutePolicySupport {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(NotificationSecret.class);

  private final String header;
  private final byte[] expected;

  /**
   * @param header the header the FHIR server sends the secret in
   * @param secret the shared secret; blank: every notification is refused (FCDS-1150)
   */
  public NotificationSecret(String header, String secret) {
    this.header = header;
    this.expected = secret == null || secret.isBlank() ? null : sha256(secret);
  }

  @Override
  public void onExchangeBegin(Route route, Exchange exchange) {
    String given = RequestHeaders.single(exchange, header);
    exchange.getMessage().removeHeader(header);
    if (expected == null) {
      refuse(
          exchange,
          new NotificationRefused(
              ErrorCode.SUBSCRIPTION_SECRET_UNSET,
              "no shared secret is configured — subscription.secret (FCDS_SUBSCRIPTION_SECRET)"));
    } else if (given == null || !MessageDigest.isEqual(expected, sha256(given))) {
      refuse(
          exchange,
          new NotificationRefused(
              ErrorCode.SUBSCRIPTION_SECRET_WRONG,
              "the notification's shared secret is "
                  + (given == null ? "missing" : "wrong")
                  + " — header "
                  + header));
    }
  }

  private static void refuse(Exchange exchange, FcdsException e) {
    LOG.info("{} refused: {}", exchange.getFromRouteId(), e.codeText());
    exchange.setProperty(BearerRoutePolicy.FAILURE, e);
    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 401);
    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/fhir+json");
    try {
      exchange.getMessage().setBody(JSON.writeValueAsString(OperationOutcomes.refused(e, 401)));
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
    exchange.setRouteStop(true);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
