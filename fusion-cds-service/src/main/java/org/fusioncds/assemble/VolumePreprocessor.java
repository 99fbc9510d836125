package org.fusioncds.assemble;

import java.util.List;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.volume.SliceSource;
import org.fusioncds.dicom.volume.VolumeGrid;
import org.fusioncds.dicom.volume.VolumeOptions;
import org.fusioncds.dicom.volume.VolumeResampler;
import org.fusioncds.dicom.volume.VolumeResampler.Resampled;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard.VolumeSpec;
import org.fusioncds.model.StudySelector;
import org.hl7.fhir.r4.model.ImagingStudy;

/**
 * The card's {@code volume} section applied to a series (PS3.3 C.7.6.2 geometry, C.11.1 Modality
 * LUT): {@link VolumeResampler#fromSeries} onto the card's grid, then the linear window to [0, 1]
 * and (v − mean) / std. A series that cannot be placed safely gives a reason (with its FCDS code)
 * instead of a volume: the volume is then missing, as an absent radiograph is.
 */
public final class VolumePreprocessor {

  private final VolumeSpec spec;
  private final VolumeGrid grid;
  private final VolumeOptions options;

  public VolumePreprocessor(VolumeSpec spec) {
    this(spec, VolumeOptions.DEFAULT);
  }

  public VolumePreprocessor(VolumeSpec spec, VolumeOptions options) {
    this.spec = spec;
    this.options = options;
    List<Double> s = spec.spacingMm();
    List<Integer> n = spec.size();
    this.grid =
        new VolumeGrid(
            spec.orientation(),
            new double[] {s.get(0), s.get(1), s.get(2)},
            new int[] {n.get(0), n.get(1), n.get(2)},
            spec.outside(),
            spec.minCoverage());
  }

  /** The grid of the card. */
  public VolumeGrid grid() {
    return grid;
  }

  /** A built volume, or why there is none. */
  public record Result(float[] voxels, Resampled resampled, String reason, String seriesUid) {
    public boolean present() {
      return reason == null;
    }
  }

  /** Null when the series may feed the volume, else why not (before any pixel is decoded). */
  static String reason(ImagingStudy study, List<SliceSource> series, StudySelector selector) {
    if (study == null) {
      return "no eligible ImagingStudy";
    }
    if (series.isEmpty()) {
      return "no DICOM series for the selected study";
    }
    String uid = StudySelector.studyUid(study);
    if (uid == null) {
      return "selected ImagingStudy has no urn:oid: identifier to match the series against";
    }
    for (SliceSource s : series) {
      if (!uid.equals(s.dataset().getString(Tag.StudyInstanceUID))) {
        return "DICOM Study Instance UID of a slice differs from the selected ImagingStudy";
      }
    }
    String modality = series.get(0).dataset().getString(Tag.Modality);
    if (!selector.modalityAllowed(modality)) {
      return "DICOM modality " + modality + " not accepted by the card";
    }
    return null;
  }

  /** The normalised volume of the series, or the coded reason it cannot be used. */
  public Result apply(List<SliceSource> series) {
    Resampled r;
    try {
      r = VolumeResampler.fromSeries(series, grid, spec.minSlices(), options);
    } catch (FcdsException e) {
      return new Result(null, null, e.getMessage(), null);
    }
    return new Result(
        normalise(r.voxels()), r, null, series.get(0).dataset().getString(Tag.SeriesInstanceUID));
  }

  /** Window (center, width in modality units) to [0, 1], then (v − mean) / std, in place. */
  float[] normalise(float[] v) {
    double low = spec.window().center() - spec.window().width() / 2;
    double width = spec.window().width();
    for (int i = 0; i < v.length; i++) {
      double w = Math.max(0, Math.min(1, (v[i] - low) / width));
      v[i] = (float) ((w - spec.mean()) / spec.std());
    }
    return v;
  }

  /** The tensor of a missing volume. */
  float[] missing() {
    float[] f = new float[grid.points()];
    java.util.Arrays.fill(f, spec.fill().floatValue());
    return f;
  }
}
