package org.fusioncds.flow;

import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.dicom.pixel.PixelDecoder;

/** One DICOM instance for assembly: its data set (PS3.3 attributes) and its decoded first frame. */
public record DicomImage(Dataset dataset, Frame frame) {

  /** Decodes frame 0 of a file read with {@code DicomReader}. */
  public static DicomImage of(DicomFile file) {
    return new DicomImage(file.dataset(), PixelDecoder.decode(file, 0));
  }
}
