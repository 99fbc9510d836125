package org.fusioncds.observe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The service's readiness checks, shown on the management port's {@code /health/ready} beside
 * Camel's own (context, routes, consumers): the model loaded, the audit journal writable, and each
 * configured upstream (FHIR server, PACS, audit repository, the EHRs' key sets) accepting a TCP
 * connection. A connection proves the server listens, not that it answers well: the hooks' own
 * errors say that, with their codes. No check reads or sends any patient data, so none is audited.
 */
public final class ReadinessChecks {

  private static final String GROUP = "fusion-cds";

  private ReadinessChecks() {}

  /** UP while {@code loaded} holds; details from {@code details}. */
  public static HealthCheck model(BooleanSupplier loaded, Supplier<Map<String, Object>> details) {
    return new Check("model") {
      @Override
      protected void doCall(HealthCheckResultBuilder b, Map<String, Object> options) {
        b.details(details.get());
        if (loaded.getAsBoolean()) {
          b.up();
        } else {
          b.message("the served model is not loaded").down();
        }
      }
    };
  }

  /** UP when the journal folder is a writable directory; the backlog as a detail. */
  public static HealthCheck auditJournal(Path folder, Supplier<Integer> backlog) {
    return new Check("audit-journal") {
      @Override
      protected void doCall(HealthCheckResultBuilder b, Map<String, Object> options) {
        b.detail("backlog", backlog.get());
        if (Files.isDirectory(folder) && Files.isWritable(folder)) {
          b.up();
        } else {
          b.message("the audit journal folder is not writable: no call can be audited").down();
        }
      }
    };
  }

  /** UP when {@code url}'s host accepts a TCP connection within {@code timeoutMs}. */
  public static HealthCheck reachable(String id, String url, int timeoutMs) {
    URI uri = URI.create(url);
    int port =
        uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    String host = uri.getHost();
    return new Check(id) {
      @Override
      protected void doCall(HealthCheckResultBuilder b, Map<String, Object> options) {
        b.detail("host", host).detail("port", port);
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(host, port), timeoutMs);
          b.up();
        } catch (IOException | IllegalArgumentException e) {
          b.message(
                  "no TCP connection to "
                      + host
                      + ":"
                      + port
                      + " — "
                      + e.getClass().getSimpleName())
              .down();
        }
      }
    };
  }

  /** A readiness check of the service's group (never liveness: a slow upstream is no restart). */
  private abstract static class Check extends AbstractHealthCheck {

    Check(String id) {
      super(GROUP, id);
    }

    @Override
    public boolean isLiveness() {
      return false;
    }
  }
}
