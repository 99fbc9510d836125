package org.fusioncds.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.EncodingEnum;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.fusioncds.assemble.AssemblyInput;
import org.fusioncds.bench.ServiceRequests.Kind;
import org.fusioncds.bench.ServiceRequests.Reply;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomJson;
import org.fusioncds.dicom.web.DicomWebClient;
import org.fusioncds.dicom.web.FrameFetcher;
import org.fusioncds.flow.DicomImage;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.StudySelector;
import org.fusioncds.report.ReportBundleBuilder;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * One fresh patient: (a) the first hook call, then (b) the service's six gather requests replayed
 * raw, (c) {@code OrtSession.run} on inputs assembled from those bytes, and the search of the
 * patient's stored reports' keys and a write-back transaction of the same shape (fresh key), each
 * timed alone; the model's inputs made from the parsed replies, timed; and the time each of the
 * service's Camel routes took from the call until the report could be read ({@link RouteTimes}).
 */
final class FirstCallProbe implements AutoCloseable {

  /**
   * The figures of one patient, in ms; {@code ready}: from the call until the report could be read
   * (the call itself when the card came after the report); {@code keyMatches}: our inputs gave the
   * report's key; {@code assemble}: the model's inputs made from the parsed replies and the decoded
   * frame (window, resize, labs; not part of the floor); {@code routes}: ms the service spent in
   * each of its Camel routes from the call until the report could be read.
   */
  record Sample(
      double hook,
      double ready,
      Map<Kind, Double> fetch,
      double run,
      double storedKeys,
      double transaction,
      boolean keyMatches,
      String fhirContentType,
      double assemble,
      Map<String, Double> routes) {

    double fetchTotal() {
      return fetch.values().stream().mapToDouble(Double::doubleValue).sum();
    }
  }

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private final HookClient hook;
  private final RouteTimes routeTimes;
  private final ServiceRequests requests;
  private final RawModel model;
  private final DicomWebClient pacs;
  private final StudySelector selector;

  FirstCallProbe(
      HookClient hook,
      RouteTimes routeTimes,
      ServiceRequests requests,
      RawModel model,
      String dicomBase) {
    this.hook = hook;
    this.routeTimes = routeTimes;
    this.requests = requests;
    this.model = model;
    this.pacs =
        new DicomWebClient(
            URI.create(dicomBase),
            () -> null,
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            0,
            Duration.ZERO);
    this.selector = new StudySelector(model.card().study());
  }

  Sample measure(String patientId) throws Exception {
    Map<String, Double> before = routeTimes.now();
    HookClient.Answer a = hook.call(patientId);
    if (a.status() != 200 || a.reportUrl() == null || a.cached()) {
      throw new IllegalStateException("first hook call: HTTP " + a.status() + " " + a.body());
    }
    // the floors are measured once the report is written: a write still running behind a card
    // would share the cores with them
    double ready = a.millis() + untilReadable(a.reportUrl());
    Map<String, Double> routes = RouteTimes.spent(before, routeTimes.now());
    Map<String, String> v = new HashMap<>(Map.of("patient", patientId));
    Map<Kind, Reply> r = new java.util.EnumMap<>(Kind.class);
    r.put(Kind.PATIENT, ok(requests.send(Kind.PATIENT, v, null, false)));
    r.put(Kind.STUDIES, ok(requests.send(Kind.STUDIES, v, null, true)));
    Instant now = Instant.now();
    ImagingStudy study =
        selector.select(entries(r.get(Kind.STUDIES), ImagingStudy.class), now).orElseThrow();
    ImagingStudy.ImagingStudySeriesComponent series =
        study.getSeries().stream().filter(selector::eligible).findFirst().orElseThrow();
    v.put("study", StudySelector.studyUid(study));
    v.put("series", series.getUid());
    v.put("instance", series.getInstanceFirstRep().getUid());
    r.put(Kind.OBSERVATIONS, ok(requests.send(Kind.OBSERVATIONS, v, null, true)));
    r.put(Kind.CONDITIONS, ok(requests.send(Kind.CONDITIONS, v, null, true)));
    r.put(Kind.METADATA, ok(requests.send(Kind.METADATA, v, null, false)));
    r.put(Kind.FRAME, ok(requests.send(Kind.FRAME, v, null, false)));
    Map<Kind, Double> fetch = new java.util.EnumMap<>(Kind.class);
    r.forEach((k, reply) -> fetch.put(k, reply.millis()));

    Dataset metadata = DicomJson.read(new ByteArrayInputStream(r.get(Kind.METADATA).body())).get(0);
    DicomImage image = new DicomImage(metadata, new FrameFetcher(pacs).fetch(metadata, 0));
    Patient patient =
        (Patient) parser(r.get(Kind.PATIENT)).parseResource(text(r.get(Kind.PATIENT)));
    List<Observation> labs = entries(r.get(Kind.OBSERVATIONS), Observation.class);
    List<Condition> conditions = entries(r.get(Kind.CONDITIONS), Condition.class);
    long assembling = System.nanoTime(); // the replies parsed and the frame decoded before
    ModelInputs inputs =
        model.assemble(AssemblyInput.of(patient, study, labs, conditions, image, now));
    double assembled = (System.nanoTime() - assembling) / 1e6;
    RawModel.Run run = model.run(inputs);
    ResultKey key = ResultKey.of(inputs.modelId(), inputs.modelVersion(), references(inputs));

    Reply keys = ok(requests.send(Kind.STORED_KEYS, Map.of("patient", patientId), null, true));
    byte[] bundle = transactionBody(patientId, inputs, run.raw());
    Reply tx = ok(requests.send(Kind.TRANSACTION, Map.of(), bundle, false));
    return new Sample(
        a.millis(),
        ready,
        fetch,
        run.millis(),
        keys.millis(),
        tx.millis(),
        key.value().equals(reportKey(a.reportUrl())),
        r.get(Kind.PATIENT).contentType(),
        assembled,
        routes);
  }

