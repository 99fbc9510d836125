package org.fusioncds.flow;

/**
 * The DICOMweb branch of the gather step: the decoded image, or why it is missing (a coded error
 * text, disclosed on the card and in the report).
 */
public record ImageInput(PatientContext context, DicomImage image, String problem) {

  public static ImageInput of(PatientContext context, DicomImage image) {
    return new ImageInput(context, image, null);
  }

  public static ImageInput missing(PatientContext context, String problem) {
    return new ImageInput(context, null, problem);
  }

  @Override
  public String toString() {
    return "ImageInput[" + context.job() + ", image=" + (image != null) + "]";
  }
}
