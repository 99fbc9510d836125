package org.fusioncds.report.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.fusioncds.cdshooks.Card;
import org.fusioncds.cdshooks.FeedbackStore;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.fusioncds.testing.LogTail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model owner's figures: statistics against known values, the window, the alarm, restart. */
class ModelMonitorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ModelCard CARD =
      ModelCards.load(Path.of("models/cap-fusion/model-card.yaml"));
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  @TempDir Path tmp;

  @Test
  void wilsonIntervalMatchesPublishedValues() {
    // Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 → 0.2553–0.3662
    double[] ci = MonitorMath.wilson(81, 263);
    assertEquals(0.2553, ci[0], 5e-5);
    assertEquals(0.3662, ci[1], 5e-5);
    // 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611
    assertArrayEquals(new double[] {0.0624, 0.1605}, MonitorMath.wilson(15, 148), 5e-5);
    assertArrayEquals(new double[] {0.0, 0.1611}, MonitorMath.wilson(0, 20), 5e-5);
    assertArrayEquals(new double[] {0.0, 1.0}, MonitorMath.wilson(0, 0), 0);
  }

  @Test
  void psiIsZeroForTheSameDistributionAndMatchesItsFormula() {
    double[] even = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
    double[] shifted = {0.0, 0.0, 0.05, 0.05, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2};

    assertEquals(0.0, MonitorMath.psi(even, even), 1e-12);
    double expected = 0;
    for (int i = 0; i < 10; i++) {
      double a = Math.max(shifted[i], 1e-4);
      expected += (a - 0.1) * Math.log(a / 0.1);
    }
    assertEquals(expected, MonitorMath.psi(even, shifted), 1e-12);
    assertTrue(MonitorMath.psi(even, shifted) > 0.2, "a large shift is above 0.2");
  }

  @Test
  void referenceDistributionHasTenEqualBinsAtItsDecilesAndRoundTrips() {
    List<Double> p = new ArrayList<>();
    Random r = new Random(3);
    for (int i = 0; i < 1000; i++) {
      p.add(r.nextDouble());
    }

    ReferenceDistribution d = ReferenceDistribution.of("cap-fusion", "0.1.0", "fused", "test", p);
    d.write(tmp.resolve("ref.json"));

    assertEquals(9, d.edges().length);
    for (double f : d.fractions()) {
      assertEquals(0.1, f, 0.002);
    }
    assertEquals(0, d.bin(0.0));
    assertEquals(9, d.bin(0.9999));
    assertEquals(d, ReferenceDistribution.read(tmp.resolve("ref.json")));
  }

  @Test
  void aReferenceThatIsNotTenBinsIsRefusedWithItsCode() throws Exception {
    Files.writeString(
        tmp.resolve("bad.json"),
        "{\"model\":\"m\",\"version\":\"1\",\"graph\":\"g\",\"source\":\"s\",\"n\":100,"
            + "\"edges\":[0.5],\"fractions\":[0.5,0.5]}");

    FcdsException e =
        assertThrows(
            FcdsException.class, () -> ReferenceDistribution.read(tmp.resolve("bad.json")));

    assertTrue(e.getMessage().startsWith("FCDS-6302: "), e.getMessage());
  }

  @Test
  void figuresCountCardsFeedbackAgreementMissingnessAndLatencyPerVersion() {
    ModelMonitor m = monitor(uniformReference(), NOW);
    for (int i = 0; i < 20; i++) {
      Instant at = NOW.minus(Duration.ofDays(i < 5 ? 1 : 10));
      m.issued(
          issued(
              "c" + i,
              "0.1.0",
              at,
              "k" + i,
              (i + 0.5) / 20,
              i % 4 == 0 ? List.of("labs:pct") : List.of(),
              100L + i));
    }
    m.issued(issued("old", "0.0.9", NOW.minus(Duration.ofDays(2)), "k-old", 0.5, List.of(), 50L));
    m.issued(issued("gone", "0.1.0", NOW.minus(Duration.ofDays(31)), "k-gone", 0.5, List.of(), 9L));
    for (int i = 0; i < 8; i++) {
      m.feedback(outcome("c" + i, i < 6, i == 7 ? "image-reading" : null));
    }
    m.feedback(outcome("c0", false, "other")); // the last outcome of a card counts

    ModelFigures f = m.figures("cap-fusion");

    assertEquals(
        List.of("0.1.0", "0.0.9"),
        f.versions().stream().map(ModelFigures.VersionFigures::version).toList());
    ModelFigures.VersionFigures v = f.versions().get(0);
    assertEquals(new ModelFigures.Cards(5, 20, 20), v.cards(), "31 days old: out of the window");
    assertEquals(9, v.feedback().last30Days());
    assertEquals(6, v.feedback().accepted());
    assertEquals(3, v.feedback().overridden());
    assertEquals(8, v.agreement().n());
    assertEquals(5 / 8.0, v.agreement().rate(), 1e-12);
    assertArrayEquals(
        MonitorMath.wilson(5, 8),
        new double[] {v.agreement().lower(), v.agreement().upper()},
        1e-12);
    assertEquals(0.6, v.agreement().floor());
    assertEquals(
        List.of("My reading of the image differs", "Other (see comment)"),
        v.feedback().overrideReasons().stream().map(ModelFigures.ReasonCount::display).toList());
    assertEquals(0.25, v.missingness().rates().get("labs:pct"), 1e-12);
    assertEquals(0.0, v.missingness().rates().get("image"), 1e-12);
    assertEquals(20, v.latencyMs().n());
    assertEquals(109.5, v.latencyMs().p50(), 1e-9);
    assertEquals(20, v.distribution().last30Days().n());
    assertEquals(0.0, v.distribution().last30Days().psi(), 0.05, "uniform against uniform");
    assertTrue(v.alarms().isEmpty(), v.alarms().toString());
    assertNull(f.versions().get(1).distribution(), "no reference for another version");
    assertFalse(f.versions().get(1).served());
  }

  @Test
  void shiftedProbabilitiesRaiseTheDriftAlarmShowTheCodeAndLogItOnce() throws Exception {
    ModelMonitor m = monitor(uniformReference(), NOW);
    for (int i = 0; i < 40; i++) {
      m.issued(
          issued(
              "c" + i,
              "0.1.0",
              NOW.minusSeconds(60L * i),
              "k" + i,
              0.95 + i / 1000.0,
              List.of(),
              80L));
    }
    LogTail log = LogTail.fromNow();

    ModelFigures.VersionFigures v = m.figures("cap-fusion").versions().get(0);
    m.figures("cap-fusion");

    assertTrue(v.distribution().last7Days().psi() > 0.2, v.distribution().toString());
    assertEquals(2, v.alarms().size(), v.alarms().toString());
    assertTrue(v.alarms().get(0).startsWith("PSI of the last 7 days "), v.alarms().toString());
    String html = OwnerPage.render(m.figures("cap-fusion"));
    assertTrue(html.contains("Drift alarm (FCDS-6300)"), html);
    assertTrue(html.contains("<svg"), html);
    assertFalse(html.contains("<script"), html);
    String logged = log.next();
    assertEquals(
        1,
        logged.split("FCDS-6300: drift alarm for model cap-fusion 0.1.0", -1).length - 1,
        logged);
  }

  @Test
  void agreementWhoseUpperBoundFallsBelowTheFloorRaisesTheAlarm() {
    ModelMonitor m = monitor(null, NOW);
    for (int i = 0; i < 12; i++) {
      m.issued(issued("c" + i, "0.1.0", NOW.minusSeconds(i), "k" + i, 0.7, List.of(), 80L));
      m.feedback(outcome("c" + i, i == 0, "clinical-picture"));
    }

    ModelFigures.VersionFigures v = m.figures("cap-fusion").versions().get(0);

    assertTrue(v.agreement().upper() < 0.6, v.agreement().toString());
    assertEquals(1, v.alarms().size(), v.alarms().toString());
    assertTrue(v.alarms().get(0).contains("below the card's floor 0.60"), v.alarms().toString());
    assertNull(v.distribution(), "no reference: no PSI");
  }

  @Test
  void anUnknownModelIsRefusedWithItsCode() {
    FcdsException e =
        assertThrows(FcdsException.class, () -> monitor(null, NOW).figures("no-such-model"));

    assertEquals(404, e.errorCode().httpStatus());
    assertTrue(e.getMessage().startsWith("FCDS-6301: "), e.getMessage());
  }

  @Test
  void theWindowIsBoundedInCount() {
    ModelMonitor m = new ModelMonitor(CARD, null, "none", 50, Clock.fixed(NOW, ZoneOffset.UTC));
    for (int i = 0; i < 200; i++) {
      m.issued(issued("c" + i, "0.1.0", NOW.minusSeconds(200 - i), "k" + i, 0.5, List.of(), 1L));
    }

    assertEquals(50, m.figures("cap-fusion").versions().get(0).cards().last30Days());
  }

  @Test
  void cardsAndFeedbackSurviveARestartThroughTheFeedbackStoresFiles() throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    Path folder = tmp.resolve("feedback");
    FeedbackStore store =
        new FeedbackStore(folder, ModelMonitors.of(monitor(uniformReference(), now.get())));
    Card card =
        new Card(
            "uuid-1",
            "s",
            "d",
            "info",
            new Card.Source("l", null, null),
            List.of(),
            List.of(
                new Card.Coding(
                    "https://fusion-cds.org/CodeSystem/override-reason", "other", "Other")));
    store.issued(
        card,
        "cap-fusion",
        "0.1.0",
        ResultKey.of("cap-fusion", "0.1.0", List.of("Patient/1/_history/1")),
        null,
        new FeedbackStore.Shown("reported", 0.42, List.of("labs:crp"), 321L));
    store.record(
        JSON.readTree(
            "{\"feedback\":[{\"card\":\"uuid-1\",\"outcome\":\"overridden\","
                + "\"overrideReason\":{\"reason\":{\"system\":\"https://fusion-cds.org/CodeSystem/override-reason\","
                + "\"code\":\"other\"},\"userComment\":\"see note\"}}]}"));

    ModelMonitor restarted = monitor(uniformReference(), now.get());
    new FeedbackStore(folder, ModelMonitors.of(restarted));
    ModelFigures.VersionFigures v = restarted.figures("cap-fusion").versions().get(0);

    assertEquals(1, v.cards().last30Days());
    assertEquals(1, v.feedback().overridden());
    assertEquals(1, v.feedback().withComment());
    assertEquals(1.0, v.missingness().rates().get("labs:crp"));
    assertEquals(321.0, v.latencyMs().p99());
    assertEquals(0, restarted.skipped());
    String feedbackLine = Files.readString(folder.resolve("feedback.jsonl"));
    assertFalse(
        feedbackLine.contains("probability"), "feedback lines keep no figures: " + feedbackLine);
  }

  private static ModelMonitor monitor(ReferenceDistribution reference, Instant now) {
    return new ModelMonitor(
        CARD,
        reference,
        reference == null ? "none" : null,
        10_000,
        Clock.fixed(now, ZoneOffset.UTC));
  }

  private static ReferenceDistribution uniformReference() {
    List<Double> p = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      p.add((i + 0.5) / 1000);
    }
    return ReferenceDistribution.of(CARD.id(), CARD.version(), "fused", "uniform test cohort", p);
  }

  private static ModelMonitor.Issued issued(
      String card,
      String version,
      Instant at,
      String key,
      double p,
      List<String> missing,
      Long ms) {
    return new ModelMonitor.Issued(
        card, "cap-fusion", version, at, "reported", key, p, missing, ms);
  }

  private static ModelMonitor.Outcome outcome(String card, boolean accepted, String reason) {
    return new ModelMonitor.Outcome(
        card,
        "cap-fusion",
        "0.1.0",
        NOW.minusSeconds(10),
        accepted,
        reason == null ? null : "https://fusion-cds.org/CodeSystem/override-reason",
        reason,
        false);
  }
}
