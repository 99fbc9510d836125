package org.fusioncds.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadinessChecksTest {

  @Test
  void anUpstreamIsUpWhileItsPortAcceptsAndDownOnceItIsClosed() throws Exception {
    String url;
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      url = "http://127.0.0.1:" + listening.getLocalPort() + "/fhir";
      HealthCheck.Result up = ReadinessChecks.reachable("fhir-server", url, 1000).call();
      assertEquals(HealthCheck.State.UP, up.getState());
    }
    HealthCheck.Result down = ReadinessChecks.reachable("fhir-server", url, 1000).call();
    assertEquals(HealthCheck.State.DOWN, down.getState());
    assertTrue(down.getMessage().orElse("").contains("no TCP connection"), down.toString());
  }

  @Test
  void theJournalIsDownWhenItsFolderIsGoneAndShowsItsBacklog(@TempDir Path dir) throws Exception {
    HealthCheck journal = ReadinessChecks.auditJournal(dir, () -> 42);
    HealthCheck.Result up = journal.call();
    assertEquals(HealthCheck.State.UP, up.getState());
    assertEquals(42, up.getDetails().get("backlog"));
    Files.delete(dir);
    assertEquals(HealthCheck.State.DOWN, journal.call().getState());
  }

  @Test
  void theModelCheckFollowsTheRegistryAndIsNeverALivenessCheck() {
    boolean[] loaded = {true};
    HealthCheck model = ReadinessChecks.model(() -> loaded[0], () -> Map.of("device", "cpu"));
    assertEquals(HealthCheck.State.UP, model.call().getState());
    loaded[0] = false;
    assertEquals(HealthCheck.State.DOWN, model.call().getState());
    assertFalse(model.isLiveness(), "a missing model is not cured by a restart loop");
    assertTrue(model.isReadiness());
  }
}
