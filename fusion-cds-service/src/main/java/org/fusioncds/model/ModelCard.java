package org.fusioncds.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Observation;

/**
 * A model card: everything the runtime knows about a model, read from {@code model-card.yaml}
 * (MONAI Deploy habit: the card is data, code never hard-codes codes, thresholds or shapes). Our
 * demo model and a hospital's own model are read the same way. Example: {@code
 * models/cap-fusion/model-card.yaml}.
 *
 * <p>Schema (YAML keys = record components; unknown keys are refused):
 *
 * <ul>
 *   <li>{@code id, version, name, intendedUse, warning} — warning is shown on every output.
 *   <li>{@code finding}, {@code report}: codings (system, code, display) — FHIR R4 Coding.
 *   <li>{@code study}: eligible ImagingStudy: {@code modalities} (DICOM CID 29 codes), {@code
 *       bodySites} ({@code system|code}), {@code maxAgeHours} (age of the study at evaluation),
 *       {@code description} and {@code bodyPart} (the words of the not-evaluable cards).
 *   <li>{@code labWindow}: {@code hoursBefore}/{@code hoursAfter} the study start.
 *   <li>{@code inputs}: tensors (name, dtype {@code float32}, shape, kind {@code
 *       image|tabular|mask|features}).
 *   <li>{@code image}: preprocessing (tensor, presentTensor, modalityLut, window, rows, columns,
 *       resize {@code area|bilinear}, mean, std, fill).
 *   <li>{@code tabular}: tensor and maskTensor; {@code features}: the tabular columns in order.
 *   <li>{@code missing}: the fill value for a missing feature (its mask is 0).
 *   <li>{@code outputs}: tensor name, kind {@code probability|logit}, coding, threshold, indicator.
 *   <li>{@code calibration}: {@code none|baked|temperature|platt} applied to logits.
 *   <li>{@code fusion}: strategy, default graph, late-fusion weights; {@code graphs}: name → file,
 *       sha256, inputs.
 *   <li>{@code trainingData}, {@code trainingPrevalence} (the positive rate in training: what a
 *       single-modality model can say of a patient without its modality), {@code evaluation} (free
 *       map, filled after training).
 *   <li>{@code eligibility}: the intended use checked before the model runs — {@code ageYears} and
 *       {@code pixelSpacingMm} ranges ({@code min}, {@code max}), {@code viewPositions}.
 *   <li>{@code overrideReasons}: codings (system, code, display) a clinician may give when not
 *       following the card; offered on every result card and the only reasons its feedback takes.
 *   <li>{@code imageFeatures}: hand-crafted image features computed by the assemble step from the
 *       windowed, resized image of {@code image} (the classical pipeline): tensor, equalize, mask,
 *       levels, names (see {@link ImageFeatureNames}), fill.
 *   <li>{@code volume}: a CT or MR series assembled into a resampled volume ({@link VolumeSpec}):
 *       tensor, presentTensor, orientation, spacingMm, size, outside, minSlices, minCoverage,
 *       window, mean, std, fill.
 *   <li>{@code trainingCohorts}: the generator seeds (seed, patients, role) the model was fitted or
 *       selected on; evaluation refuses them.
 *   <li>{@code ood}: out-of-distribution abstention on the fused embedding — graph (file, sha256,
 *       inputs), output, statistics (file, sha256), threshold, falseAbstainRate, fittedOn.
 *   <li>{@code monitoring}: what the model owner's page ({@code /admin/models/{id}}) holds the
 *       model to — {@code agreementFloor} (the drift alarm fires when the 95 % upper bound of the
 *       clinicians' agreement falls below it), {@code psiAlarm} (the alarm when the population
 *       stability index of the last 7 or 30 days exceeds it; 0.2 when absent), {@code minFeedback}
 *       (feedback items before agreement can raise the alarm; 10 when absent), {@code minResults}
 *       (results in a window before its PSI can raise it; 30 when absent) and {@code reference}
 *       (the file in the model folder with the evaluation cohort's probability distribution,
 *       written by {@code fusion-cds evaluate}).
 *   <li>{@code kind}: what kind of AI the model is, codes of AI Transparency on FHIR's {@code
 *       AIdeviceTypeCS} ({@link #AI_KINDS}, e.g. {@code Deep-Learning-Models}, {@code
 *       AI-for-Multimodal-Data}); written on the model Device as {@code AIKind} extensions.
 * </ul>
 */