  private static Reply ok(Reply r) {
    if (r.status() >= 300) {
      throw new IllegalStateException("raw request answered HTTP " + r.status());
    }
    return r;
  }

  private static String text(Reply r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static IParser parser(Reply r) {
    EncodingEnum e = EncodingEnum.forContentType(r.contentType().split(";")[0].trim());
    return (e == null ? EncodingEnum.JSON : e).newParser(FHIR);
  }

  private static <T extends Resource> List<T> entries(Reply r, Class<T> type) {
    Bundle b = parser(r).parseResource(Bundle.class, text(r));
    return b.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }

  private static List<String> references(ModelInputs inputs) {
    return inputs.references().stream().map(ModelInputs.InputReference::reference).toList();
  }

  private static String randomKey() {
    byte[] b = new byte[32];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /**
   * The write-back's transaction for these inputs, under a fresh key, encoded as the service does.
   */
  private byte[] transactionBody(String patientId, ModelInputs inputs, double raw) {
    ModelCard card = model.card();
    List<String> refs = references(inputs);
    ModelCard.Output out = card.outputs().get(0);
    double p = "logit".equals(out.kind()) ? 1 / (1 + Math.exp(-raw)) : raw;
    ReportRequest request =
        new ReportRequest(
            new ResultKey(randomKey()),
            patientId,
            refs.stream().filter(x -> x.startsWith("ImagingStudy/")).findFirst().orElse(null),
            inputs.studyTime(),
            Instant.now(),
            new ReportRequest.Model(
                card.id(),
                card.version(),
                card.name(),
                "fused",
                model.graphSha256(),
                card.warning()),
            new ReportRequest.Coding(
                card.report().system(), card.report().code(), card.report().display()),
            List.of(
                new ReportRequest.Finding(
                    out.tensor(),
                    new ReportRequest.Coding(
                        out.code().system(), out.code().code(), out.code().display()),
                    p,
                    out.threshold(),
                    p >= out.threshold())),
            refs,
            inputs.missing().stream().map(ModelInputs.Missing::what).toList(),
            "Organization/fusion-cds-demo",
            "Practitioner/bench",
            null,
            null);
    String ct = requests.template(Kind.TRANSACTION).contentType();
    EncodingEnum e = ct == null ? null : EncodingEnum.forContentType(ct.split(";")[0].trim());
    IParser parser = (e == null ? EncodingEnum.JSON : e).newParser(FHIR);
    return parser
        .encodeResourceToString(ReportBundleBuilder.build(request))
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the report until it is there, every 5 ms for at most a minute: the ms waited after the
   * call, 0 when it was there at the first read.
   */
  private static double untilReadable(String reportUrl) throws Exception {
    long start = System.nanoTime();
    for (int read = 0; ; read++) {
      int status =
          READS
              .send(
                  java.net.http.HttpRequest.newBuilder(URI.create(reportUrl))
                      .header("Accept", "application/fhir+json")
                      .header("Cache-Control", "no-cache")
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.discarding())
              .statusCode();
      if (status == 200) {
        return read == 0 ? 0 : (System.nanoTime() - start) / 1e6;
      }
      if (status != 404 || System.nanoTime() - start > Duration.ofMinutes(1).toNanos()) {
        throw new IllegalStateException("the report was not written: HTTP " + status);
      }
      Thread.sleep(5);
    }
  }

  private static final java.net.http.HttpClient READS = java.net.http.HttpClient.newHttpClient();

  /** The result key on the report the hook wrote (read back, not timed). */
  private String reportKey(String reportUrl) throws Exception {
    java.net.http.HttpResponse<String> r =
        READS.send(
            java.net.http.HttpRequest.newBuilder(URI.create(reportUrl))
                .header("Accept", "application/fhir+json")
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    return HookClient.JSON.readTree(r.body()).path("identifier").path(0).path("value").asText();
  }

  @Override
  public void close() {
    pacs.close();
  }
}
