package org.fusioncds.cdshooks;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.inference.ModelCard;
import org.fusioncds.inference.ModelCards;
import org.fusioncds.report.ReportStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The race of the mutable case object: the hook thread answers "analysis running" while the
 * background path (wireTap → seda:finish-evaluation → write-back) writes {@code reportUrl} on the
 * same object. Whether the feedback record of the card names the report depends on which thread got
 * there first. Both interleavings are played here, one after the other.
 */
class RunningCardRaceTest {

  static final ModelCard CARD = ModelCards.load(Path.of("models/cap-fusion/model-card.yaml"));

  @Test
  void theFeedbackRecordOfARunningCardDependsOnWhetherTheBackgroundWriteFinishedFirst(
      @TempDir Path tmp) throws Exception {
    JsonNode backgroundLast = issuedRecord(tmp.resolve("a"), false);
    JsonNode backgroundFirst = issuedRecord(tmp.resolve("b"), true);

    assertNotEquals(
        backgroundLast.has("report"),
        backgroundFirst.has("report"),
        "the same answer records a different card depending on thread timing");
  }

  private static JsonNode issuedRecord(Path folder, boolean backgroundWritesFirst)
      throws Exception {
    FeedbackStore store = new FeedbackStore(folder);
    CardStep cards =
        new CardStep(CARD, new ReportStep(CARD, null, (AuditTrail) null), "http://x/card", store);
    PatientCase c =
        new PatientCase(
            new HookRequest(
                "imaging-fusion", "patient-view", "h-1", null, null, null, "p-1", null, Map.of()),
            Instant.now());
    cards.running(c);
    if (backgroundWritesFirst) {
      c.reportUrl = "http://fhir/DiagnosticReport/r-1"; // what ReportStep.write does
    }
    cards.respond(c);
    return new ObjectMapper().readTree(Files.readAllLines(folder.resolve("cards.jsonl")).get(0));
  }
}
