package org.fusioncds.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FhirHttpClientsTest {

  private final List<String> requested = new CopyOnWriteArrayList<>();
  private final AtomicInteger elsewhereAccepts = new AtomicInteger();
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private HttpServer redirecting;
  private ServerSocket elsewhere;

  @BeforeEach
  void startServers() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    elsewhere = new ServerSocket(0, 50, loopback);
    Thread acceptor = new Thread(this::countAccepts, "elsewhere-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    String target = "http://127.0.0.1:" + elsewhere.getLocalPort() + "/fhir/Patient/1";
    redirecting = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    redirecting.createContext(
        "/",
        exchange -> {
          requested.add(exchange.getRequestURI().getPath());
          exchange.getResponseHeaders().add("Location", target);
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    redirecting.start();
  }

  @AfterEach
  void stopServers() throws IOException {
    redirecting.stop(0);
    elsewhere.close();
    for (Socket s : held) {
      s.close();
    }
  }

  @Test
  void refusesToFollowARedirectFromTheFhirServer() {
    FhirContext ctx = contextThatNeverValidates();
    FhirHttpClients.configure(ctx, 2000, 2000);

    BaseServerResponseException e =
        assertThrows(BaseServerResponseException.class, () -> readPatient(ctx));

    assertEquals(302, e.getStatusCode());
    assertEquals(List.of("/fhir/Patient/1"), requested);
    assertEquals(0, elsewhereAccepts.get());
  }

  @Test
  void staysRedirectFreeWhenTimeoutsAreSetAfterwards() {
    FhirContext ctx = contextThatNeverValidates();
    FhirHttpClients.configure(ctx, 2000, 2000);
    ctx.getRestfulClientFactory().setConnectTimeout(3000); // HAPI drops its HttpClient here
    ctx.getRestfulClientFactory().setSocketTimeout(3000);

    assertThrows(BaseServerResponseException.class, () -> readPatient(ctx));

    assertEquals(0, elsewhereAccepts.get());
    assertEquals(3000, ctx.getRestfulClientFactory().getSocketTimeout());
  }

  @Test
  void hapiDefaultClientWouldHaveFollowedTheRedirect() throws InterruptedException {
    FhirContext ctx = contextThatNeverValidates();
    ctx.getRestfulClientFactory().setSocketTimeout(300); // the other port never answers

    assertThrows(RuntimeException.class, () -> readPatient(ctx));

    assertEquals(1, elsewhereAccepts.get());
  }

  @Test
  void keepsServerValidationModeAndAppliesTheTimeouts() {
    FhirContext ctx = contextThatNeverValidates();

    FhirHttpClients.configure(ctx, 1234, 5678);

    assertEquals(
        ServerValidationModeEnum.NEVER, ctx.getRestfulClientFactory().getServerValidationMode());
    assertEquals(1234, ctx.getRestfulClientFactory().getConnectTimeout());
    assertEquals(5678, ctx.getRestfulClientFactory().getSocketTimeout());
  }

  @Test
  void aServerThatNeverAnswersTimesOutAfterTheSocketTimeout() {
    FhirContext ctx = contextThatNeverValidates();
    FhirHttpClients.configure(ctx, 2000, 300);
    IGenericClient client =
        ctx.newRestfulGenericClient("http://127.0.0.1:" + elsewhere.getLocalPort() + "/fhir");

    long start = System.nanoTime();
    assertThrows(
        RuntimeException.class, () -> client.read().resource(Patient.class).withId("1").execute());
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(millis >= 250 && millis < 5000, "timed out after " + millis + " ms");
  }

  private Patient readPatient(FhirContext ctx) {
    String base = "http://127.0.0.1:" + redirecting.getAddress().getPort() + "/fhir";
    return ctx.newRestfulGenericClient(base).read().resource(Patient.class).withId("1").execute();
  }

  private static FhirContext contextThatNeverValidates() {
    FhirContext ctx = FhirContext.forR4();
    ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    return ctx;
  }

  private void countAccepts() {
    while (!elsewhere.isClosed()) {
      try {
        held.add(elsewhere.accept()); // held open, never answered
        elsewhereAccepts.incrementAndGet();
      } catch (IOException closed) {
        return;
      }
    }
  }
}
