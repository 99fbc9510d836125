package org.fusioncds.security;

import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Which message headers become headers of an HTTP answer: only those the service itself sets
 * ({@link #ANSWERED}). Camel platform-http maps every request header and query parameter into the
 * message and, by default, copies the message's headers back into the response: a link with {@code
 * ?Set-Cookie=…} planted a cookie, {@code ?X-Frame-Options=ALLOWALL} lifted framing protection, a
 * parameter name with a colon made the answer a 500. What arrives is filtered as Camel's HTTP
 * strategy does (its own {@code Camel*} headers are never taken from a client).
 */
public final class AnswerHeaders implements HeaderFilterStrategy {

  /** The headers an answer may carry (lower case). */
  static final Set<String> ANSWERED =
      Set.of(
          "content-type",
          "www-authenticate",
          "x-request-id",
          "retry-after",
          "cache-control",
          "content-disposition");

  private final HeaderFilterStrategy arriving = new HttpHeaderFilterStrategy();

  /** True (filtered out) for every header of the message the answer must not carry. */
  @Override
  public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
    return name == null || !ANSWERED.contains(name.toLowerCase(Locale.ROOT));
  }

  @Override
  public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
    return arriving.applyFilterToExternalHeaders(name, value, exchange);
  }
}
