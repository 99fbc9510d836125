package org.fusioncds.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import org.fusioncds.sandbox.SandboxEhr;

/**
 * Hook calls as the test's EHR makes them (the application trusts that EHR through {@link
 * org.fusioncds.sandbox.SandboxSettings}).
 */
public final class SecuredApp {

  private SecuredApp() {}

  /** A request to a CDS Hooks URL with the EHR's JWT for exactly that URL. */
  public static HttpRequest.Builder signed(SandboxEhr ehr, String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + ehr.sign(url));
  }
}
