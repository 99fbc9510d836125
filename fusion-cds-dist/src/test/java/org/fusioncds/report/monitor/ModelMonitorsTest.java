package org.fusioncds.report.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.fusioncds.cdshooks.Card;
import org.fusioncds.cdshooks.FeedbackStore;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelMonitorsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path RADIOGRAPH = Path.of("models/cap-fusion");
  private static final Path CT = Path.of("models/nodule-ct");

  @TempDir Path tmp;

  @Test
  void eachServedModelsCardsAndFeedbackReachItsOwnPageAndSurviveARestart() throws Exception {
    Path folder = tmp.resolve("feedback");
    FeedbackStore store = new FeedbackStore(folder, monitors());
    ModelCard radiograph = ModelCards.load(RADIOGRAPH.resolve(ModelCards.FILE_NAME));
    ModelCard ct = ModelCards.load(CT.resolve(ModelCards.FILE_NAME));
    shown(store, "r-1", radiograph, 0.81);
    shown(store, "r-2", radiograph, 0.12);
    shown(store, "ct-1", ct, 0.64);
    store.record(JSON.readTree("{\"feedback\":[{\"card\":\"ct-1\",\"outcome\":\"accepted\"}]}"));

    ModelMonitors restarted = monitors();
    new FeedbackStore(folder, restarted); // replays cards.jsonl and feedback.jsonl

    ModelFigures.VersionFigures r = restarted.figures("cap-fusion").versions().get(0);
    ModelFigures.VersionFigures c = restarted.figures("nodule-ct").versions().get(0);
    assertEquals(2, r.cards().last30Days());
    assertEquals(0, r.feedback().last30Days());
    assertEquals(1, c.cards().last30Days());
    assertEquals(1, c.feedback().accepted());
    assertEquals(ct.version(), c.version());
    List<String> models =
        restarted.gauges().stream().map(g -> g.tags().get(1)).distinct().sorted().toList();
    assertEquals(List.of("cap-fusion", "nodule-ct"), models, "gauges of both models");
    assertEquals(0, restarted.skipped());
  }

  @Test
  void aModelServedNowhereIsRefusedWithItsCode() {
    FcdsException e = assertThrows(FcdsException.class, () -> monitors().figures("no-such-model"));

    assertEquals(404, e.errorCode().httpStatus());
    assertTrue(e.getMessage().startsWith("FCDS-6301: "), e.getMessage());
  }

  private static ModelMonitors monitors() {
    return new ModelMonitors(
        List.of(
            ModelMonitor.forModel(
                ModelCards.load(RADIOGRAPH.resolve(ModelCards.FILE_NAME)), RADIOGRAPH, 1000),
            ModelMonitor.forModel(ModelCards.load(CT.resolve(ModelCards.FILE_NAME)), CT, 1000)));
  }

  private static void shown(FeedbackStore store, String uuid, ModelCard model, double p) {
    Card card =
        new Card(uuid, "s", "d", "info", new Card.Source("l", null, null), List.of(), List.of());
    store.issued(
        card,
        model.id(),
        model.version(),
        ResultKey.of(model.id(), model.version(), List.of("Patient/1/_history/1")),
        null,
        new FeedbackStore.Shown("reported", p, List.of(), 250L));
  }
}
