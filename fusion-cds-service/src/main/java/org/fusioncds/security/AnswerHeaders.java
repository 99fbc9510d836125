package org.fusioncds.security;

import java.util.Locale;
import java.util.Map;
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

  /**
   * The exchange property holding the further headers (lower-case name → value) a step of the
   * service set itself with {@link #setOwn}: {@code Location}, {@code Set-Cookie} and the security
   * headers of the SMART app. Only that exact value goes out, never one a client planted.
   */
  static final String OWN = "fcds.ownAnswerHeaders";

  private final HeaderFilterStrategy arriving = new HttpHeaderFilterStrategy();

  /** True (filtered out) for every header of the message the answer must not carry. */
  @Override
  public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
    if (name == null) {
      return true;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (ANSWERED.contains(lower)) {
      return false;
    }
    Map<?, ?> own = exchange == null ? null : exchange.getProperty(OWN, Map.class);
    return own == null || value == null || !String.valueOf(value).equals(own.get(lower));
  }

  /**
   * Sets an answer header beyond {@link #ANSWERED} (for example {@code Set-Cookie}) on the message
   * and lets exactly this value through the filter.
   */
  @SuppressWarnings("unchecked")
  public static void setOwn(Exchange exchange, String name, String value) {
    Map<String, String> own = exchange.getProperty(OWN, Map.class);
    if (own == null) {
      own = new java.util.HashMap<>();
      exchange.setProperty(OWN, own);
    }
    own.put(name.toLowerCase(Locale.ROOT), value);
    exchange.getMessage().setHeader(name, value);
  }

  @Override
  public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
    return arriving.applyFilterToExternalHeaders(name, value, exchange);
  }
}
