package org.fusioncds.security;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * A header as the client sent it. Camel platform-http maps request headers and query parameters
 * into the same message headers, so {@code ?Authorization=…} or {@code ?X-Request-Id=…} would pass
 * for headers; over HTTP this reads the request itself.
 */
public final class RequestHeaders {

  private RequestHeaders() {}

  /**
   * The request's one header {@code name}: null when it is absent or sent more than once. An
   * exchange that did not come over HTTP (a direct call) has only its message's headers.
   */
  public static String single(Exchange exchange, String name) {
    if (exchange.getMessage() instanceof HttpMessage http && http.getRequest() != null) {
      List<String> values = http.getRequest().headers().getAll(name);
      return values.size() == 1 ? values.get(0) : null;
    }
    return exchange.getMessage().getHeader(name, String.class);
  }
}
