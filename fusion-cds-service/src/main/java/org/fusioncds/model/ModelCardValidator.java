package org.fusioncds.model;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard.Feature;
import org.fusioncds.model.ModelCard.Graph;
import org.fusioncds.model.ModelCard.InputTensor;

/** Checks a parsed card: required fields (5002) and references between its parts (5003). */
final class ModelCardValidator {

  private static final Set<String> KINDS = Set.of("image", "tabular", "mask", "features");
  private static final Set<String> SOURCES = Set.of("observation", "condition", "demographic");
  private static final Set<String> CALIBRATIONS = Set.of("none", "baked", "temperature", "platt");

  private final ModelCard c;
  private final String origin;

  ModelCardValidator(ModelCard card, String origin) {
    this.c = card;
    this.origin = origin;
  }

  void validate() {
    require("id", c.id());
    require("version", c.version());
    require("warning", c.warning());
    require("finding.code", c.finding() == null ? null : c.finding().code());
    require("study.modalities", c.study() == null ? null : c.study().modalities());
    require("labWindow.hoursBefore", c.labWindow() == null ? null : c.labWindow().hoursBefore());
    require("labWindow.hoursAfter", c.labWindow().hoursAfter());
    require("missing.fill", c.missing() == null ? null : c.missing().fill());
    inputs();
    image();
    volume();
    tabular();
    imageFeatures();
    outputs();
    calibration();
    graphs();
    overrideReasons();
    kind();
    eligibility();
    trainingCohorts();
    ood();
    monitoring();
  }

  private void trainingCohorts() {
    for (int i = 0; i < c.trainingCohorts().size(); i++) {
      ModelCard.TrainingCohort t = c.trainingCohorts().get(i);
      require("trainingCohorts[" + i + "].seed", t.seed());
      oneOf("trainingCohorts[" + i + "].role", t.role(), Set.of("training", "validation"));
    }
  }

  private void ood() {
    ModelCard.Ood o = c.ood();
    if (o == null) {
      return;
    }
    require("ood.graph", o.graph());
    require("ood.graph.file", o.graph().file());
    require("ood.graph.sha256", o.graph().sha256());
    require("ood.graph.inputs", o.graph().inputs());
    for (String name : o.graph().inputs()) {
      if (c.input(name) == null) {
        fail(ErrorCode.MODEL_CARD_REFERENCE, "ood.graph.inputs", "unknown tensor '" + name + "'");
      }
    }
    require("ood.output", o.output());
    require("ood.statistics", o.statistics());
    require("ood.statistics.file", o.statistics().file());
    require("ood.statistics.sha256", o.statistics().sha256());
    positive("ood.threshold", o.threshold());
    positive("ood.falseAbstainRate", o.falseAbstainRate());
    if (o.falseAbstainRate() >= 1) {
      fail(
          ErrorCode.MODEL_CARD_FIELD_INVALID,
          "ood.falseAbstainRate",
          "must be below 1, found " + o.falseAbstainRate());
    }
  }

  private void monitoring() {
    ModelCard.Monitoring m = c.monitoring();
    if (m == null) {
      return;
    }
    if (m.agreementFloor() != null && (m.agreementFloor() < 0 || m.agreementFloor() > 1)) {
      fail(
          ErrorCode.MODEL_CARD_FIELD_INVALID,
          "monitoring.agreementFloor",
          "must lie in [0, 1], found " + m.agreementFloor());
    }
    if (m.psiAlarm() != null && m.psiAlarm() <= 0) {
      fail(
          ErrorCode.MODEL_CARD_FIELD_INVALID,
          "monitoring.psiAlarm",
          "must be > 0, found " + m.psiAlarm());
    }
    if (m.minFeedback() != null && m.minFeedback() < 1) {
      fail(
          ErrorCode.MODEL_CARD_FIELD_INVALID,
          "monitoring.minFeedback",
          "must be ≥ 1, found " + m.minFeedback());
    }
    if (m.minResults() != null && m.minResults() < 1) {
      fail(
          ErrorCode.MODEL_CARD_FIELD_INVALID,
          "monitoring.minResults",
          "must be ≥ 1, found " + m.minResults());
    }
    if (m.reference() != null
        && (m.reference().contains("/")
            || m.reference().contains("\\")
            || m.reference().startsWith("."))) {
      fail(
          ErrorCode.MODEL_CARD_FIELD_INVALID,
          "monitoring.reference",
          "must name a file in the model folder, found '" + m.reference() + "'");
    }
  }

