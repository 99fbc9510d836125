package org.fusioncds.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fusioncds.sandbox.SandboxFhirServer;
import org.fusioncds.sandbox.SandboxTopics;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fusion-cds subscribe} against a real FHIR server (the sandbox HAPI JPA): what an
 * integration engineer runs once per model to have new studies and labs evaluated before the chart
 * is opened.
 */
class SubscribeCommandIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static SandboxFhirServer fhir;
  private static IGenericClient client;

  @BeforeAll
  static void start() {
    fhir = SandboxFhirServer.start(new SandboxFhirServer.Settings(0, true));
    client = FhirContext.forR4Cached().newRestfulGenericClient(fhir.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (fhir != null) {
      fhir.close();
    }
  }

  private record Run(int exitCode, String stdout, String stderr) {}

  private static Run subscribe(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "subscribe";
    System.arraycopy(args, 0, all, 1, args.length);
    int rc = FusionCdsCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
    return new Run(rc, out.toString(), err.toString());
  }

  private static List<Subscription> stored() {
    return client
        .search()
        .forResource(Subscription.class)
        .returnBundle(Bundle.class)
        .cacheControl(new CacheControlDirective().setNoCache(true))
        .execute()
        .getEntry()
        .stream()
        .map(e -> (Subscription) e.getResource())
        .toList();
  }

  @Test
  void writesTheCardsSubscriptionsOnceAndASecondRunKeepsThem(@TempDir Path tmp) throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret"), "s3cret-subscribe\n");
    String endpoint = "http://127.0.0.1:1/criteria";

    Run first =
        subscribe("--fhir", fhir.baseUrl(), "--public-url", endpoint, "--secret-file", "" + secret);
    Run second =
        subscribe("--fhir", fhir.baseUrl(), "--public-url", endpoint, "--secret-file", "" + secret);

    assertEquals(0, first.exitCode(), first.stderr());
    JsonNode a = JSON.readTree(first.stdout());
    JsonNode b = JSON.readTree(second.stdout());
    assertEquals(2, a.path("created").size(), a.toString()); // studies and labs of cap-fusion
    assertEquals(0, b.path("created").size(), b.toString());
    assertEquals(a.path("created"), b.path("kept"));
    List<Subscription> mine =
        stored().stream()
            .filter(s -> s.getChannel().getEndpoint().equals(endpoint + "/subscriptions/notify"))
            .toList();
    assertEquals(2, mine.size());
    assertTrue(
        mine.stream().anyMatch(s -> s.getCriteria().equals("ImagingStudy?modality=CR,DX")),
        mine.toString());
    assertTrue(
        mine.stream()
            .allMatch(
                s ->
                    s.getChannel()
                        .getHeader()
                        .get(0)
                        .getValue()
                        .equals("X-Fcds-Subscription-Secret: s3cret-subscribe")));
  }

  @Test
  void onTheServersTopicsItWritesBackportSubscriptionsWithTheCardsFilters(@TempDir Path tmp)
      throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret"), "s3cret-topics");
    String endpoint = "http://127.0.0.1:1/topics";

    Run r =
        subscribe(
            "--fhir",
            fhir.baseUrl(),
            "--public-url",
            endpoint,
            "--secret-file",
            "" + secret,
            "--topic-studies",
            SandboxTopics.STUDIES,
            "--topic-labs",
            SandboxTopics.OBSERVATIONS);

    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(JSON.readTree(r.stdout()).path("topicBased").asBoolean(), r.stdout());
    Subscription studies =
        stored().stream()
            .filter(s -> s.getChannel().getEndpoint().startsWith(endpoint))
            .filter(s -> s.getCriteria().equals(SandboxTopics.STUDIES))
            .findFirst()
            .orElseThrow();
    assertEquals(
        "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription",
        studies.getMeta().getProfile().get(0).getValue());
    assertEquals(
        "ImagingStudy?modality=CR,DX",
        studies
            .getCriteriaElement()
            .getExtensionFirstRep()
            .getValueAsPrimitive()
            .getValueAsString());
  }

  @Test
  void withoutASecretOrWithOneTopicOnlyItIsACodedRefusalAndWritesNothing(@TempDir Path tmp) {
    int before = stored().size();
    Run noSecret =
        subscribe(
            "--fhir", fhir.baseUrl(),
            "--public-url", "http://127.0.0.1:1/x",
            "--secret-file", tmp.resolve("absent").toString());
    Run oneTopic =
        subscribe(
            "--fhir",
            fhir.baseUrl(),
            "--public-url",
            "http://127.0.0.1:1/x",
            "--topic-studies",
            SandboxTopics.STUDIES);
    Run dry =
        subscribe("--fhir", fhir.baseUrl(), "--public-url", "http://127.0.0.1:1/x", "--dry-run");

    assertEquals(FusionCdsCommand.EXIT_FAILURE, noSecret.exitCode(), noSecret.stderr());
    assertTrue(noSecret.stderr().contains("FCDS-8001"), noSecret.stderr());
    assertEquals(FusionCdsCommand.EXIT_FAILURE, oneTopic.exitCode(), oneTopic.stderr());
    assertTrue(oneTopic.stderr().contains("--topic-labs"), oneTopic.stderr());
    assertEquals(0, dry.exitCode(), dry.stderr());
    assertTrue(dry.stdout().contains("X-Fcds-Subscription-Secret: ***"), dry.stdout());
    assertFalse(dry.stdout().contains("s3cret"), dry.stdout());
    assertEquals(before, stored().size(), "nothing written");
  }
}
