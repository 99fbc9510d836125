package org.fusioncds.report.form;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.fusioncds.flow.EvaluationInputs;
import org.fusioncds.flow.Inferred;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.Tensor;
import org.fusioncds.model.ModelCard;

/**
 * Renders a new report's presentedForm: the facts (finding, key image and its occlusion overlay,
 * inputs used and missing, model and its evaluation, Provenance id), one XHTML text from them
 * ({@link ReportHtml}), and that same text as PDF/A-2u ({@link PdfForm}). Runs only on the
 * write-back of a new report. Thread-safe.
 */
public final class ReportForms {

  static final String CSS = "/org/fusioncds/report/form/report-form.css";

  private final ModelCard card;
  private final String css;

  public ReportForms(ModelCard card) {
    this.card = card;
    this.css = new String(PdfForm.resource(CSS), StandardCharsets.UTF_8);
  }

  /** The forms of the report {@code r} computes from {@code inferred}; Provenance named by id. */
  public PresentedForms render(Inferred inferred, ReportRequest r, String provenanceId) {
    long t0 = System.nanoTime();
    FormFacts facts = facts(inferred, r, provenanceId);
    long t1 = System.nanoTime();
    String xhtml = ReportHtml.render(facts, css);
    long t2 = System.nanoTime();
    byte[] pdf = PdfForm.render(xhtml, "fusion-cds " + card.id() + " " + card.version());
    long t3 = System.nanoTime();
    return new PresentedForms(
        xhtml.getBytes(StandardCharsets.UTF_8),
        pdf,
        facts.keyImage() == null ? null : facts.keyImage().greyPng(),
        new PresentedForms.Timings((t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6));
  }

  /**
   * The inputs of {@code in} as the card's detail names them: the same rows as the form's inputs
   * table ({@link InputRows}), worded short, and the image by the card's study description and its
   * time.
   */
  public ReportRequest.Readable readable(EvaluationInputs in) {
    List<String> used = new ArrayList<>();
    for (FormFacts.InputRow row : InputRows.used(card, in)) {
      if (row.brief() != null) {
        used.add(row.brief());
      }
    }
    boolean image =
        in.inputs().referenceStrings().stream().anyMatch(r -> r.startsWith("urn:oid:"))
            && card.image() != null;
    String line =
        image ? card.study().name() + " of " + InputRows.time(in.inputs().studyTime()) : null;
    return new ReportRequest.Readable(used, line);
  }

  FormFacts facts(Inferred inferred, ReportRequest r, String provenanceId) {
    ModelInputs in = inferred.inputs().inputs();
    List<FormFacts.Finding> findings = new ArrayList<>();
    for (int i = 0; i < r.findings().size(); i++) {
      ReportRequest.Finding f = r.findings().get(i);
      String indicator = inferred.result().outputs().get(i).indicator();
      findings.add(
          new FormFacts.Finding(
              f.code().display(), f.probability(), f.threshold(), f.positive(), indicator));
    }
    KeyImage.Images images = keyImage(in, inferred);
    return new FormFacts(
        "Preliminary AI report: " + card.finding().display(),
        "Patient/" + r.patientId(),
        r.imagingStudy(),
        r.studyTime(),
        r.issued(),
        r.key().value(),
        provenanceId,
        card.warning(),
        findings,
        images,
        images == null ? imageNote(in) : null,
        InputRows.used(card, inferred.inputs()),
        InputRows.missing(in),
        new FormFacts.Model(
            card.id(),
            card.version(),
            card.name(),
            r.model().graph(),
            r.model().sha256(),
            card.intendedUse()),
        EvaluationSummary.lines(card.evaluation()));
  }

  private KeyImage.Images keyImage(ModelInputs in, Inferred inferred) {
    ModelCard.ImageSpec spec = card.image();
    if (spec == null || in.missing().stream().anyMatch(m -> m.what().equals("image"))) {
      return null;
    }
    Tensor image = in.tensor(spec.tensor());
    return image == null ? null : KeyImage.of(spec, image, inferred.explanation());
  }

  /**
   * What the form says where no key image is drawn: why the image is missing; or, for a volume
   * model, that the model read the series as a volume (no single image stands for it); or that the
   * model takes no image.
   */
  private String imageNote(ModelInputs in) {
    java.util.Optional<String> missing =
        in.missing().stream()
            .filter(m -> m.what().equals("image"))
            .map(ModelInputs.Missing::reason)
            .findFirst();
    if (missing.isPresent()) {
      return "No image was used: " + missing.get();
    }
    ModelCard.VolumeSpec v = card.volume();
    if (v != null) {
      return String.format(
          java.util.Locale.ROOT,
          "The model read the %s series as a volume of %d × %d × %d voxels of %s × %s × %s mm"
              + " (the instances are named in the Provenance); no key image is drawn for a"
              + " volume.",
          String.join("/", card.study().modalities()),
          v.size().get(0),
          v.size().get(1),
          v.size().get(2),
          mm(v.spacingMm().get(0)),
          mm(v.spacingMm().get(1)),
          mm(v.spacingMm().get(2)));
    }
    return "No image was used: the model takes no image";
  }

  private static String mm(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** The card's evaluation map, one line per entry; nested maps as {@code key value, …}. */
  public static List<String> evaluation(Map<String, Object> e) {
    if (e == null) {
      return List.of();
    }
    return e.entrySet().stream().map(x -> x.getKey() + ": " + value(x.getValue())).toList();
  }

  private static String value(Object v) {
    if (v instanceof Map<?, ?> m) {
      return m.entrySet().stream()
          .map(x -> x.getKey() + " " + value(x.getValue()))
          .collect(Collectors.joining(", "));
    }
    if (v instanceof List<?> l) {
      return l.stream().map(ReportForms::value).collect(Collectors.joining("–", "[", "]"));
    }
    return String.valueOf(v);
  }
}