  private void eligibility() {
    ModelCard.Eligibility e = c.eligibility();
    if (e == null) {
      return;
    }
    range("eligibility.ageYears", e.ageYears());
    range("eligibility.pixelSpacingMm", e.pixelSpacingMm());
    if (e.viewPositions() != null
        && e.viewPositions().stream().anyMatch(v -> v == null || v.isBlank())) {
      fail(ErrorCode.MODEL_CARD_FIELD_INVALID, "eligibility.viewPositions", "an empty value");
    }
  }

  private void range(String field, ModelCard.Range r) {
    if (r == null) {
      return;
    }
    if (r.min() == null && r.max() == null) {
      fail(ErrorCode.MODEL_CARD_FIELD_INVALID, field, "neither min nor max");
    }
    if ((r.min() != null && r.min() < 0) || (r.max() != null && r.max() < 0)) {
      fail(ErrorCode.MODEL_CARD_FIELD_INVALID, field, "a negative bound " + r.text());
    }
    if (r.min() != null && r.max() != null && r.min() > r.max()) {
      fail(ErrorCode.MODEL_CARD_FIELD_INVALID, field, "min above max " + r.min() + " > " + r.max());
    }
  }

  /** Each kind a selectable code of AIdeviceTypeCS, none twice. */
  private void kind() {
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < c.kind().size(); i++) {
      String k = c.kind().get(i);
      String at = "kind[" + i + "]";
      require(at, k);
      if (!ModelCard.AI_KINDS.contains(k)) {
        fail(
            ErrorCode.MODEL_CARD_FIELD_INVALID,
            at,
            "'" + k + "' is not a selectable code of AI Transparency's AIdeviceTypeCS");
      }
      if (!seen.add(k)) {
        fail(ErrorCode.MODEL_CARD_FIELD_INVALID, at, "'" + k + "' twice");
      }
    }
  }

  /** Each reason a full coding, no code twice in one system. */
  private void overrideReasons() {
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < c.overrideReasons().size(); i++) {
      ModelCard.Coding r = c.overrideReasons().get(i);
      String at = "overrideReasons[" + i + "]";
      require(at, r);
      require(at + ".system", r.system());
      require(at + ".code", r.code());
      require(at + ".display", r.display());
      if (!seen.add(r.system() + "|" + r.code())) {
        fail(ErrorCode.MODEL_CARD_FIELD_INVALID, at, "'" + r.system() + "|" + r.code() + "' twice");
      }
    }
  }

  private void inputs() {
    require("inputs", c.inputs());
    for (int i = 0; i < c.inputs().size(); i++) {
      InputTensor t = c.inputs().get(i);
      require("inputs[" + i + "].name", t.name());
      oneOf("inputs[" + i + "].dtype", t.dtype(), Set.of("float32"));
      require("inputs[" + i + "].shape", t.shape());
      oneOf("inputs[" + i + "].kind", t.kind(), KINDS);
    }
  }

  private void image() {
    if (c.image() == null) {
      return;
    }
    ModelCard.ImageSpec s = c.image();
    tensor("image.tensor", s.tensor(), 4);
    tensor("image.presentTensor", s.presentTensor(), 2);
    require("image.modalityLut", s.modalityLut());
    require("image.window.source", s.window() == null ? null : s.window().source());
    oneOf("image.window.source", s.window().source(), Set.of("fixed", "dicom", "minmax"));
    if (s.window().source().equals("fixed")) {
      require("image.window.center", s.window().center());
      positive("image.window.width", s.window().width());
    }
    positive("image.rows", s.rows() == null ? null : s.rows().doubleValue());
    positive("image.columns", s.columns() == null ? null : s.columns().doubleValue());
    oneOf("image.resize", s.resize(), Set.of("area", "bilinear"));
    require("image.mean", s.mean());
    positive("image.std", s.std());
    require("image.fill", s.fill());
    List<Long> shape = c.input(s.tensor()).shape();
    if (shape.get(2) != s.rows().longValue() || shape.get(3) != s.columns().longValue()) {
      fail(
          ErrorCode.MODEL_CARD_REFERENCE,
          "image.rows/columns",
          s.rows() + "x" + s.columns() + " but shape " + shape);
    }
  }

  private void volume() {
    ModelCard.VolumeSpec v = c.volume();
    if (v == null) {
      return;
    }
    tensor("volume.tensor", v.tensor(), 5);
    tensor("volume.presentTensor", v.presentTensor(), 2);
    require("volume.orientation", v.orientation());
    require("volume.spacingMm", v.spacingMm());
    require("volume.size", v.size());
    if (v.spacingMm().size() != 3 || v.spacingMm().stream().anyMatch(d -> d == null || !(d > 0))) {
      fail(
          ErrorCode.MODEL_CARD_FIELD_INVALID,
          "volume.spacingMm",
          "needs 3 positive mm, found " + v.spacingMm());
    }
    if (v.size().size() != 3 || v.size().stream().anyMatch(n -> n == null || n < 1 || n > 1024)) {
      fail(
          ErrorCode.MODEL_CARD_FIELD_INVALID,
          "volume.size",
          "needs 3 counts of 1 to 1024, found " + v.size());
    }
    require("volume.outside", v.outside());
    positive("volume.minSlices", v.minSlices() == null ? null : v.minSlices().doubleValue());
    require("volume.minCoverage", v.minCoverage());
    if (v.minCoverage() < 0 || v.minCoverage() > 1) {
      fail(
          ErrorCode.MODEL_CARD_FIELD_INVALID,
          "volume.minCoverage",
          "must lie in 0–1, found " + v.minCoverage());
    }
    require("volume.window.center", v.window() == null ? null : v.window().center());
    positive("volume.window.width", v.window().width());
    require("volume.mean", v.mean());
    positive("volume.std", v.std());
    require("volume.fill", v.fill());
    List<Long> shape = c.input(v.tensor()).shape();
    List<Long> expected =
        List.of(1L, 1L, (long) v.size().get(2), (long) v.size().get(1), (long) v.size().get(0));
    if (!shape.equals(expected)) {
      fail(
          ErrorCode.MODEL_CARD_REFERENCE,
          "volume.size",
          "x, y, z " + v.size() + " needs shape " + expected + " but shape " + shape);
    }
    try {
      new org.fusioncds.dicom.volume.VolumeGrid(
          v.orientation(), new double[] {1, 1, 1}, new int[] {1, 1, 1}, 0, 0);
    } catch (FcdsException e) {
      fail(ErrorCode.MODEL_CARD_FIELD_INVALID, "volume.orientation", e.getMessage());
    }
  }

  private void tabular() {
    require("features", c.features());
    if (c.tabular() == null) {
      return;
    }
    tensor("tabular.tensor", c.tabular().tensor(), 2);
    tensor("tabular.maskTensor", c.tabular().maskTensor(), 2);
    long width = c.input(c.tabular().tensor()).shape().get(1);
    if (width != c.features().size()) {
      fail(
          ErrorCode.MODEL_CARD_REFERENCE,
          "features",
          c.features().size() + " features but tabular shape width " + width);
    }
    for (int i = 0; i < c.features().size(); i++) {
      feature("features[" + i + "]", c.features().get(i));
    }
  }

  private void feature(String at, Feature f) {
    require(at + ".name", f.name());
    oneOf(at + ".source", f.source(), SOURCES);
    switch (f.source()) {
      case "observation" -> {
        require(at + ".codes", f.codes());
        require(at + ".unit", f.unit());
        require(at + ".mean", f.mean());
        positive(at + ".std", f.std());
      }
      case "condition" -> {
        if (empty(f.codes()) && empty(f.codePrefixes())) {
          fail(
              ErrorCode.MODEL_CARD_FIELD_INVALID,
              at + ".codes",
              "a condition feature needs codes or codePrefixes");
        }
      }
      default -> demographic(at, f);
    }
    if (f.clip() != null && (f.clip().size() != 2 || f.clip().get(0) > f.clip().get(1))) {
      fail(ErrorCode.MODEL_CARD_FIELD_INVALID, at + ".clip", String.valueOf(f.clip()));
    }
  }

  private void demographic(String at, Feature f) {
    oneOf(at + ".demographic", f.demographic(), Set.of("age", "sex"));
    if (f.demographic().equals("age")) {
      require(at + ".mean", f.mean());
      positive(at + ".std", f.std());
    } else {
      require(at + ".map", f.map());
    }
  }

  private void outputs() {
    require("outputs", c.outputs());
    for (int i = 0; i < c.outputs().size(); i++) {
      ModelCard.Output o = c.outputs().get(i);
      String at = "outputs[" + i + "]";
      require(at + ".tensor", o.tensor());
      oneOf(at + ".kind", o.kind(), Set.of("probability", "logit"));
      require(at + ".code", o.code());
      require(at + ".threshold", o.threshold());
      require(at + ".indicator.warning", o.indicator() == null ? null : o.indicator().warning());
      require(at + ".indicator.critical", o.indicator().critical());
    }
  }

  private void calibration() {
    require("calibration.method", c.calibration() == null ? null : c.calibration().method());
    oneOf("calibration.method", c.calibration().method(), CALIBRATIONS);
    if (c.calibration().method().equals("temperature")) {
      positive("calibration.temperature", c.calibration().temperature());
    }
    if (c.calibration().method().equals("platt")) {
      require("calibration.a", c.calibration().a());
      require("calibration.b", c.calibration().b());
    }
  }

  private void graphs() {
    require("graphs", c.graphs());
    for (Map.Entry<String, Graph> e : c.graphs().entrySet()) {
      String at = "graphs." + e.getKey();
      require(at + ".file", e.getValue().file());
      require(at + ".sha256", e.getValue().sha256());
      require(at + ".inputs", e.getValue().inputs());
      for (String name : e.getValue().inputs()) {
        if (c.input(name) == null) {
          fail(ErrorCode.MODEL_CARD_REFERENCE, at + ".inputs", "unknown tensor '" + name + "'");
        }
      }
    }
    require("fusion.defaultGraph", c.fusion() == null ? null : c.fusion().defaultGraph());
    strategy(c.fusion());
    graphName("fusion.defaultGraph", c.fusion().defaultGraph());
    if (c.fusion().lateWeights() != null) {
      c.fusion().lateWeights().keySet().forEach(g -> graphName("fusion.lateWeights", g));
      c.fusion().lateWeights().forEach((g, w) -> positive("fusion.lateWeights." + g, w));
    }
  }

  /** The strategy is one we serve (5401) and has what it needs (5402). */
  private void strategy(ModelCard.Fusion f) {
    if (f.strategy() == null || !ModelCard.STRATEGIES.contains(f.strategy())) {
      throw new FcdsException(
          ErrorCode.FUSION_STRATEGY_UNKNOWN,
          "model card fusion strategy unknown — '"
              + f.strategy()
              + "' (one of "
              + new java.util.TreeSet<>(ModelCard.STRATEGIES)
              + ") in "
              + origin);
    }
    ModelCard.Stacking s = f.stacking();
    if (s != null) {
      if (s.intercept() == null || s.weights() == null || s.weights().isEmpty()) {
        strategyInvalid("fusion.stacking needs intercept and weights");
      }
      for (Map.Entry<String, Double> w : s.weights().entrySet()) {
        if (!c.graphs().containsKey(w.getKey()) || w.getValue() == null) {
          strategyInvalid("fusion.stacking.weights names unknown graph '" + w.getKey() + "'");
        }
      }
    }
    if (f.strategy().equals(ModelCard.STACKED)
        && (s == null || !ModelCard.STACKED.equals(f.defaultGraph()))) {
      strategyInvalid("strategy stacked needs fusion.stacking and defaultGraph stacked");
    }
    if (f.strategy().equals(ModelCard.LATE)
        && (f.lateWeights() == null || !ModelCard.LATE.equals(f.defaultGraph()))) {
      strategyInvalid("strategy late needs fusion.lateWeights and defaultGraph late");
    }
    if (f.strategy().startsWith("feature-")
        && (c.imageFeatures() == null
            || !c.graphs().containsKey(f.defaultGraph())
            || !c.graphs().get(f.defaultGraph()).inputs().contains(c.imageFeatures().tensor()))) {
      strategyInvalid(
          "strategy " + f.strategy() + " needs imageFeatures and a default graph that takes them");
    }
  }

  private void strategyInvalid(String what) {
    throw new FcdsException(
        ErrorCode.FUSION_STRATEGY_INVALID,
        "model card fusion strategy invalid — " + what + " in " + origin);
  }

  /** Known names (4301), a declared {@code features} tensor of the right width (4302). */
  private void imageFeatures() {
    ModelCard.ImageFeatures f = c.imageFeatures();
    if (f == null) {
      return;
    }
    if (c.image() == null) {
      featuresInvalid("imageFeatures needs the image section (window, rows, columns)");
    }
    if (f.names() == null || f.names().isEmpty()) {
      featuresInvalid("imageFeatures.names missing");
    }
    for (String n : f.names()) {
      if (!ImageFeatureNames.known(n)) {
        throw new FcdsException(
            ErrorCode.IMAGE_FEATURE_UNKNOWN,
            "model card names an unknown image feature — '"
                + n
                + "' (known: "
                + new java.util.TreeSet<>(ImageFeatureNames.SCALARS)
                + ", "
                + ImageFeatureNames.LBP_HIST_8
                + ") in "
                + origin);
      }
    }
    InputTensor t = f.tensor() == null ? null : c.input(f.tensor());
    if (t == null || !"features".equals(t.kind()) || t.shape().size() != 2) {
      featuresInvalid("imageFeatures.tensor must be a declared [1, F] input of kind features");
    }
    if (t.shape().get(1) != f.columns().size()) {
      featuresInvalid(
          "imageFeatures has " + f.columns().size() + " columns but tensor shape " + t.shape());
    }
    if (f.levels() == null || f.levels() < 2 || f.levels() > 256) {
      featuresInvalid("imageFeatures.levels must be 2–256, found " + f.levels());
    }
    ModelCard.Range m = f.mask();
    if (m == null
        || m.min() == null
        || m.max() == null
        || m.min() > m.max()
        || m.min() < 0
        || m.max() > 1) {
      featuresInvalid("imageFeatures.mask needs min ≤ max in [0, 1], found " + m);
    }
    if (f.equalize() == null || f.fill() == null) {
      featuresInvalid("imageFeatures.equalize and imageFeatures.fill are required");
    }
  }

  private void featuresInvalid(String what) {
    throw new FcdsException(
        ErrorCode.IMAGE_FEATURES_INVALID,
        "model card imageFeatures section unusable — " + what + " in " + origin);
  }

  private void graphName(String at, String name) {
    boolean late = ModelCard.LATE.equals(name) && c.fusion().lateWeights() != null;
    boolean stacked = ModelCard.STACKED.equals(name) && c.fusion().stacking() != null;
    if (!late && !stacked && !c.graphs().containsKey(name)) {
      fail(ErrorCode.MODEL_CARD_REFERENCE, at, "unknown graph '" + name + "'");
    }
  }

  private void tensor(String at, String name, int rank) {
    require(at, name);
    InputTensor t = c.input(name);
    if (t == null) {
      fail(ErrorCode.MODEL_CARD_REFERENCE, at, "unknown tensor '" + name + "'");
    }
    if (t.shape().size() != rank) {
      fail(
          ErrorCode.MODEL_CARD_REFERENCE,
          at,
          "tensor '" + name + "' has shape " + t.shape() + ", expected rank " + rank);
    }
  }

  private void require(String field, Object value) {
    if (value == null || (value instanceof String s && s.isBlank()) || empty(value)) {
      fail(ErrorCode.MODEL_CARD_FIELD_INVALID, field, "missing");
    }
  }

  private void positive(String field, Double value) {
    require(field, value);
    if (!(value > 0) || value.isInfinite()) {
      fail(ErrorCode.MODEL_CARD_FIELD_INVALID, field, "must be > 0, found " + value);
    }
  }

  private void oneOf(String field, String value, Set<String> allowed) {
    require(field, value);
    if (!allowed.contains(value)) {
      fail(ErrorCode.MODEL_CARD_FIELD_INVALID, field, "'" + value + "' is not one of " + allowed);
    }
  }

  private static boolean empty(Object v) {
    return (v instanceof java.util.Collection<?> col && col.isEmpty())
        || (v instanceof Map<?, ?> m && m.isEmpty());
  }

  private void fail(ErrorCode code, String field, String what) {
    throw new FcdsException(
        code, "model card field " + field + " invalid — " + what + " in " + origin);
  }
}
