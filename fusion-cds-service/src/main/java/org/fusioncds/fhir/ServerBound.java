package org.fusioncds.fhir;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.net.URI;
import java.util.Locale;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.security.OutboundUrlPolicy;
import org.fusioncds.security.OutboundUrlRefused;

/**
 * Keeps one FHIR client's requests on the servers it may call. HAPI's client sends a URL that a
 * server's answer gave (a {@code next} link of a search or a history) as written, with every header
 * its interceptors add, the bearer token included: a server that names another host there would
 * receive the token and steer our requests. A request goes out only when its URL lies on the
 * client's own origin (scheme, host, effective port) or passes the FHIR allowlist ({@code
 * security.fhir-servers}: a server behind a proxy that names itself by its own address); any other
 * is refused before anything connects, FCDS-3015 naming the origin only (a query may name the
 * patient).
 */
final class ServerBound implements IClientInterceptor {

  private final String origin;
  private final OutboundUrlPolicy allowed;

  /**
   * @param base the client's server base
   * @param allowed the FHIR allowlist, or null: the client's own origin only
   */
  ServerBound(String base, OutboundUrlPolicy allowed) {
    this.origin = origin(base);
    this.allowed = allowed;
  }

  @Override
  public void interceptRequest(IHttpRequest request) {
    check(request.getUri());
  }

  /** Returns when {@code url} may be called with this client; FCDS-3015 otherwise. */
  void check(String url) {
    String to = origin(url);
    if (to != null && to.equals(origin)) {
      return;
    }
    if (to != null && allowed != null) {
      try {
        // the allowlist judges a base: scheme, host, port and path, not the page's query
        allowed.check(url.replaceFirst("[?#].*", ""), "a link in the FHIR server's answer");
        return;
      } catch (OutboundUrlRefused e) {
        throw refused(to, e);
      }
    }
    throw refused(to, null);
  }

  @Override
  public void interceptResponse(IHttpResponse response) {}

  /** The refusal, origins only: the allowlist's own refusal (which names the path) is not kept. */
  private FcdsException refused(String to, OutboundUrlRefused why) {
    return new FcdsException(
        ErrorCode.FHIR_LINK_ELSEWHERE,
        "the FHIR server at "
            + origin
            + " links to "
            + (to == null ? "something that is not a URL" : to)
            + ", a server the module may not call: not followed"
            + (why == null ? "" : " (" + why.codeText() + ")"));
  }

  /**
   * {@code scheme://host:port}, lower case, the port explicit; null when unreadable. A host that
   * {@link URI} does not take as a server name (an underscore: {@code audit_repo}, as container
   * names go; the HTTP client connects to it) is read off the authority, less any userinfo.
   */
  static String origin(String url) {
    try {
      URI u = URI.create(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      String host = u.getHost();
      int port = u.getPort();
      if (host == null && u.getRawAuthority() != null) {
        String authority = u.getRawAuthority().substring(u.getRawAuthority().lastIndexOf('@') + 1);
        int colon = authority.lastIndexOf(':');
        if (colon > authority.lastIndexOf(']')) {
          port = Integer.parseInt(authority.substring(colon + 1));
          authority = authority.substring(0, colon);
        }
        host = authority;
      }
      if (port == -1) {
        port = "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
      }
      if (scheme.isEmpty() || host == null || host.isEmpty()) {
        return null;
      }
      return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
    } catch (IllegalArgumentException e) { // NumberFormatException included
      return null;
    }
  }
}
