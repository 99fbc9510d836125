package org.fusioncds.flow;

import java.util.List;
import org.fusioncds.dicom.volume.SliceSource;

/**
 * The DICOMweb branch of the gather step: the decoded image, or (for a volume card) the slices of
 * one series whose frames are fetched as the volume builder takes them, or why it is missing (a
 * coded error text, disclosed on the card and in the report).
 *
 * @param series the slices of the chosen series (empty unless the card reads a volume); a slice's
 *     pixels are fetched and decoded when asked, once
 */
public record ImageInput(
    PatientContext context, DicomImage image, String problem, List<SliceSource> series) {

  public ImageInput {
    series = series == null ? List.of() : List.copyOf(series);
  }

  public ImageInput(PatientContext context, DicomImage image, String problem) {
    this(context, image, problem, List.of());
  }

  public static ImageInput of(PatientContext context, DicomImage image) {
    return new ImageInput(context, image, null);
  }

  /** The slices of a series (a volume card). */
  public static ImageInput ofSeries(PatientContext context, List<SliceSource> series) {
    return new ImageInput(context, null, null, series);
  }

  public static ImageInput missing(PatientContext context, String problem) {
    return new ImageInput(context, null, problem);
  }

  @Override
  public String toString() {
    return "ImageInput["
        + context.job()
        + ", image="
        + (image != null)
        + ", slices="
        + series.size()
        + "]";
  }
}