public record ModelCard(
    String id,
    String version,
    String name,
    String intendedUse,
    String warning,
    Coding finding,
    Coding report,
    Study study,
    LabWindow labWindow,
    List<InputTensor> inputs,
    ImageSpec image,
    TabularSpec tabular,
    List<Feature> features,
    MissingPolicy missing,
    List<Output> outputs,
    Calibration calibration,
    Fusion fusion,
    Map<String, Graph> graphs,
    String trainingData,
    Double trainingPrevalence,
    Map<String, Object> evaluation,
    List<Coding> overrideReasons,
    Eligibility eligibility,
    ImageFeatures imageFeatures,
    VolumeSpec volume,
    List<TrainingCohort> trainingCohorts,
    Ood ood,
    Monitoring monitoring,
    List<String> kind) {

  /**
   * The kinds of AI a card may declare in {@code kind}: the selectable codes of AI Transparency on
   * FHIR's {@code AIdeviceTypeCS} (STU1 ballot, {@code input/fsh/AIDevice.fsh}; the abstract
   * grouping codes {@code AI-By-…} and {@code Foundation-Models} are not selectable). The report
   * step writes each as the model Device's {@code AIKind} extension.
   */
  public static final java.util.Set<String> AI_KINDS =
      java.util.Set.of(
          "Rule-Based-Systems",
          "Machine-Learning-Models",
          "Deep-Learning-Models",
          "Large-Language-Models",
          "Vision-Foundation-Models",
          "Vision-Language-Models",
          "Hybrid-Models",
          "Deterministic-AI",
          "Non-Deterministic-AI",
          "Intelligent-Diagnosis-and-Treatment",
          "Medical-Image-Analysis",
          "Personalized-Treatment",
          "Clinical-Monitoring-and-Early-Warning",
          "Clinical-Documentation-and-Workflow",
          "Drug-Discovery-and-Development",
          "Medical-Quality-Control",
          "Patient-Services",
          "Population-Health-and-Operations",
          "AI-for-Medical-Imaging-Data",
          "AI-for-Physiological-Signal-Data",
          "AI-for-Medical-Text-Data",
          "AI-for-Structured-Clinical-Data",
          "AI-for-Genomic-and-Omics-Data",
          "AI-for-Audio-Data",
          "AI-for-Video-Data",
          "AI-for-Multimodal-Data");

  public ModelCard {
    kind = kind == null ? List.of() : List.copyOf(kind);
    overrideReasons = overrideReasons == null ? List.of() : List.copyOf(overrideReasons);
    trainingCohorts = trainingCohorts == null ? List.of() : List.copyOf(trainingCohorts);
  }

  /**
   * A synthetic cohort the model's graphs or statistics were fitted or selected on: {@code evaluate
   * --seeds} refuses its seed (FCDS-8600).
   *
   * @param seed the cohort generator's seed
   * @param patients how many patients of that seed were used
   * @param role {@code training} or {@code validation}
   */
  public record TrainingCohort(Long seed, Integer patients, String role) {}

  /**
   * Out-of-distribution abstention: the Mahalanobis distance of the case's fused embedding (the
   * {@code output} of {@code graph}, cut from the fused graph's weights) to the training
   * embeddings, whose mean and shrinkage covariance are in {@code statistics}; above {@code
   * threshold} the model does not speak (FCDS-5600). The threshold is the validation cohort's (1 −
   * {@code falseAbstainRate}) quantile of the distance.
   */
  public record Ood(
      Graph graph,
      String output,
      StatisticsFile statistics,
      Double threshold,
      Double falseAbstainRate,
      String fittedOn) {}

  /** A JSON file next to the card and its SHA-256 (hex). */
  public record StatisticsFile(String file, String sha256) {}

  /**
   * What the model owner's page holds the model to (see the class comment).
   *
   * @param agreementFloor the lowest acceptable agreement of clinicians with the model's cards
   * @param psiAlarm the population stability index above which the distribution has drifted
   * @param minFeedback feedback items before agreement can raise the alarm
   * @param minResults results in a window before its PSI can raise the alarm
   * @param reference the evaluation cohort's distribution, a file in the model folder
   */
  public record Monitoring(
      Double agreementFloor,
      Double psiAlarm,
      Integer minFeedback,
      Integer minResults,
      String reference) {

    /** The PSI above which the alarm fires: {@code psiAlarm}, else 0.2. */
    public double psiLimit() {
      return psiAlarm == null ? 0.2 : psiAlarm;
    }

    /** Feedback items before agreement can raise the alarm: {@code minFeedback}, else 10. */
    public int feedbackNeeded() {
      return minFeedback == null ? 10 : minFeedback;
    }

    /** Results in a window before its PSI can raise the alarm: {@code minResults}, else 30. */
    public int resultsNeeded() {
      return minResults == null ? 30 : minResults;
    }
  }

  /** A FHIR R4 Coding. */
  public record Coding(String system, String code, String display) {}

  /**
   * Who and what the model is meant for, checked before it runs; outside it the model does not
   * speak. Each part is optional, and a value the case does not carry (no birth date, no View
   * Position) is not held against it.
   *
   * @param ageYears completed years at the study
   * @param viewPositions DICOM View Position (0018,5101) values, e.g. PA, AP
   * @param pixelSpacingMm the image's Pixel Spacing (0028,0030), or Imager Pixel Spacing
   *     (0018,1164), row spacing
   */
  public record Eligibility(Range ageYears, List<String> viewPositions, Range pixelSpacingMm) {}

  /** A closed interval; either end may be absent. */
  public record Range(Double min, Double max) {

    public boolean contains(double v) {
      return (min == null || v >= min) && (max == null || v <= max);
    }

    /** {@code 18–120}, {@code ≥ 18}, {@code ≤ 2}. */
    public String text() {
      return min != null && max != null
          ? fmt(min) + "–" + fmt(max)
          : min != null ? "≥ " + fmt(min) : "≤ " + fmt(max);
    }

    private static String fmt(double v) {
      return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
  }

  /** Which ImagingStudy is eligible. Body sites and codes are written {@code system|code}. */
  /**
   * The eligible study, and how a clinician names it: {@code description} (e.g. {@code chest
   * radiograph}) and {@code bodyPart} (e.g. {@code chest}) word the info cards of a patient who
   * cannot be evaluated.
   */
  public record Study(
      List<String> modalities,
      List<String> bodySites,
      Double maxAgeHours,
      String description,
      String bodyPart) {

    public Study(List<String> modalities, List<String> bodySites, Double maxAgeHours) {
      this(modalities, bodySites, maxAgeHours, null, null);
    }

    /** What the cards call the study; {@code imaging study} when the card does not say. */
    public String name() {
      return description == null || description.isBlank() ? "imaging study" : description;
    }
  }

  /** The info card's summary when the patient has no eligible study. */
  public String notEvaluableSummary() {
    return "AI: no recent " + study().name() + " to analyse";
  }

  /** The info card's detail when the patient has no eligible study: the card's study section. */
  public String notEvaluableDetail() {
    Study s = study();
    return "No imaging study of this patient matches the model's inputs ("
        + String.join("/", s.modalities())
        + (s.bodyPart() == null || s.bodyPart().isBlank() ? "" : ", " + s.bodyPart())
        + (s.maxAgeHours() == null ? "" : ", within " + Math.round(s.maxAgeHours()) + " h")
        + "). The model was not run.";
  }

  /** Observations count when effective within [study − hoursBefore, study + hoursAfter]. */
  public record LabWindow(Double hoursBefore, Double hoursAfter) {

    /** The window's first instant around {@code anchor} (the study's start). */
    public Instant from(Instant anchor) {
      return anchor.minusMillis(Math.round(hoursBefore * 3_600_000));
    }

    /** The window's last instant around {@code anchor}. */
    public Instant to(Instant anchor) {
      return anchor.plusMillis(Math.round(hoursAfter * 3_600_000));
    }

    /** Whether the observation's {@link #effective} time is within the window around anchor. */
    public boolean contains(Instant anchor, Observation o) {
      Instant t = effective(o);
      return t != null && !t.isBefore(from(anchor)) && !t.isAfter(to(anchor));
    }

    /**
     * effectiveDateTime, effectivePeriod.start, effectiveInstant; null when none. Never {@code
     * issued}: it is when a result was released, and an amendment releases an old result again. And
     * the gather asks the server only for the window (FHIR's {@code date} search parameter of
     * Observation is its effective[x]), so an observation dated by {@code issued} alone would count
     * when the EHR prefetched it and not when the server was searched.
     */
    public static Instant effective(Observation o) {
      if (o.hasEffectiveDateTimeType() && o.getEffectiveDateTimeType().getValue() != null) {
        return o.getEffectiveDateTimeType().getValue().toInstant();
      }
      if (o.hasEffectivePeriod() && o.getEffectivePeriod().hasStart()) {
        return o.getEffectivePeriod().getStart().toInstant();
      }
      if (o.hasEffectiveInstantType() && o.getEffectiveInstantType().getValue() != null) {
        return o.getEffectiveInstantType().getValue().toInstant();
      }
      return null;
    }
  }

  /** A declared input tensor; shape includes the batch dimension (1 when served). */
  public record InputTensor(String name, String dtype, List<Long> shape, String kind) {}

  /**
   * Image preprocessing (DICOM PS3.3 C.11): stored values → modality LUT (when {@code modalityLut})
   * → window to [0,1] (MONOCHROME1 inverted) → resize to rows×columns → (v − mean) / std. {@code
   * fill} is the value of every pixel when the image is missing.
   */
  public record ImageSpec(
      String tensor,
      String presentTensor,
      Boolean modalityLut,
      Window window,
      Integer rows,
      Integer columns,
      String resize,
      Double mean,
      Double std,
      Double fill) {}

  /**
   * Window: {@code source} {@code fixed} (center/width), {@code dicom} (first value of (0028,1050)
   * and (0028,1051), falling back to center/width, then to minmax) or {@code minmax}.
   */
  public record Window(String source, Double center, Double width) {}

  /** The tabular tensor [1,F] and its mask [1,F] (1 = observed, 0 = missing). */
  public record TabularSpec(String tensor, String maskTensor) {}

  /**
   * One tabular column. {@code source}: {@code observation} (codes {@code system|code}, unit UCUM,
   * mean/std z-score, clip [lo,hi] after z-scoring), {@code condition} (codes, codePrefixes such as
   * {@code http://hl7.org/fhir/sid/icd-10-cm|J44}; 1 when active at the study, else 0) or {@code
   * demographic} with {@code demographic} {@code age} (years at the study, z-scored) or {@code sex}
   * (Patient.gender mapped through {@code map}, e.g. male: 1, female: 0; one-hot = two features).
   * {@code group} (optional) names the modality a feature belongs to, e.g. {@code labs} or {@code
   * vitals}: evaluation reports patients for whom a whole group is missing.
   */
  public record Feature(
      String name,
      String source,
      List<String> codes,
      List<String> codePrefixes,
      String unit,
      Double mean,
      Double std,
      List<Double> clip,
      String demographic,
      Map<String, Double> map,
      String group) {}

  /**
   * The classical image features (a {@code [1, F]} tensor of kind {@code features}), computed from
   * the image of the {@code image} section after its window and resize, before mean/std: values in
   * [0, 1].
   *
   * @param tensor the declared input tensor, width = the columns of {@code names}
   * @param equalize histogram equalisation (256 bins, over the mask) before the texture features
   * @param mask the organ mask: pixels whose windowed value lies in [min, max] (before
   *     equalisation); every statistic is taken over it
   * @param levels grey levels of the co-occurrence matrix (2–256)
   * @param names the features, in column order ({@link ImageFeatureNames})
   * @param fill every column's value when the image is missing
   */
  public record ImageFeatures(
      String tensor,
      Boolean equalize,
      Range mask,
      Integer levels,
      List<String> names,
      Double fill) {

    /** The tensor's column names. */
    public List<String> columns() {
      return ImageFeatureNames.columns(names);
    }
  }

  /**
   * A series (one instance per slice, or one enhanced multi-frame instance) → a {@code [1, 1, nz,
   * ny, nx]} tensor: slices sorted along their normal with each slice's Modality LUT (Rescale
   * Slope/Intercept, PS3.3 C.11.1) applied, resampled trilinearly onto the grid ({@code
   * orientation}, {@code spacingMm} and {@code size} as x, y, z, centred on the series; {@code
   * outside}: the modality value beyond the series), windowed to [0, 1] ({@code window} center and
   * width in modality units, e.g. HU), then (v − mean) / std. A series with fewer than {@code
   * minSlices} slices, a missing slice, uneven spacing, mixed orientations or sizes, or covering
   * less than {@code minCoverage} of the grid is not used (the volume is missing, with the coded
   * reason); a gantry tilt is resampled where each slice lies. {@code fill}: every voxel when the
   * volume is missing ({@code presentTensor} = 0).
   */
  public record VolumeSpec(
      String tensor,
      String presentTensor,
      String orientation,
      List<Double> spacingMm,
      List<Integer> size,
      Double outside,
      Integer minSlices,
      Double minCoverage,
      Window window,
      Double mean,
      Double std,
      Double fill) {}

  /** Value written for a missing feature; its mask entry is 0. */
  public record MissingPolicy(Double fill) {}

  /**
   * One model output. {@code kind}: {@code probability} or {@code logit}. Indicator (CDS Hooks card
   * indicator) is critical when p ≥ critical, warning when p ≥ warning, else info.
   */
  public record Output(
      String tensor, String kind, Coding code, Double threshold, IndicatorThresholds indicator) {}

  /** Probability thresholds of the card indicator. */
  public record IndicatorThresholds(Double info, Double warning, Double critical) {}

  /**
   * Calibration applied to the logit z: {@code none} and {@code baked} (already in the graph): p =
   * σ(z); {@code temperature}: σ(z / temperature); {@code platt}: σ(a·z + b).
   */
  public record Calibration(String method, Double temperature, Double a, Double b) {}

  /**
   * {@code strategy} ({@link #STRATEGIES}), the {@code defaultGraph}, {@code lateWeights}: graph
   * name → weight for the {@code late} graph (weighted average of those graphs' probabilities), and
   * {@code stacking}: the logistic layer of the {@code stacked} graph.
   */
  public record Fusion(
      String strategy, String defaultGraph, Map<String, Double> lateWeights, Stacking stacking) {

    public Fusion(String strategy, String defaultGraph, Map<String, Double> lateWeights) {
      this(strategy, defaultGraph, lateWeights, null);
    }
  }

  /**
   * Model-level fusion (stacking): p = σ(intercept + Σ weight_g · logit(p_g)) over the calibrated
   * probabilities p_g of per-modality graphs, the weights fitted on the validation cohort.
   */
  public record Stacking(Double intercept, Map<String, Double> weights) {}

  /**
   * What the card may declare as {@code fusion.strategy}: {@code intermediate} (one deep graph that
   * fuses embeddings), {@code late} (weighted average of per-modality graphs), {@code feature-rf} /
   * {@code feature-svm} (feature-level fusion: image features + tabular → one ONNX-ML random forest
   * or SVM graph), {@code stacked} (a logistic layer over per-modality graphs' outputs).
   */
  public static final java.util.Set<String> STRATEGIES =
      java.util.Set.of("intermediate", "late", "feature-rf", "feature-svm", "stacked");

  /** An ONNX graph file next to the card, its SHA-256 (hex) and the input tensors it takes. */
  public record Graph(String file, String sha256, List<String> inputs) {}

  /** The name of the computed late-fusion graph. */
  public static final String LATE = "late";

  /** The name of the computed stacking graph ({@code fusion.stacking}). */
  public static final String STACKED = "stacked";

  /** The declared input tensor of that name, or null. */
  public InputTensor input(String tensorName) {
    for (InputTensor t : inputs) { // a loop: called for every input of every sample the model runs
      if (t.name().equals(tensorName)) {
        return t;
      }
    }
    return null;
  }
}
