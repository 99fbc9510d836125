package org.fusioncds.cdshooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.flow.ClinicalInputs;
import org.fusioncds.flow.EvaluationInputs;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.GatheredInputs;
import org.fusioncds.flow.HookRequest;
import org.fusioncds.flow.ImageInput;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.PatientContext;
import org.fusioncds.flow.Pending;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.fusioncds.report.ReportStep;
import org.fusioncds.report.TransactionRetry;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The race the mutable case object had (its first version of this test showed it): the hook thread
 * answered "analysis running" while the background path (wireTap → seda:finish-evaluation →
 * write-back) wrote {@code reportUrl} into the same object, so whether the card's record named the
 * report depended on which thread got there first. With immutable stage messages the answer is made
 * from the {@link Pending} message alone: both interleavings are played here and give the same
 * record, which names the result key the report will carry.
 */
class RunningCardRaceTest {

  static final ModelCard CARD = ModelCards.load(Path.of("models/cap-fusion/model-card.yaml"));

  @Test
  void aRunningCardIsRecordedTheSameWhetherTheBackgroundPathFinishedFirstOrNot(@TempDir Path tmp)
      throws Exception {
    Pending pending = pending();

    JsonNode answeredFirst = issuedRecord(tmp.resolve("a"), pending, false);
    JsonNode backgroundFirst = issuedRecord(tmp.resolve("b"), pending, true);

    assertEquals(comparable(answeredFirst), comparable(backgroundFirst));
    assertEquals(pending.key().value(), answeredFirst.path("resultKey").asText());
    assertFalse(answeredFirst.has("report"), "no report exists when the card is issued");
  }

  private static JsonNode issuedRecord(Path folder, Pending pending, boolean backgroundFirst)
      throws Exception {
    FeedbackStore store = new FeedbackStore(folder);
    CardStep cards =
        new CardStep(
            CARD,
            new ReportStep(
                CARD, null, (AuditTrail) null, new TransactionRetry(4, Duration.ofMillis(75))),
            "http://x/card",
            store);
    HookAnswer answer = cards.running(pending);
    if (backgroundFirst) {
      // what seda:finish-evaluation does with the same message: wait for the model, go on
      CompletableFuture.runAsync(() -> pending.result().complete(result())).join();
      assertEquals(result(), pending.result().join());
    }
    cards.respond(answer, null);
    return new ObjectMapper().readTree(Files.readAllLines(folder.resolve("cards.jsonl")).get(0));
  }

  /** The record without what differs by nature between two cards: uuid and time of issue. */
  private static JsonNode comparable(JsonNode record) {
    ObjectNode copy = record.deepCopy();
    copy.remove(List.of("card", "issued"));
    return copy;
  }

  /** An "analysis running" message of patient p-1, its model's answer not come. */
  static Pending pending() {
    HookRequest request =
        new HookRequest(
            "imaging-fusion", "patient-view", "h-1", null, null, null, "p-1", null, Map.of());
    Instant now = Instant.now();
    PatientContext context =
        new PatientContext(
            EvaluationJob.ofHook(request, CARD.id(), CARD.version(), "http://fhir/x", now),
            request,
            now,
            null,
            "http://fhir/x",
            null,
            null,
            new Patient(),
            List.of(),
            List.of(),
            null);
    GatheredInputs gathered =
        new GatheredInputs(
            context,
            new ClinicalInputs(context, List.of(), List.of()),
            ImageInput.missing(context, "none"));
    ModelInputs inputs =
        new ModelInputs(CARD.id(), CARD.version(), Map.of(), List.of(), List.of(), now, 0);
    ResultKey key = ResultKey.of(CARD.id(), CARD.version(), List.of("Patient/p-1/_history/1"));
    return new Pending(new EvaluationInputs(gathered, inputs, key), new CompletableFuture<>());
  }

  private static final InferenceResult RESULT =
      new InferenceResult(CARD.id(), CARD.version(), "fused", Map.of(), "cpu", "", List.of(), null);

  private static InferenceResult result() {
    return RESULT;
  }
}
