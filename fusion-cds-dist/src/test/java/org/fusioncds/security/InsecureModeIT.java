package org.fusioncds.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.error.FcdsException;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.testing.TrailFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The switch for local experiments: refused in production mode, loud in dev mode. */
class InsecureModeIT {

  @TempDir Path work;

  private Map<String, String> settings(int port, String mode) {
    Map<String, String> s = new HashMap<>();
    s.put("camel.server.port", String.valueOf(port));
    s.put("cds.public-base-url", "http://127.0.0.1:" + port);
    s.put("security.mode", mode);
    s.put("security.insecure-unsigned-hooks", "true");
    s.put("audit.spool-folder", work.resolve("spool").toString());
    s.put("cds.feedback-folder", work.resolve("feedback").toString());
    s.put("cds.dead-letter-folder", work.resolve("dead-letters").toString());
    return s;
  }

  @Test
  void theInsecureSwitchDoesNotStartInProductionMode() {
    FcdsException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            FcdsException.class,
            () -> FusionCdsApp.start(settings(FreePorts.find(), "production")).close());

    assertTrue(chain(e).contains("FCDS-7023"), chain(e));
  }

  @Test
  void inDevModeUnsignedCallsAreAcceptedAndEachOneSaysSoInTheLog() throws Exception {
    int port = FreePorts.find();
    try (FusionCdsApp app = FusionCdsApp.start(settings(port, "dev"))) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/cds-services"))
                      .header("X-Request-Id", "it-insecure-" + port)
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertEquals(200, r.statusCode(), r.body());
    }
    String log = TrailFixture.capturedLog();
    assertTrue(log.contains("FCDS-7024: INSECURE"), "the start-up and per-call warnings");
  }

  private static String chain(Throwable t) {
    StringBuilder s = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      s.append(c.getMessage()).append(" | ");
    }
    return s.toString();
  }
}
