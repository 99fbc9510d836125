package org.fusioncds.sandbox;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The sandbox FHIR server's bearer token check (RFC 6750), a HAPI server interceptor: a request
 * without a token the predicate accepts is answered 401 before any resource is read or written.
 */
@Interceptor
public final class BearerCheck {

  private final Predicate<String> acceptsToken;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  BearerCheck(Predicate<String> acceptsToken) {
    this.acceptsToken = acceptsToken;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public boolean check(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null
        && header.regionMatches(true, 0, "Bearer ", 0, 7)
        && acceptsToken.test(header.substring(7).trim())) {
      accepted.incrementAndGet();
      return true;
    }
    refused.incrementAndGet();
    throw new AuthenticationException("a valid bearer token is required");
  }

  /** Requests let through. */
  public int accepted() {
    return accepted.get();
  }

  /** Requests answered 401. */
  public int refused() {
    return refused.get();
  }
}
