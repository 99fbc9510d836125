package org.fusioncds.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.HttpAnswer;
import org.fusioncds.error.OperationOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication, and for the module's API authorisation, of inbound calls as a Camel route policy
 * (there is no camel-keycloak in our registry): the bearer token (RFC 6750) is verified by the
 * {@link TokenVerifier} before the route's first step. Refused → the route does not run; the answer
 * is 401 (403 for a missing role, 503 when the issuer's keys cannot be fetched) with an
 * OperationOutcome that names the code only, and {@code WWW-Authenticate}. Accepted → the {@link
 * Caller} is on the exchange and the token is removed from the message.
 */
public final class BearerRoutePolicy extends RoutePolicySupport {

  /** Exchange property: the verified {@link Caller}. */
  public static final String CALLER = "fcdsCaller";

  /** Exchange property: the refusal, for the audit trail. */
  public static final String FAILURE = "fcdsAuthFailure";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(BearerRoutePolicy.class);

  private final TokenVerifier verifier;
  private final Function<Exchange, Set<String>> audiences;
  private final String requiredRole;

  private BearerRoutePolicy(
      TokenVerifier verifier, Function<Exchange, Set<String>> audiences, String requiredRole) {
    this.verifier = verifier;
    this.audiences = audiences;
    this.requiredRole = requiredRole;
  }

  /**
   * CDS Hooks calls (CDS Hooks 2.0.1 §JWT): {@code aud} must be the URL that was called, under the
   * service's public base URL; feedback also admits its service's URL.
   */
  public static BearerRoutePolicy forHooks(TokenVerifier verifier, String publicBaseUrl) {
    String base = stripSlash(publicBaseUrl);
    return new BearerRoutePolicy(verifier, e -> calledUrls(base, e), null);
  }

  /** The module's own API: Keycloak tokens for {@code audience} holding {@code role}. */
  public static BearerRoutePolicy forApi(TokenVerifier verifier, String audience, String role) {
    return new BearerRoutePolicy(verifier, e -> Set.of(audience), role);
  }

  /**
   * LOCAL EXPERIMENTS ONLY ({@code security.insecure-unsigned-hooks}, dev mode): hook calls are
   * accepted without a token, and every call says so in the log.
   */
  public static BearerRoutePolicy insecureForHooks() {
    return new BearerRoutePolicy(null, e -> Set.of(), null);
  }

  @Override
  public void onExchangeBegin(Route route, Exchange exchange) {
    // from the request itself, never a query parameter (a token in a URL lands in proxy logs,
    // RFC 6750 §2.3); two Authorization headers are no credentials
    String authorization = RequestHeaders.single(exchange, "Authorization");
    exchange.getMessage().removeHeader("Authorization");
    if (verifier == null) {
      LOG.warn(
          ErrorCode.INSECURE_UNSIGNED_HOOKS.codeText()
              + ": INSECURE: {} accepted without verifying a JWT",
          route.getId());
      return;
    }
    try {
      Caller caller = verifier.verify(authorization, audiences.apply(exchange));
      if (requiredRole != null && !caller.hasRole(requiredRole)) {
        throw new AccessDenied(requiredRole);
      }
      exchange.setProperty(CALLER, caller);
    } catch (FcdsException e) {
      refuse(exchange, e);
    }
  }

  private static void refuse(Exchange exchange, FcdsException e) {
    int status = e instanceof HttpAnswer a ? a.httpStatus() : 401;
    LOG.info("{} refused: {}", exchange.getFromRouteId(), e.codeText());
    exchange.setProperty(FAILURE, e);
    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/fhir+json");
    if (status == 401 || status == 403) {
      exchange
          .getMessage()
          .setHeader(
              "WWW-Authenticate",
              "Bearer error=\"" + (status == 401 ? "invalid_token" : "insufficient_scope") + "\"");
    }
    try {
      exchange.getMessage().setBody(JSON.writeValueAsString(OperationOutcomes.refused(e, status)));
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
    exchange.setRouteStop(true);
  }

  private static Set<String> calledUrls(String base, Exchange exchange) {
    String path = stripSlash(exchange.getMessage().getHeader(Exchange.HTTP_URI, "", String.class));
    int query = path.indexOf('?');
    path = query < 0 ? path : path.substring(0, query);
    Set<String> urls = new LinkedHashSet<>();
    urls.add(base + path);
    if (path.endsWith("/feedback")) {
      urls.add(base + path.substring(0, path.length() - "/feedback".length()));
    }
    return urls;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
