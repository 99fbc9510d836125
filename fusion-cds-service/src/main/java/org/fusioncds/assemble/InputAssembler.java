package org.fusioncds.assemble;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.ModelInputs.InputReference;
import org.fusioncds.flow.ModelInputs.Missing;
import org.fusioncds.flow.Tensor;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCard.Feature;
import org.fusioncds.model.ModelCard.InputTensor;
import org.fusioncds.model.StudySelector;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Resource;

/**
 * Model-card driven input assembly: FHIR R4 resources and one DICOM instance → the card's named
 * float32 tensors, masks, the versioned inputs used and what was missing. The one code path of
 * serving and of the training export. Thread-safe; build one per card and reuse it.
 */
public final class InputAssembler {

  private final ModelCard card;
  private final StudySelector studies;
  private final ObservationFeatures observations;
  private final ConditionFeatures conditions = new ConditionFeatures();
  private final DemographicFeatures demographics = new DemographicFeatures();
  private final ImagePreprocessor image;
  private final ImageFeatureExtractor imageFeatures;
  private final VolumePreprocessor volume;

  public InputAssembler(ModelCard card, UnitConverter units) {
    this.card = card;
    this.studies = new StudySelector(card.study());
    this.observations = new ObservationFeatures(units, card.labWindow());
    this.image = card.image() == null ? null : new ImagePreprocessor(card.image());
    this.imageFeatures =
        card.imageFeatures() == null ? null : new ImageFeatureExtractor(card.imageFeatures());
    this.volume = card.volume() == null ? null : new VolumePreprocessor(card.volume());
  }

  public InputAssembler(ModelCard card) {
    this(card, new UnitConverter());
  }

  public ModelCard card() {
    return card;
  }

  /**
   * The time the case is anchored on (the lab window, the age): the start of the study the card
   * selects, else the evaluation time; null when there is neither.
   */
  public Instant anchor(AssemblyInput in) {
    return anchor(studies.select(in.studies(), in.evaluationTime()), in);
  }

  private static Instant anchor(Optional<ImagingStudy> study, AssemblyInput in) {
    return study.map(s -> s.getStarted().toInstant()).orElse(in.evaluationTime());
  }

  public ModelInputs assemble(AssemblyInput in) {
    long start = System.nanoTime();
    if (in.patient() == null) {
      throw new FcdsException(ErrorCode.NO_PATIENT, "no Patient to assemble inputs for — null");
    }
    Optional<ImagingStudy> study = studies.select(in.studies(), in.evaluationTime());
    Instant anchor = anchor(study, in);
    if (anchor == null) {
      throw new FcdsException(
          ErrorCode.NO_ANCHOR_TIME,
          "no eligible ImagingStudy and no evaluation time to anchor the lab window — none");
    }
    Parts parts = new Parts();
    study.ifPresent(s -> parts.used.add(References.of(s)));
    tabular(in, anchor, parts);
    image(in, study.orElse(null), parts);
    volume(in, study.orElse(null), parts);
    return new ModelInputs(
        card.id(),
        card.version(),
        ordered(parts.tensors),
        new ArrayList<>(parts.used),
        parts.missing,
        anchor,
        (System.nanoTime() - start) / 1e6);
  }

  private void tabular(AssemblyInput in, Instant anchor, Parts parts) {
    if (card.tabular() == null) {
      return;
    }
    List<Feature> features = card.features();
    float[] values = new float[features.size()];
    float[] mask = new float[features.size()];
    for (int i = 0; i < features.size(); i++) {
      Feature f = features.get(i);
      FeatureValue v = feature(f, in, anchor);
      if (v.present()) {
        values[i] = (float) v.value().doubleValue();
        mask[i] = 1f;
        v.used().forEach(r -> parts.used.add(References.of((Resource) r)));
      } else {
        values[i] = (float) card.missing().fill().doubleValue();
        parts.missing.add(new Missing(kind(f) + ":" + f.name(), v.missingReason()));
      }
    }
    parts.put(card.tabular().tensor(), values, card);
    parts.put(card.tabular().maskTensor(), mask, card);
  }

