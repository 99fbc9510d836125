package org.fusioncds.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The {@code audit} command's bearer token comes from {@code FCDS_AUDIT_TOKEN} only, and a refusal
 * is coded without the token. The server here is a loopback HTTP listener that records the {@code
 * Authorization} header and refuses every request with 401, as a FHIR server refuses a bad token;
 * the query itself is tested against the real sandbox FHIR server in {@code ComplianceQueryIT}.
 */
class AuditCommandTest {

  private HttpServer refusing;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startRefusingServer() throws IOException {
    refusing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    refusing.createContext(
        "/",
        exchange -> {
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          byte[] body =
              ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                      + "\"code\":\"login\",\"diagnostics\":\"token refused\"}]}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
          exchange.sendResponseHeaders(401, body.length);
          try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
          }
        });
    refusing.start();
  }

  @AfterEach
  void stop() {
    refusing.stop(0);
  }

  private String base() {
    return "http://127.0.0.1:" + refusing.getAddress().getPort() + "/fhir";
  }

  private static AuditCommand command(Map<String, String> env, String... args) {
    AuditCommand cmd = new AuditCommand(env::get);
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void sendsTheTokenFromTheEnvironmentAndCodesTheRefusalWithoutIt() {
    AuditCommand cmd =
        command(
            Map.of(AuditCommand.TOKEN_VARIABLE, "s3cret-token"),
            "--fhir",
            base(),
            "--patient",
            "p1");

    FcdsException e = assertThrows(FcdsException.class, cmd::call);

    assertEquals(List.of("Bearer s3cret-token"), authorizations);
    assertEquals(
        "FCDS-7092: the FHIR server refused the DiagnosticReport search — HTTP 401",
        e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"));
  }

  @Test
  void sendsNoTokenWhenTheVariableIsUnset() {
    AuditCommand cmd = command(Map.of(), "--fhir", base());

    assertThrows(FcdsException.class, cmd::call);

    assertEquals(List.of("null"), authorizations);
  }

  @Test
  void hasNoOptionForTheToken() {
    CommandLine cli = new CommandLine(new AuditCommand());

    assertNull(cli.getCommandSpec().findOption("--token"));
    assertThrows(
        CommandLine.UnmatchedArgumentException.class,
        () -> cli.parseArgs("--fhir", base(), "--token", "x"));
  }

  @Test
  void refusesAFhirBaseThatIsNotHttp() {
    for (String url :
        List.of("file:///etc/passwd", "ftp://127.0.0.1/fhir", "127.0.0.1:8080/fhir")) {
      AuditCommand cmd = command(Map.of(), "--fhir", url);

      FcdsException e = assertThrows(FcdsException.class, cmd::call);

      assertEquals("FCDS-7090: the FHIR base is not an http(s) URL — " + url, e.getMessage());
    }
    assertEquals(List.of(), authorizations);
  }
}
