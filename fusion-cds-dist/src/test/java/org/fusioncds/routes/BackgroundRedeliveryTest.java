package org.fusioncds.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.fusioncds.cdshooks.DeadLetters;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background route configuration of {@code routes/error-handling.camel.yaml}, loaded as the
 * application loads it: the number of redeliveries comes from {@code cds.background-retry.*}, and a
 * failure that outlives them is kept as one dead letter with its code.
 */
class BackgroundRedeliveryTest {

  @Test
  void backgroundWorkIsRedeliveredAsTheSettingsSayThenKeptAsADeadLetter(@TempDir Path tmp)
      throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    try (CamelContext camel = new DefaultCamelContext()) {
      Properties settings = new Properties();
      settings.put("cds.background-retry.max-redeliveries", "2");
      settings.put("cds.background-retry.delay-ms", "5");
      camel.getPropertiesComponent().setInitialProperties(settings);
      camel.getRegistry().bind("deadLetters", new DeadLetters(tmp));
      camel
          .getRegistry()
          .bind(
              "failing",
              (org.apache.camel.Processor)
                  exchange -> {
                    attempts.incrementAndGet();
                    throw new FcdsException(
                        ErrorCode.REPORT_FHIR_UNREACHABLE,
                        "the FHIR server cannot be reached — test");
                  });
      var loader = PluginHelper.getRoutesLoader(camel);
      loader.loadRoutes(
          ResourceHelper.resolveResource(camel, "file:routes/error-handling.camel.yaml"));
      loader.loadRoutes(
          ResourceHelper.fromString(
              "background.camel.yaml",
              """
              - route:
                  id: background-test
                  routeConfigurationId: background-errors
                  from:
                    uri: direct:background
                    steps:
                      - process:
                          ref: failing
              """));
      camel.start();

      camel.createProducerTemplate().sendBody("direct:background", "job");
    }

    assertEquals(3, attempts.get(), "1 delivery + cds.background-retry.max-redeliveries (2)");
    List<String> lines =
        Files.readAllLines(tmp.resolve("dead-letters.jsonl"), StandardCharsets.UTF_8);
    assertEquals(1, lines.size());
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertEquals("FCDS-6002", line.path("code").asText());
    assertEquals("background-test", line.path("route").asText());
    assertTrue(line.path("error").asText().contains("cannot be reached"));
  }
}