  private FeatureValue feature(Feature f, AssemblyInput in, Instant anchor) {
    return switch (f.source()) {
      case "observation" -> observations.value(f, in.observations(), anchor);
      case "condition" -> conditions.value(f, in.conditions(), anchor);
      default -> demographics.value(f, in.patient(), anchor);
    };
  }

  private static String kind(Feature f) {
    return switch (f.source()) {
      case "observation" -> "labs";
      case "condition" -> "conditions";
      default -> "demographics";
    };
  }

  private void image(AssemblyInput in, ImagingStudy study, Parts parts) {
    if (image == null) {
      return;
    }
    ModelCard.ImageSpec spec = card.image();
    String reason = ImageEligibility.reason(study, in.image(), studies);
    float[] pixels = new float[spec.rows() * spec.columns()];
    float[] features = imageFeatures == null ? null : imageFeatures.missing();
    if (reason == null) {
      double[] windowed = image.windowed(in.image().dataset(), in.image().frame());
      pixels = image.normalise(windowed);
      if (imageFeatures != null) {
        features = imageFeatures.apply(windowed, spec.rows(), spec.columns());
      }
      parts.used.add(References.dicom(ImageEligibility.sopInstanceUid(in.image())));
    } else {
      Arrays.fill(pixels, (float) spec.fill().doubleValue());
      parts.missing.add(new Missing("image", reason));
    }
    parts.put(spec.tensor(), pixels, card);
    if (features != null) {
      parts.put(card.imageFeatures().tensor(), features, card);
    }
    parts.put(spec.presentTensor(), new float[] {reason == null ? 1f : 0f}, card);
  }

  /**
   * The card's volume from the series, or its fill with {@code image} missing and the reason
   * (including a series refused with its FCDS code): the same missing-image path as a radiograph.
   */
  private void volume(AssemblyInput in, ImagingStudy study, Parts parts) {
    if (volume == null) {
      return;
    }
    ModelCard.VolumeSpec spec = card.volume();
    String reason = VolumePreprocessor.reason(study, in.series(), studies);
    float[] voxels = null;
    if (reason == null) {
      VolumePreprocessor.Result r = volume.apply(in.series());
      reason = r.reason();
      if (r.present()) {
        voxels = r.voxels();
        // every instance the volume was built from (the builder drops only an instance given
        // twice): the Provenance names each one, as it names the radiograph's one instance
        in.series().stream()
            .map(x -> x.dataset().getString(org.fusioncds.dicom.Tag.SOPInstanceUID))
            .map(uid -> uid == null ? "unknown" : uid)
            .distinct()
            .forEach(uid -> parts.used.add(References.dicom(uid)));
      }
    }
    if (voxels == null) {
      voxels = volume.missing();
      parts.missing.add(new Missing("image", reason));
    }
    parts.put(spec.tensor(), voxels, card);
    parts.put(spec.presentTensor(), new float[] {reason == null ? 1f : 0f}, card);
  }

  /** The card's inputs in the card's order; a declared input nothing produced is an error. */
  private Map<String, Tensor> ordered(Map<String, Tensor> built) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (InputTensor t : card.inputs()) {
      Tensor tensor = built.get(t.name());
      if (tensor == null) {
        throw new FcdsException(
            ErrorCode.CARD_INPUT_UNPRODUCED,
            "card input is produced by neither image nor tabular — " + t.name());
      }
      out.put(t.name(), tensor);
    }
    return out;
  }

  /** What one assembly collects. */
  private static final class Parts {
    final Map<String, Tensor> tensors = new LinkedHashMap<>();
    final Set<InputReference> used = new LinkedHashSet<>();
    final List<Missing> missing = new ArrayList<>();

    void put(String name, float[] data, ModelCard card) {
      long[] shape = card.input(name).shape().stream().mapToLong(Long::longValue).toArray();
      tensors.put(name, new Tensor(name, shape, data));
    }
  }
}
